package memfs

import (
	"io/fs"
	"path"
	"sync/atomic"
	"time"
)

// node is a file, a directory or a symbolic link (an inode). Every field
// is guarded by Fs.mu.
type node struct {
	// The 4-byte fields first, packed: with the file's first handle the
	// node is one allocation of 176 bytes (OpenFile's new file).
	mode         fs.FileMode  // type, permission, setuid/setgid/sticky bits
	opens        atomic.Int32 // open handles
	nlink        int32
	gone         atomic.Bool // nlink reached 0: no name will refer to it again
	uid, gid     uint32      // as the kernel keeps them (uid_t, gid_t)
	ino          uint64
	mtime, atime stamp

	data     []byte   // regular file
	target   string   // symbolic link
	children *entries // directory
	parent   *node    // directory: the one directory holding it
	dur      *durable // with Options.TrackSync: what the last sync made durable
}

func (n *node) isDir() bool     { return n.mode&fs.ModeDir != 0 }
func (n *node) isSymlink() bool { return n.mode&fs.ModeSymlink != 0 }
func (n *node) isRegular() bool { return n.mode.IsRegular() }

func (n *node) size() int64 {
	switch {
	case n.isSymlink():
		return int64(len(n.target))
	case n.isDir():
		return 4096
	}
	return int64(len(n.data))
}

// info returns a snapshot of n's metadata under the name base, as Stat,
// Lstat and Readdir report it. f.mu held.
func (n *node) info(base string) *fileInfo {
	return &fileInfo{name: base, size: n.size(), mode: n.mode, mtime: n.mtime, atime: n.atime,
		ino: n.ino, nlink: int(n.nlink), uid: int(n.uid), gid: int(n.gid)}
}

// fileInfo is the [fs.FileInfo] of a node at some moment.
type fileInfo struct {
	name         string
	size         int64
	mode         fs.FileMode
	mtime, atime stamp
	ino          uint64
	nlink        int
	uid, gid     int
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime.time() }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }

// Sys returns what os returns on the platform: a *syscall.Stat_t with the
// inode number, link count, owner, mode, size and access and modification
// times (no change time) on Linux, macOS and the BSDs; a *[Stat]
// elsewhere. It is made when asked for.
func (fi *fileInfo) Sys() any {
	return sysStat{ino: fi.ino, nlink: fi.nlink, uid: fi.uid, gid: fi.gid, mode: fi.mode,
		size: fi.size, atime: fi.atime.time(), mtime: fi.mtime.time()}.export()
}

// Owner returns the owner and group that Sys reports, without making the
// Sys value (tempfs's FileOwner).
func (fi *fileInfo) Owner() (uid, gid int) { return sysOwner(fi.uid, fi.gid) }

// sysStat holds what Sys reports.
type sysStat struct {
	ino          uint64
	nlink        int
	uid, gid     int
	mode         fs.FileMode
	size         int64
	atime, mtime time.Time
}

// baseName is path.Base of a name as given by the caller, as os reports
// it in FileInfo.Name.
func baseName(name string) string {
	return path.Base(toSlash(name))
}
