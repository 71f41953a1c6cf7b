//go:build unix

package tempfstest

import (
	"io/fs"
	"syscall"
)

// linkCount is fi's link count, if its Sys is a *syscall.Stat_t.
func linkCount(fi fs.FileInfo) (uint64, bool) {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Nlink), true
	}
	return 0, false
}
