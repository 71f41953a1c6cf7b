//go:build darwin || freebsd || netbsd

package memfs

import "syscall"

// setTimes fills st's access and modification times, as stat(2) does;
// memfs keeps no change or birth time (they stay zero).
func setTimes(st *syscall.Stat_t, atime, mtime int64) {
	st.Atimespec = syscall.NsecToTimespec(atime)
	st.Mtimespec = syscall.NsecToTimespec(mtime)
}
