package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"syscall"
	"time"

	"github.com/spf13/afero"
)

// errRootClosed is the cause of every error after [RootFs.Close].
var errRootClosed = fmt.Errorf("rootfs is closed: %w", fs.ErrClosed)

// osRootEscapes is the message of os.Root's unexported escape error. It is
// matched by text because os does not export it; rootfs_test.go checks
// that the match still works.
const osRootEscapes = "path escapes from parent"

var (
	_ afero.Fs        = (*RootFs)(nil)
	_ afero.Lstater   = (*RootFs)(nil)
	_ afero.Symlinker = (*RootFs)(nil)
	_ DirSyncer       = (*RootFs)(nil)
	_ HardLinker      = (*RootFs)(nil)
	_ StrictFs        = (*RootFs)(nil)
)

// RootFs is an [afero.Fs] confined to one host directory by [os.Root]: no
// name given to it can reach a file outside that directory, neither by ".."
// nor by a symbolic link, also when the tree is changed under it between two
// calls (a directory swapped for a link): every path component is opened
// relative to its parent with O_NOFOLLOW, so the check and the use are one
// step. It is the sandbox to use for paths you do not trust (uploads,
// archives, plugin output); [afero.BasePathFs] checks names as strings only
// and follows links out of its base (see docs/sandbox.md).
//
// Names are virtual: "/a/b" means <dir>/a/b; "/", "" and "." mean the root
// itself; a relative name is relative to the root. Names are not cleaned as
// text: ".." is resolved one element at a time, as the kernel does for
// [afero.OsFs] (after a symbolic link, ".." is the parent of the link's
// target), and a ".." that climbs above the root is refused, with or
// without a leading separator ("../x", "/../x" and "/a/../../x" alike). On
// Unix a backslash is a name character, as for OsFs. File.Name and every
// error show virtual paths only, never the host directory. Refusals wrap
// [ErrEscapes]. Symbolic links RootFs creates never lead out of the root,
// for any program that follows them, in any later state of the tree: their
// targets may not climb above the link's own directory (see
// [RootFs.SymlinkIfPossible]).
//
// RootFs keeps POSIX semantics for creation (no missing parents are made,
// Mkdir of an existing directory fails with fs.ErrExist) and implements
// [afero.Lstater], [afero.Symlinker], [DirSyncer] and [HardLinker], so
// atomic writes inside it are durable; on Linux also [UnnamedCreator]
// (O_TMPFILE relative to a directory opened through the root). Permission bits passed to it are
// taken before umask, as by package os.
//
// Limits, as of os.Root: mount points, bind mounts, hard links made outside
// and device files inside the tree are not confined; on Unix Chmod, Chown
// and Chtimes may act on a symbolic link itself (still inside the root) if a
// file is swapped for a link during the call.
//
// A RootFs is safe for concurrent use. It holds an open directory
// descriptor: the caller must Close it; calls after Close fail with an error
// wrapping fs.ErrClosed. Files opened from it stay usable after Close.
type RootFs struct {
	root *os.Root
}

// OpenRoot opens the host directory dir, following symbolic links in dir
// itself, and returns a [RootFs] confined to it. The caller must Close it.
// If dir is not an existing directory, the error is an [*fs.PathError] with
// Op "openroot" and Path dir.
func OpenRoot(dir string) (*RootFs, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		err = cause(err)
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			err = syscall.ENOTDIR // os says so in a plain error
		}
		return nil, &fs.PathError{Op: "openroot", Path: dir, Err: err}
	}
	return &RootFs{root: r}, nil
}

// Close closes the root directory. Later calls on the RootFs fail with an
// error wrapping fs.ErrClosed; files opened before stay open. Closing twice
// is not an error.
func (fsys *RootFs) Close() error {
	if fsys == nil || fsys.root == nil {
		return nil
	}
	return fsys.root.Close()
}

// Name returns "RootFs".
func (fsys *RootFs) Name() string { return "RootFs" }

// StrictPOSIX returns true: RootFs keeps POSIX creation semantics (see
// [StrictFs]).
func (*RootFs) StrictPOSIX() bool { return true }

// rel maps a virtual name to a name relative to the root: only the
// leading separators go. Nothing is cleaned as text, so os.Root resolves
// ".." one element at a time as the kernel does (after a link, ".." is the
// link target's parent) and refuses a ".." above the root whether or not
// the name starts with a separator; on Unix a backslash is a name
// character.
func rel(name string) string {
	i := 0
	for i < len(name) && os.IsPathSeparator(name[i]) {
		i++
	}
	if i == len(name) {
		return "."
	}
	return name[i:]
}

// open returns the root, or an error wrapping fs.ErrClosed for a nil or
// zero RootFs.
func (fsys *RootFs) open() (*os.Root, error) {
	if fsys == nil || fsys.root == nil {
		return nil, errRootClosed
	}
	return fsys.root, nil
}

// rootCause turns an error of os.Root into the cause tempfs reports: the
// path wrappers (which hold root-relative names) are dropped, os.Root's
// escape error becomes ErrEscapes, and os.ErrClosed says the RootFs is
// closed.
func rootCause(err error) error {
	err = cause(err)
	switch {
	case err == nil:
		return nil
	case err.Error() == osRootEscapes:
		return ErrEscapes
	case errors.Is(err, os.ErrClosed):
		return errRootClosed
	}
	return err
}

func rootPathErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: rootCause(err)}
}

func rootLinkErr(op, oldname, newname string, err error) error {
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: rootCause(err)}
}

