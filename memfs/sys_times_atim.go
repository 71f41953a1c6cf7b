//go:build linux || openbsd || dragonfly

package memfs

import "syscall"

// setTimes fills st's access and modification times, as stat(2) does;
// memfs keeps no change time (Ctim stays zero).
func setTimes(st *syscall.Stat_t, atime, mtime int64) {
	st.Atim = syscall.NsecToTimespec(atime)
	st.Mtim = syscall.NsecToTimespec(mtime)
}
