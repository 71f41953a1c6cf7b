//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package memfs

import (
	"io/fs"
	"syscall"
)

// sysValue is what Sys points to: a syscall.Stat_t, as os gives on this
// platform.
type sysValue = syscall.Stat_t

// export returns a *syscall.Stat_t, as os does on this platform.
func (s sysStat) export() any {
	st := new(sysValue)
	s.fill(st)
	return st
}

// fill sets st to s.
func (s sysStat) fill(st *sysValue) {
	*st = syscall.Stat_t{Ino: s.ino, Uid: uint32(s.uid), Gid: uint32(s.gid), Size: s.size}
	setInt(&st.Nlink, int64(s.nlink))
	setInt(&st.Mode, int64(unixMode(s.mode)))
}

func setInt[T ~int16 | ~int32 | ~int64 | ~uint16 | ~uint32 | ~uint64](p *T, v int64) { *p = T(v) }

// unixMode is the st_mode of a FileMode.
func unixMode(m fs.FileMode) uint32 {
	u := uint32(m.Perm())
	switch {
	case m.IsDir():
		u |= syscall.S_IFDIR
	case m&fs.ModeSymlink != 0:
		u |= syscall.S_IFLNK
	default:
		u |= syscall.S_IFREG
	}
	if m&fs.ModeSetuid != 0 {
		u |= syscall.S_ISUID
	}
	if m&fs.ModeSetgid != 0 {
		u |= syscall.S_ISGID
	}
	if m&fs.ModeSticky != 0 {
		u |= syscall.S_ISVTX
	}
	return u
}
