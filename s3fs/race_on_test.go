//go:build race

package s3fs_test

// raceEnabled: the race detector slows the children of the crash test
// several times, so it kills them at 50 evenly spread points, not all.
const raceEnabled = true
