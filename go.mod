module github.com/tempfs-go/tempfs

go 1.25

require github.com/spf13/afero v1.15.0

require golang.org/x/text v0.28.0 // indirect
