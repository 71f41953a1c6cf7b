package tempfs

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/spf13/afero"
)

// File is a temporary file that removes itself when closed, unless it was
// kept or persisted: the model is Rust's NamedTempFile and Python's
// NamedTemporaryFile. It is an [afero.File]; Name returns its path in the Fs.
//
// `defer f.Close()` is always right: Close is idempotent and, after Keep or a
// successful Persist, only closes. A File is not safe for concurrent use
// except as its backend's files are.
type File struct {
	afero.File
	fsys   afero.Fs
	name   string
	kept   bool // Close leaves the file where it is
	closed bool // the underlying file is closed
	done   bool // Close has run
}

// NewFile creates a temporary file with [CreateTemp](fsys, dir, pattern),
// mode 0o600 (before umask); dir "" means [TempDir](fsys). The caller must
// Close it, which removes it unless [File.Keep] or a Persist method was
// called.
func NewFile(fsys afero.Fs, dir, pattern string) (*File, error) {
	f, err := CreateTemp(fsys, dir, pattern)
	if err != nil {
		return nil, err
	}
	return &File{File: f, fsys: fsys, name: f.Name()}, nil
}

// Name returns the file's path in its Fs: the temp name, or the target
// after a successful Persist.
func (f *File) Name() string { return f.name }

// Keep makes the file outlive Close and returns its name. The file stays
// open; the caller now owns its removal.
func (f *File) Keep() string {
	f.kept = true
	return f.name
}

// Close closes the file and removes it, unless it was kept or persisted. It
// reports both errors (joined). A file that is already gone is not an
// error. Calls after the first return nil.
func (f *File) Close() error {
	if f == nil || f.File == nil {
		return &fs.PathError{Op: "close", Err: fs.ErrInvalid}
	}
	if f.done {
		return nil
	}
	f.done = true
	err := f.closeFile()
	if f.kept {
		return err
	}
	if rerr := f.fsys.Remove(f.name); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, wrapErr("remove", f.name, rerr))
	}
	return err
}

// closeFile closes the underlying file once.
func (f *File) closeFile() error {
	if f.closed {
		return nil
	}
	f.closed = true
	return wrapErr("close", f.name, f.File.Close())
}

// Persist moves the file to target atomically and durably, replacing an
// existing target as [WriteFile] does: it syncs and closes the file, renames
// it over target and syncs target's directory. The file must be on the same
// file system as target: create it with NewFile(fsys, filepath.Dir(target),
// ...) so that the rename cannot fail with EXDEV.
//
// After a successful Persist the handle is closed, Name returns target and
// Close does nothing. If target is refused before anything is done (a
// directory, a missing parent, a sandbox escape, a backend lacking atomic
// replace or sync: see [WriteFile]), the file stays open and unchanged. If
// a later step fails, the file is closed but stays where it was, and Close
// removes it. Persist always syncs; for a backend without sync, write with
// [NewPendingFile] and [NoSync] instead. Errors are [*fs.PathError] with Op
// "persist" and Path target.
func (f *File) Persist(target string) error {
	return f.persist("persist", target, false)
}

// PersistNoClobber is [File.Persist] that fails with an error wrapping
// fs.ErrExist, and changes nothing, if target exists. On [afero.OsFs],
// [RootFs] and any [HardLinker] (SFTP with the hardlink extension) this is
// atomic: link, then unlink. On every other Fs, including wrappers such as
// BasePathFs over OsFs (which hide whether they have hard links), it
// looks, then renames: a concurrent creator of target can race it. If the
// link succeeds but the temp name cannot be removed, the error says so;
// target holds the content and Close removes the temp name. Errors have Op
// "persistnoclobber".
func (f *File) PersistNoClobber(target string) error {
	return f.persist("persistnoclobber", target, true)
}

func (f *File) persist(op, target string, noClobber bool) error {
	if f == nil || f.File == nil {
		return &fs.PathError{Op: op, Path: target, Err: fs.ErrInvalid}
	}
	if f.done || f.closed {
		return &fs.PathError{Op: op, Path: target, Err: fs.ErrClosed}
	}
	p := &PendingFile{f: f.File, fsys: f.fsys, op: op, name: target, target: target, tmp: f.name}
	if err := p.prepare(); err != nil {
		return err
	}
	f.closed = true
	if err := p.closeTemp(); err != nil {
		return p.errorf("", err)
	}
	move := p.rename
	if noClobber {
		move = p.link
	}
	if err := move(); err != nil {
		return p.errorf("", err)
	}
	f.name, f.kept, f.done = target, true, true // Close does nothing now
	if err := syncDir(f.fsys, filepath.Dir(target)); err != nil {
		return p.errorf("sync directory", err)
	}
	return nil
}

// Dir is a temporary directory that removes itself and everything in it when
// closed, unless it was kept: the model is Rust's TempDir and Python's
// TemporaryDirectory. `defer d.Close()` is always right: Close is
// idempotent. A Dir is not safe for concurrent use.
type Dir struct {
	fsys afero.Fs
	name string
	kept bool
	done bool
}

// NewDir creates a temporary directory with [MkdirTemp](fsys, dir, pattern),
// mode 0o700 (before umask); dir "" means [TempDir](fsys). The caller must
// Close it, which removes the tree with [RemoveAll] unless [Dir.Keep] was
// called.
func NewDir(fsys afero.Fs, dir, pattern string) (*Dir, error) {
	name, err := MkdirTemp(fsys, dir, pattern)
	if err != nil {
		return nil, err
	}
	return &Dir{fsys: fsys, name: name}, nil
}

// Name returns the directory's path in its Fs.
func (d *Dir) Name() string { return d.name }

// Keep makes the directory outlive Close and returns its name; the caller
// now owns its removal.
func (d *Dir) Keep() string {
	d.kept = true
	return d.name
}

// Close removes the directory and everything in it with [RemoveAll], unless
// it was kept, and reports what could not be removed. Calls after the
// first return nil.
func (d *Dir) Close() error {
	if d.done || d.kept {
		d.done = true
		return nil
	}
	d.done = true
	return RemoveAll(d.fsys, d.name)
}
