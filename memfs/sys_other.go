//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package memfs

import "time"

// Stat is what FileInfo.Sys returns on platforms whose os package has no
// *syscall.Stat_t. UID and GID are 32-bit ids, as Linux keeps them: an
// [Options.UID] or a Chown to a negative number shows as its 32-bit value.
type Stat struct {
	Ino          uint64
	Nlink        int
	UID, GID     int
	Atime, Mtime time.Time
}

func (s sysStat) export() any {
	return &Stat{Ino: s.ino, Nlink: s.nlink, UID: s.uid, GID: s.gid, Atime: s.atime, Mtime: s.mtime}
}

// sysOwner is the owner and group as export reports them.
func sysOwner(uid, gid int) (int, int) { return uid, gid }
