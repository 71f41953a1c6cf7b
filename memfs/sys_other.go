//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package memfs

import "time"

// Stat is what FileInfo.Sys returns on platforms whose os package has no
// *syscall.Stat_t.
type Stat struct {
	Ino          uint64
	Nlink        int
	UID, GID     int
	Atime, Mtime time.Time
}

// sysValue is what Sys points to.
type sysValue = Stat

func (s sysStat) export() any {
	st := new(sysValue)
	s.fill(st)
	return st
}

// fill sets st to s.
func (s sysStat) fill(st *sysValue) {
	*st = Stat{Ino: s.ino, Nlink: s.nlink, UID: s.uid, GID: s.gid, Atime: s.atime, Mtime: s.mtime}
}
