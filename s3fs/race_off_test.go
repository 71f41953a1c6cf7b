//go:build !race

package s3fs_test

const raceEnabled = false
