module github.com/tempfs-go/tempfs

go 1.25.0

require (
	github.com/spf13/afero v1.15.0
	github.com/stretchr/testify v1.12.1
	pgregory.net/rapid v1.3.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.40.0 // indirect
)
