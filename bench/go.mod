module github.com/tempfs-go/tempfs/bench

go 1.25

require (
	github.com/google/renameio/v2 v2.0.2
	github.com/natefinch/atomic v1.0.1
	github.com/spf13/afero v1.15.0
	github.com/stretchr/testify v1.12.1
	github.com/tempfs-go/tempfs v0.1.0
)

require (
	go.yaml.in/yaml/v3 v3.0.5 // indirect
	golang.org/x/text v0.28.0 // indirect
)

