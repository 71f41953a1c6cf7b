//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package memfs

import (
	"io/fs"
	"syscall"
)

// export returns a *syscall.Stat_t, as os does on this platform.
func (s sysStat) export() any {
	st := &syscall.Stat_t{Ino: s.ino, Uid: uint32(s.uid), Gid: uint32(s.gid), Size: s.size}
	setInt(&st.Nlink, int64(s.nlink))
	setInt(&st.Mode, int64(unixMode(s.mode)))
	setTimes(st, s.atime.UnixNano(), s.mtime.UnixNano())
	return st
}

// sysOwner is the owner and group as export reports them.
func sysOwner(uid, gid int) (int, int) { return int(uint32(uid)), int(uint32(gid)) }

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
