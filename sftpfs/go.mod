module github.com/tempfs-go/tempfs/sftpfs

go 1.25.0

require (
	github.com/pkg/sftp v1.13.12
	github.com/spf13/afero v1.15.0
	github.com/spf13/afero/sftpfs v1.15.0
	github.com/stretchr/testify v1.12.1
	github.com/tempfs-go/tempfs v0.1.0
	golang.org/x/crypto v0.54.0
)

require (
	github.com/kr/fs v0.1.0 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)

