package tempfstest

import (
	"io/fs"
	"os"
	"syscall"
	"time"
)

// Link makes newname a hard link to the file oldname, like link(2). It
// fails wrapping fs.ErrExist if newname exists, and with syscall.EPERM for
// a directory. It implements [tempfs.HardLinker]. Errors are
// [*os.LinkError].
func (c *CrashFs) Link(oldname, newname string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	lerr := func(err error) error { return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: err} }
	src, err := c.walk(split(oldname))
	if oldname == "" {
		err = fs.ErrNotExist
	}
	if err != nil {
		return lerr(err)
	}
	if src.dir {
		return lerr(syscall.EPERM)
	}
	ndir, nbase, err := c.parent(newname)
	if err != nil {
		return lerr(err)
	}
	if ndir == nil {
		return lerr(fs.ErrExist)
	}
	if _, ok := ndir.children[nbase]; ok {
		return lerr(fs.ErrExist)
	}
	ndir.setChild(nbase, src)
	return nil
}

// Stat returns the FileInfo of the named file or directory.
func (c *CrashFs) Stat(name string) (os.FileInfo, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.lookup("stat", name)
	if err != nil {
		return nil, err
	}
	return n.info(name), nil
}

// LstatIfPossible is Stat, as CrashFs has no symbolic links; it reports
// true. It implements [afero.Lstater].
func (c *CrashFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.lookup("lstat", name)
	if err != nil {
		return nil, true, err
	}
	return n.info(name), true, nil
}

// Chmod sets the permission bits of name (other mode bits are ignored).
// The new mode is durable only after a sync of the file, or of the
// directory for a directory; until then a crash may bring back the mode
// of the last sync.
func (c *CrashFs) Chmod(name string, mode os.FileMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.lookup("chmod", name)
	if err != nil {
		return err
	}
	n.mode = mode & fs.ModePerm
	return nil
}

// Chown checks that name exists; CrashFs keeps no owners.
func (c *CrashFs) Chown(name string, uid, gid int) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, err := c.lookup("chown", name)
	return err
}

// Chtimes sets the modification time of name; CrashFs keeps no access
// time.
func (c *CrashFs) Chtimes(name string, atime, mtime time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.lookup("chtimes", name)
	if err != nil {
		return err
	}
	n.modTime = mtime
	return nil
}

// SyncDir makes the entries and the mode of directory name durable, as
// fsync on the directory does; its cost grows with the entries changed
// since its last sync, not with the directory. It implements [tempfs.DirSyncer].
func (c *CrashFs) SyncDir(name string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n, err := c.lookup("syncdir", name)
	if err != nil {
		return err
	}
	if !n.dir {
		return &fs.PathError{Op: "syncdir", Path: name, Err: syscall.ENOTDIR}
	}
	n.sync()
	return nil
}

// SyncAll makes everything in c durable, as if every file and directory
// had been synced. Tests use it to set up a durable starting state.
func (c *CrashFs) SyncAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	seen := map[*inode]bool{}
	var walk func(n *inode)
	walk = func(n *inode) {
		if seen[n] {
			return
		}
		seen[n] = true
		n.sync()
		for _, child := range n.children {
			walk(child)
		}
	}
	walk(c.root)
}
