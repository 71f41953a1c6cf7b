//go:build race

package memfs

const raceEnabled = true
