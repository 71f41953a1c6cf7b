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
	mode         fs.FileMode // type, permission, setuid/setgid/sticky bits
	uid, gid     int
	ino          uint64
	nlink        int
	opens        atomic.Int32 // open handles
	gone         atomic.Bool  // nlink reached 0: no name will refer to it again
	mtime, atime time.Time

	data     []byte   // regular file
	target   string   // symbolic link
	children *entries // directory
	parent   *node    // directory: the one directory holding it
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

// info returns a snapshot of n's metadata under the name base. f.mu held.
func (n *node) info(base string) *fileInfo {
	return &fileInfo{infoCore: n.core(base), sys: n.sysStat()}
}

// stat returns, as Stat and Lstat do, a snapshot of n's metadata under
// the name base whose Sys value is held in it (one allocation, as os holds
// its syscall.Stat_t in its FileInfo). f.mu held.
func (n *node) stat(base string) *statInfo {
	si := &statInfo{infoCore: n.core(base)}
	n.sysStat().fill(&si.st)
	return si
}

func (n *node) core(base string) infoCore {
	return infoCore{name: base, size: n.size(), mode: n.mode, mtime: n.mtime}
}

func (n *node) sysStat() sysStat {
	return sysStat{ino: n.ino, nlink: n.nlink, uid: n.uid, gid: n.gid, mode: n.mode,
		size: n.size(), atime: n.atime, mtime: n.mtime}
}

// infoCore is what every [fs.FileInfo] of a node holds.
type infoCore struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (fi *infoCore) Name() string       { return fi.name }
func (fi *infoCore) Size() int64        { return fi.size }
func (fi *infoCore) Mode() fs.FileMode  { return fi.mode }
func (fi *infoCore) ModTime() time.Time { return fi.mtime }
func (fi *infoCore) IsDir() bool        { return fi.mode.IsDir() }

// fileInfo is the [fs.FileInfo] of a node at some moment, as Readdir
// lists it: its Sys value is made when asked for.
type fileInfo struct {
	infoCore
	sys sysStat
}

// Sys returns what os returns on the platform: a *syscall.Stat_t with the
// inode number, link count, owner, mode and size on Linux, macOS and the
// BSDs; a *[Stat] elsewhere.
func (fi *fileInfo) Sys() any { return fi.sys.export() }

// statInfo is the [fs.FileInfo] of Stat, Lstat and File.Stat: its Sys
// value is made with it, and Sys returns the same pointer every time, as
// os's does.
type statInfo struct {
	infoCore
	st sysValue
}

// Sys is [fileInfo.Sys].
func (si *statInfo) Sys() any { return &si.st }

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
