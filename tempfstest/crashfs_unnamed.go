package tempfstest

import (
	"io/fs"
	"os"
	"syscall"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

var _ tempfs.UnnamedCreator = (*CrashFs)(nil)

// crashUnnamed is a file of [CrashFs.OpenUnnamed]: an inode no directory
// names (a crash image, built from the tree, never holds it) until
// [CrashFs.LinkUnnamed] gives it a name.
type crashUnnamed struct {
	*crashFile
	linkable bool
}

// OpenUnnamed opens a new file with no name in directory dir, with mode
// perm, as Linux's open(dir, O_TMPFILE) does (see [tempfs.UnnamedCreator]).
// Its data and mode become durable with its Sync, like any file's; it has
// a durable name only once it is linked and the directory synced. Closing
// it before a link frees it. Its Name is dir.
func (c *CrashFs) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	const op = "open"
	c.mu.Lock()
	defer c.mu.Unlock()
	d, err := c.lookup(op, dir)
	if err != nil {
		return nil, err
	}
	if !d.dir {
		return nil, &fs.PathError{Op: op, Path: dir, Err: syscall.ENOTDIR}
	}
	f := &crashFile{fsys: c, name: dir, n: newFileInode(perm), flag: os.O_RDWR}
	return &crashUnnamed{crashFile: f, linkable: linkable}, nil
}

// LinkUnnamed names f, an open linkable file of OpenUnnamed, newname (in
// any directory: CrashFs is one device), failing with fs.ErrExist if
// newname exists. Like any new entry, the name is durable only once its
// directory is synced.
func (c *CrashFs) LinkUnnamed(f afero.File, newname string) error {
	const op = "link"
	u, ok := f.(*crashUnnamed)
	if !ok || u.fsys != c || !u.linkable {
		return &fs.PathError{Op: op, Path: newname, Err: fs.ErrInvalid}
	}
	if err := u.lock(op); err != nil {
		return &fs.PathError{Op: op, Path: newname, Err: fs.ErrClosed}
	}
	defer u.unlock()
	dir, base, err := c.parent(newname)
	switch {
	case err != nil:
		return &fs.PathError{Op: op, Path: newname, Err: err}
	case dir == nil:
		return &fs.PathError{Op: op, Path: newname, Err: fs.ErrExist}
	}
	if _, ok := dir.children[base]; ok {
		return &fs.PathError{Op: op, Path: newname, Err: fs.ErrExist}
	}
	dir.setChild(base, u.n)
	return nil
}

// Chmod sets the open file's mode (fchmod): it is durable after its Sync.
func (f *crashUnnamed) Chmod(mode fs.FileMode) error {
	if err := f.lock("chmod"); err != nil {
		return err
	}
	defer f.unlock()
	f.n.mode = mode & fs.ModePerm
	return nil
}

// Chown does nothing, as [CrashFs.Chown]: CrashFs has no owners.
func (f *crashUnnamed) Chown(uid, gid int) error {
	if err := f.lock("chown"); err != nil {
		return err
	}
	f.unlock()
	return nil
}