// checkPerm strips the type bits (os.ModeDir and friends, which os.Mkdir
// ignores) and refuses setuid, setgid and sticky bits, which os.Root does
// not create.
func checkPerm(perm fs.FileMode) (fs.FileMode, error) {
	perm &^= fs.ModeType
	if perm&^fs.ModePerm != 0 {
		return 0, fmt.Errorf("mode %v: %w", perm, errors.ErrUnsupported)
	}
	return perm, nil
}

// Create creates or truncates the named file with mode 0o666 (before
// umask) and opens it for reading and writing, like [os.Create].
func (fsys *RootFs) Create(name string) (afero.File, error) {
	return fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens the named file or directory for reading, like [os.Open].
func (fsys *RootFs) Open(name string) (afero.File, error) {
	return fsys.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens the named file with flag and, when it is created, mode
// perm (before umask), like [os.OpenFile]. Symbolic links inside the root
// are followed; O_CREATE|O_EXCL never follows a link. The file's Name is
// name as given.
func (fsys *RootFs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	const op = "open"
	r, err := fsys.open()
	if err != nil {
		return nil, rootPathErr(op, name, err)
	}
	if perm, err = checkPerm(perm); err != nil {
		return nil, rootPathErr(op, name, err)
	}
	f, err := r.OpenFile(rel(name), flag, perm)
	if err != nil {
		return nil, rootPathErr(op, name, err)
	}
	return &virtualFile{f: f, name: name}, nil
}

// Mkdir creates the directory name with mode perm (before umask). Its
// parent must exist; an existing name fails with fs.ErrExist.
func (fsys *RootFs) Mkdir(name string, perm fs.FileMode) error {
	return fsys.mkdir(name, perm, (*os.Root).Mkdir)
}

// MkdirAll creates the directory name and its missing parents with mode
// perm (before umask), like [os.MkdirAll].
func (fsys *RootFs) MkdirAll(name string, perm fs.FileMode) error {
	return fsys.mkdir(name, perm, (*os.Root).MkdirAll)
}

func (fsys *RootFs) mkdir(name string, perm fs.FileMode, mk func(*os.Root, string, fs.FileMode) error) error {
	const op = "mkdir"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	if perm, err = checkPerm(perm); err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, mk(r, rel(name), perm))
}

// Remove removes the named file or empty directory. A symbolic link is
// removed, not its target.
func (fsys *RootFs) Remove(name string) error {
	const op = "remove"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, r.Remove(rel(name)))
}

// RemoveAll removes name and everything under it, like [os.RemoveAll],
// without following symbolic links. A missing name is not an error.
func (fsys *RootFs) RemoveAll(name string) error {
	const op = "removeall"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, r.RemoveAll(rel(name)))
}

// Rename renames oldname to newname, both inside the root, replacing an
// existing file newname atomically, like [os.Rename]. Errors are
// [*os.LinkError].
func (fsys *RootFs) Rename(oldname, newname string) error {
	const op = "rename"
	r, err := fsys.open()
	if err != nil {
		return rootLinkErr(op, oldname, newname, err)
	}
	return rootLinkErr(op, oldname, newname, r.Rename(rel(oldname), rel(newname)))
}

// Link creates newname as a hard link to oldname, both inside the root. It
// fails with an error wrapping fs.ErrExist if newname exists. If oldname is
// a symbolic link, the link itself is linked. Errors are [*os.LinkError].
func (fsys *RootFs) Link(oldname, newname string) error {
	const op = "link"
	r, err := fsys.open()
	if err != nil {
		return rootLinkErr(op, oldname, newname, err)
	}
	return rootLinkErr(op, oldname, newname, r.Link(rel(oldname), rel(newname)))
}

// Stat returns the FileInfo of name, following symbolic links inside the
// root.
func (fsys *RootFs) Stat(name string) (fs.FileInfo, error) {
	const op = "stat"
	r, err := fsys.open()
	if err != nil {
		return nil, rootPathErr(op, name, err)
	}
	fi, err := r.Stat(rel(name))
	return fi, rootPathErr(op, name, err)
}

// LstatIfPossible returns the FileInfo of name without following a final
// symbolic link, and true: RootFs always has Lstat.
func (fsys *RootFs) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	const op = "lstat"
	r, err := fsys.open()
	if err != nil {
		return nil, true, rootPathErr(op, name, err)
	}
	fi, err := r.Lstat(rel(name))
	return fi, true, rootPathErr(op, name, err)
}

// Chmod changes the mode of name, following symbolic links inside the root.
func (fsys *RootFs) Chmod(name string, mode fs.FileMode) error {
	const op = "chmod"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, r.Chmod(rel(name), mode))
}

// Chown changes the numeric owner and group of name, following symbolic
// links inside the root.
func (fsys *RootFs) Chown(name string, uid, gid int) error {
	const op = "chown"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, r.Chown(rel(name), uid, gid))
}

// Chtimes changes the access and modification times of name, following
// symbolic links inside the root.
func (fsys *RootFs) Chtimes(name string, atime, mtime time.Time) error {
	const op = "chtimes"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	return rootPathErr(op, name, r.Chtimes(rel(name), atime, mtime))
}

// SyncDir makes the entries of the directory name durable: it opens the
// directory inside the root and fsyncs it. On Windows, where directories
// cannot be synced, it only checks that name is a directory.
func (fsys *RootFs) SyncDir(name string) error {
	const op = "syncdir"
	r, err := fsys.open()
	if err != nil {
		return rootPathErr(op, name, err)
	}
	if runtime.GOOS == "windows" {
		fi, err := r.Stat(rel(name))
		if err == nil && !fi.IsDir() {
			err = syscall.ENOTDIR
		}
		return rootPathErr(op, name, err)
	}
	d, err := r.Open(rel(name))
	if err != nil {
		return rootPathErr(op, name, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return rootPathErr(op, name, err)
}
