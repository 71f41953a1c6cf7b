package tempfstest

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// CrashFs is an in-memory [afero.Fs] that tracks durability like a real
// disk, to test what survives a power loss; its model is pebble's strict
// vfs.MemFS with CrashClone.
//
// Each file keeps its current data and mode and their synced versions;
// each directory keeps its current entries (a name and the file or
// directory it points to) and mode, and their synced versions.
// [afero.File.Sync] on a file makes its data, size and mode durable; Sync
// on an opened directory, or [CrashFs.SyncDir], makes the directory's
// entries and mode durable. Nothing else does: unlike ext4, syncing a new
// file does not make its name durable, syncing a directory does not make
// its files' data or mode durable, and a Chmod after the last sync may be
// lost. A new file or directory has its creation mode durably once its
// name is. Unsynced data survives a crash in 512-byte sectors, so an
// unsynced overwrite, even of less than a page, can come back torn.
// [CrashFs.Crash] returns the Fs a machine would find after power loss.
//
// Apart from durability, CrashFs behaves like a POSIX file system on one
// device, so tests on it show what they would show on a disk: O_EXCL is
// atomic, Rename replaces a file atomically and refuses a file onto a
// directory (syscall.EISDIR), a directory onto a file (syscall.ENOTDIR), a
// non-empty directory as target (syscall.ENOTEMPTY, which wraps
// fs.ErrExist) and a directory into itself (syscall.EINVAL); Mkdir of an
// existing name fails with fs.ErrExist; creating in a missing parent fails
// with fs.ErrNotExist; Remove of a non-empty directory fails; an open file
// reads, writes, seeks and WriteAts like an [os.File] (WriteAt does not move
// the offset, seeking before the start fails). Errors are [*fs.PathError]
// (or [*os.LinkError] for rename and link) wrapping fs.ErrNotExist,
// fs.ErrExist, fs.ErrClosed or a syscall errno.
//
// Names are slash- or separator-separated; relative names start at the
// root; there are no symbolic links. Permission bits are stored and
// reported but never enforced; modification times are kept as they are at
// the crash. Hard links ([CrashFs.Link]) share data and mode.
//
// Every operation on a name, and every sync, costs the same however many
// other files the Fs or the directory holds (a tree of directories, each
// remembering only its entries changed since its last sync); listing a
// directory, [CrashFs.SyncAll] and [CrashFs.Crash] grow with what they
// cover.
//
// A CrashFs is safe for concurrent use: one lock orders every operation.
type CrashFs struct {
	mu   sync.Mutex
	root *inode
}

// NewCrashFs returns an empty CrashFs: a root directory, durable, with
// nothing in it.
func NewCrashFs() *CrashFs {
	return &CrashFs{root: newDirInode(0o755)}
}

// Name returns "CrashFs".
func (c *CrashFs) Name() string { return "CrashFs" }

// StrictPOSIX returns true: CrashFs keeps POSIX creation semantics, so
// tempfs skips its own checks on it ([tempfs.StrictFs]).
func (c *CrashFs) StrictPOSIX() bool { return true }

// split cleans name and returns its elements; the root has none.
func split(name string) []string {
	p := filepath.ToSlash(filepath.Clean(name))
	p = p[len(filepath.VolumeName(p)):]
	var parts []string
	for _, e := range strings.Split(p, "/") {
		switch e {
		case "", ".":
		case "..":
			if len(parts) > 0 {
				parts = parts[:len(parts)-1]
			}
		default:
			parts = append(parts, e)
		}
	}
	return parts
}

// walk returns the inode at parts. Called with c.mu held.
func (c *CrashFs) walk(parts []string) (*inode, error) {
	n := c.root
	for _, e := range parts {
		if !n.dir {
			return nil, syscall.ENOTDIR
		}
		child, ok := n.children[e]
		if !ok {
			return nil, fs.ErrNotExist
		}
		n = child
	}
	return n, nil
}

// lookup returns the inode named name. Called with c.mu held.
func (c *CrashFs) lookup(op, name string) (*inode, error) {
	if name == "" {
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	}
	n, err := c.walk(split(name))
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	return n, nil
}

// parent returns the directory holding name and name's last element; for
// the root, base is "". Called with c.mu held.
func (c *CrashFs) parent(name string) (dir *inode, base string, err error) {
	if name == "" {
		return nil, "", fs.ErrNotExist
	}
	parts := split(name)
	if len(parts) == 0 {
		return nil, "", nil
	}
	dir, err = c.walk(parts[:len(parts)-1])
	if err != nil {
		return nil, "", err
	}
	if !dir.dir {
		return nil, "", syscall.ENOTDIR
	}
	return dir, parts[len(parts)-1], nil
}

