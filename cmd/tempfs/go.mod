module github.com/tempfs-go/tempfs/cmd/tempfs

go 1.25.0

require (
	github.com/pkg/sftp v1.13.12
	github.com/schollz/progressbar/v3 v3.19.1
	github.com/spf13/afero v1.15.0
	github.com/stretchr/testify v1.12.1
	github.com/tempfs-go/tempfs v0.1.0
	github.com/tempfs-go/tempfs/sftpfs v0.1.0
	golang.org/x/crypto v0.54.0
	golang.org/x/term v0.45.0
)

require (
	github.com/kr/fs v0.1.0 // indirect
	github.com/mitchellh/colorstring v0.0.0-20190213212951-d06e56a500db // indirect
	github.com/rivo/uniseg v0.4.7 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/sys v0.47.0 // indirect
	golang.org/x/text v0.40.0 // indirect
)
