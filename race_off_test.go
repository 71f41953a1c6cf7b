//go:build !race

package tempfs_test

const raceEnabled = false