// Create creates or truncates the named file, like [os.Create] (mode
// 0o666 before umask, which CrashFs does not apply).
func (c *CrashFs) Create(name string) (afero.File, error) {
	return c.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens the named file or directory for reading.
func (c *CrashFs) Open(name string) (afero.File, error) {
	return c.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens the named file with flag (O_RDONLY, O_WRONLY or O_RDWR,
// with O_CREATE, O_EXCL, O_TRUNC and O_APPEND honoured) like [os.OpenFile].
// A new file gets mode perm. O_CREATE|O_EXCL is atomic. A directory can
// only be opened read-only.
func (c *CrashFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	const op = "open"
	c.mu.Lock()
	defer c.mu.Unlock()
	dir, base, err := c.parent(name)
	if err != nil {
		return nil, &fs.PathError{Op: op, Path: name, Err: err}
	}
	var n *inode
	if dir == nil {
		n = c.root
	} else {
		n = dir.children[base]
	}
	writable := flag&(os.O_WRONLY|os.O_RDWR) != 0
	switch {
	case n == nil && flag&os.O_CREATE == 0:
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	case n == nil:
		n = newFileInode(perm)
		dir.setChild(base, n)
	case flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0:
		return nil, &fs.PathError{Op: op, Path: name, Err: fs.ErrExist}
	case n.dir && writable:
		return nil, &fs.PathError{Op: op, Path: name, Err: syscall.EISDIR}
	case !n.dir && writable && flag&os.O_TRUNC != 0:
		n.data = nil
		n.modTime = time.Now()
	}
	return &crashFile{fsys: c, name: name, n: n, flag: flag}, nil
}

// Mkdir creates directory name with mode perm. It fails with fs.ErrExist
// if name exists and with fs.ErrNotExist if its parent does not.
func (c *CrashFs) Mkdir(name string, perm os.FileMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.mkdir(name, perm)
}

func (c *CrashFs) mkdir(name string, perm os.FileMode) error {
	const op = "mkdir"
	dir, base, err := c.parent(name)
	if err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	if dir == nil {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrExist}
	}
	if _, ok := dir.children[base]; ok {
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrExist}
	}
	dir.setChild(base, newDirInode(perm))
	return nil
}

// MkdirAll creates directory path and its missing parents with mode perm,
// like [os.MkdirAll]. It fails with syscall.ENOTDIR if an element is a
// file.
func (c *CrashFs) MkdirAll(p string, perm os.FileMode) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.root
	for _, e := range split(p) {
		child, ok := n.children[e]
		switch {
		case !ok:
			child = newDirInode(perm)
			n.setChild(e, child)
		case !child.dir:
			return &fs.PathError{Op: "mkdir", Path: p, Err: syscall.ENOTDIR}
		}
		n = child
	}
	return nil
}

// Remove removes the named file or empty directory.
func (c *CrashFs) Remove(name string) error {
	const op = "remove"
	c.mu.Lock()
	defer c.mu.Unlock()
	dir, base, err := c.parent(name)
	if err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	if dir == nil {
		return &fs.PathError{Op: op, Path: name, Err: syscall.EINVAL}
	}
	n, ok := dir.children[base]
	switch {
	case !ok:
		return &fs.PathError{Op: op, Path: name, Err: fs.ErrNotExist}
	case n.dir && len(n.children) > 0:
		return &fs.PathError{Op: op, Path: name, Err: syscall.ENOTEMPTY}
	}
	dir.setChild(base, nil)
	return nil
}

// RemoveAll removes path and everything under it; a missing path is not an
// error. The root cannot be removed (syscall.EINVAL).
func (c *CrashFs) RemoveAll(p string) error {
	const op = "removeall"
	c.mu.Lock()
	defer c.mu.Unlock()
	if p == "" {
		return nil
	}
	dir, base, err := c.parent(p)
	switch {
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		return nil
	case err != nil:
		return &fs.PathError{Op: op, Path: p, Err: err}
	case dir == nil:
		return &fs.PathError{Op: op, Path: p, Err: syscall.EINVAL}
	}
	if _, ok := dir.children[base]; ok {
		dir.setChild(base, nil)
	}
	return nil
}

// Rename renames oldname to newname atomically, like rename(2): an
// existing file at newname is replaced; an existing directory at newname
// is replaced only by a directory and only if empty. Errors are
// [*os.LinkError].
func (c *CrashFs) Rename(oldname, newname string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.rename(oldname, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return nil
}

func (c *CrashFs) rename(oldname, newname string) error {
	odir, obase, err := c.parent(oldname)
	if err != nil {
		return err
	}
	if odir == nil {
		return syscall.EBUSY
	}
	src, ok := odir.children[obase]
	if !ok {
		return fs.ErrNotExist
	}
	ndir, nbase, err := c.parent(newname)
	if err != nil {
		return err
	}
	if ndir == nil {
		return syscall.EBUSY
	}
	if src.dir {
		op, np := split(oldname), split(newname)
		if len(np) > len(op) && strings.Join(np[:len(op)], "/") == strings.Join(op, "/") {
			return syscall.EINVAL
		}
	}
	if dst, ok := ndir.children[nbase]; ok {
		switch {
		case dst == src:
			return nil
		case dst.dir && !src.dir:
			return syscall.EISDIR
		case !dst.dir && src.dir:
			return syscall.ENOTDIR
		case dst.dir && len(dst.children) > 0:
			return syscall.ENOTEMPTY
		}
	}
	odir.setChild(obase, nil)
	ndir.setChild(nbase, src)
	return nil
}

// Compile-time checks.
var (
	_ afero.Fs          = (*CrashFs)(nil)
	_ afero.Lstater     = (*CrashFs)(nil)
	_ tempfs.DirSyncer  = (*CrashFs)(nil)
	_ tempfs.HardLinker = (*CrashFs)(nil)
	_ tempfs.StrictFs   = (*CrashFs)(nil)
)
