//go:build !unix

package tempfstest

import "io/fs"

// linkCount is fi's link count, if its Sys tells it: not on this platform.
func linkCount(fs.FileInfo) (uint64, bool) { return 0, false }
