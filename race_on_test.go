//go:build race

package tempfs_test

// raceEnabled: the race detector allocates on its own.
const raceEnabled = true
