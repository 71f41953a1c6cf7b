package tempfstest

import (
	"io/fs"
	"path"
	"path/filepath"
	"sort"
	"time"
)

// inode is a file or a directory of a CrashFs. Every field is guarded by
// CrashFs.mu.
//
// Durable state sits beside current state: synced data and mode, and for
// a directory the entries as they were at its last sync. A directory
// keeps only the entries changed since then (unsynced), so that a sync,
// and every change, costs the same however many entries the directory
// holds.
type inode struct {
	dir        bool
	mode       fs.FileMode // permission bits only
	syncedMode fs.FileMode // mode at the last sync (or at creation)
	modTime    time.Time

	// files
	data   []byte
	synced []byte

	// directories: children are the current entries; unsynced maps each
	// name changed since the last sync to what it named then (nil: none).
	children map[string]*inode
	unsynced map[string]*inode
}

func newDirInode(perm fs.FileMode) *inode {
	return &inode{
		dir:        true,
		mode:       perm & fs.ModePerm,
		syncedMode: perm & fs.ModePerm,
		modTime:    time.Now(),
		children:   map[string]*inode{},
	}
}

func newFileInode(perm fs.FileMode) *inode {
	return &inode{mode: perm & fs.ModePerm, syncedMode: perm & fs.ModePerm, modTime: time.Now()}
}

// setChild makes name refer to child in directory d, or removes name if
// child is nil, remembering what name referred to at the last sync.
func (d *inode) setChild(name string, child *inode) {
	old := d.children[name]
	prev, changed := d.unsynced[name]
	switch {
	case !changed && old != child:
		if d.unsynced == nil {
			d.unsynced = map[string]*inode{}
		}
		d.unsynced[name] = old
	case changed && prev == child:
		delete(d.unsynced, name) // back to the synced entry
	}
	if child == nil {
		delete(d.children, name)
	} else {
		d.children[name] = child
	}
	d.modTime = time.Now()
}

// syncedChild returns what name referred to in d at d's last sync.
func (d *inode) syncedChild(name string) (*inode, bool) {
	if old, ok := d.unsynced[name]; ok {
		return old, old != nil
	}
	child, ok := d.children[name]
	return child, ok
}

// sync makes n durable: a file's data and mode, a directory's entries and
// mode, as fsync does. Its cost is that of the file's data, or of the
// directory's changes since its last sync.
func (n *inode) sync() {
	n.syncedMode = n.mode
	if n.dir {
		n.unsynced = nil
		return
	}
	if len(n.synced) != len(n.data) || string(n.synced) != string(n.data) {
		n.synced = append(n.synced[:0:0], n.data...)
	}
}

// sortedNames returns the names of a directory's current entries, sorted.
func (n *inode) sortedNames() []string {
	names := make([]string, 0, len(n.children))
	for k := range n.children {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// info returns a snapshot FileInfo of n under name. Called with mu held.
func (n *inode) info(name string) fs.FileInfo {
	base := path.Base(filepath.ToSlash(name))
	if len(split(name)) == 0 {
		base = "/"
	}
	fi := &fileInfo{name: base, mode: n.mode, modTime: n.modTime, size: int64(len(n.data))}
	if n.dir {
		fi.mode |= fs.ModeDir
		fi.size = 0
	}
	return fi
}

type fileInfo struct {
	name    string
	size    int64
	mode    fs.FileMode
	modTime time.Time
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.modTime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { return nil }
