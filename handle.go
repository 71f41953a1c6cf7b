package tempfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
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
	file afero.File // the open temp file; nil in a zero File
	fsys afero.Fs
	name string // as the caller sees it
	path string // what Close removes: name, made absolute on the host
	kept bool   // Close leaves the file where it is
	done bool   // Close has run, or a Persist succeeded
}

// NewFile creates a temporary file with [CreateTemp](fsys, dir, pattern),
// mode 0o600 (before umask); dir "" means [TempDir](fsys). The caller must
// Close it, which removes it unless [File.Keep] or a Persist method was
// called. On the host, a relative dir is resolved once, here: Name stays
// relative, as [os.CreateTemp]'s is, but Close removes the file that was
// created even after the working directory changed.
func NewFile(fsys afero.Fs, dir, pattern string) (*File, error) {
	f, err := CreateTemp(fsys, dir, pattern)
	if err != nil {
		return nil, err
	}
	return &File{file: f, fsys: fsys, name: f.Name(), path: hostAbs(fsys, f.Name())}, nil
}

// hostAbs makes a relative host path absolute, so that it keeps naming the
// same file when the working directory changes; other names are returned
// as they are.
func hostAbs(fsys afero.Fs, name string) string {
	if !probe(fsys).host || filepath.IsAbs(name) {
		return name
	}
	if abs, err := filepath.Abs(name); err == nil {
		return abs
	}
	return name
}

// Name returns the file's path in its Fs: the temp name, or the target
// after a successful Persist. It is "" for a nil File.
func (f *File) Name() string {
	if f == nil {
		return ""
	}
	return f.name
}

// Keep makes the file outlive Close and returns its name. The file stays
// open; the caller now owns its removal. It is "" for a nil File.
func (f *File) Keep() string {
	if f == nil {
		return ""
	}
	f.kept = true
	return f.name
}

// Close closes the file and removes it, unless it was kept or persisted. It
// reports both errors (joined). A file that is already gone is not an
// error. Calls after the first return nil.
func (f *File) Close() error {
	if f == nil || f.file == nil {
		return &fs.PathError{Op: "close", Err: fs.ErrInvalid}
	}
	if f.done {
		return nil
	}
	f.done = true
	err := wrapErr("close", f.name, f.file.Close())
	if f.kept || f.path == "" { // path "": unnamed, freed by the close
		return err
	}
	if rerr := f.fsys.Remove(f.path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, wrapErr("remove", f.name, rerr))
	}
	return err
}

// Persist moves the file to target atomically and durably, replacing an
// existing target as [WriteFile] does: it syncs and closes the file, renames
// it over target and syncs target's directory. The file must be on the same
// file system as target: create it with NewFile(fsys, filepath.Dir(target),
// ...) so that the rename cannot fail with EXDEV. The file is moved as it
// is, with its own mode and owner, as rename(2) moves it. On an
// [AtomicReplacer] (object storage) its content is written to target
// through the Fs's own replace, and the temp file is then removed.
//
// After a successful Persist the handle is closed, Name returns target and
// Close does nothing. If Persist fails, the file is handed back: it is open
// (reopened if it had been closed), at the same offset, still at its temp
// name, Close still removes it and Persist may be tried again; target is as
// it was (but see PersistNoClobber for a link made whose temp name could
// not be removed). Targets are refused as [WriteFile] refuses them. Persist always
// syncs; for a backend without sync, write with [NewPendingFile] and
// [NoSync] instead. Errors are [*fs.PathError] with Op "persist" and Path
// target.
func (f *File) Persist(target string) error {
	return f.persist("persist", target, false)
}

// PersistNoClobber is [File.Persist] that fails with an error wrapping
// fs.ErrExist, and changes nothing, if target exists; the file is handed
// back as after any failed Persist. On [afero.OsFs], [RootFs] and any
// [HardLinker] (SFTP with the hardlink extension) this is atomic: link,
// then unlink; on an [AtomicReplacer] it is the backend's conditional
// write. On every other Fs, including wrappers such as BasePathFs over
// OsFs (which hide whether they have hard links), it looks, then renames:
// a concurrent creator of target can race it. If the link succeeds but the
// temp name cannot be removed, the error says so; target holds the content
// and Close removes the temp name. Errors have Op "persistnoclobber".
func (f *File) PersistNoClobber(target string) error {
	return f.persist("persistnoclobber", target, true)
}

func (f *File) persist(op, target string, noClobber bool) error {
	if f == nil || f.file == nil {
		return &fs.PathError{Op: op, Path: target, Err: fs.ErrInvalid}
	}
	if f.done {
		return &fs.PathError{Op: op, Path: target, Err: fs.ErrClosed}
	}
	r := replacer{b: probe(f.fsys), op: op, name: target, target: target, asIs: true}
	if err := r.prepare(noClobber); err != nil {
		return err
	}
	if r.b.replacer != nil {
		return f.persistObject(&r, noClobber)
	}
	// The offset, to hand the file back as it was if the move fails.
	off, err := f.file.Seek(0, io.SeekCurrent)
	if err != nil {
		return r.errorf("", err)
	}
	t := &tempFile{f: f.file, name: f.path, unnamed: f.path == ""}
	moved, err := r.commit(t, noClobber)
	if err != nil && !moved {
		if t.closed {
			if f.path == "" { // unnamed, closed once linked to a temp name
				f.name, f.path = t.name, t.name
			}
			err = errors.Join(err, f.reopen(off))
		}
		return r.errorf("", err)
	}
	f.name, f.kept, f.done = target, true, true // Close does nothing now
	return r.errorf("", err)
}

// reopen opens the temp file again at offset off, after a failed persist
// closed it.
func (f *File) reopen(off int64) error {
	nf, err := f.fsys.OpenFile(f.path, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("reopen temp file: %w", cause(err))
	}
	if _, err := nf.Seek(off, io.SeekStart); err != nil {
		nf.Close()
		return fmt.Errorf("reopen temp file: %w", cause(err))
	}
	f.file = probe(f.fsys).file(nf)
	return nil
}

// persistObject copies the file's content to target through the Fs's own
// atomic replace, then closes and removes the temp file.
func (f *File) persistObject(r *replacer, noClobber bool) error {
	off, err := f.file.Seek(0, io.SeekCurrent)
	if err == nil {
		_, err = f.file.Seek(0, io.SeekStart)
	}
	if err != nil {
		return r.errorf("", err)
	}
	mode := fs.FileMode(0o600)
	if fi, serr := f.file.Stat(); serr == nil {
		mode = fi.Mode().Perm()
	}
	obj, err := r.b.replacer.Replace(r.target, mode, noClobber)
	if err == nil {
		if _, err = io.Copy(obj, f.file); err == nil {
			err = obj.Commit()
		}
		if err != nil {
			err = errors.Join(err, obj.Abort())
		}
	}
	if err != nil {
		_, serr := f.file.Seek(off, io.SeekStart)
		return r.errorf("", errors.Join(err, serr))
	}
	f.done = true
	// Remove before Close: an object store's file uploads at Close, and
	// this one is to go.
	cerr := f.fsys.Remove(f.path)
	if errors.Is(cerr, fs.ErrNotExist) {
		cerr = nil
	}
	cerr = errors.Join(cerr, f.file.Close())
	f.name, f.kept = r.name, true
	if cerr != nil {
		return r.errorf("remove temp file", cerr)
	}
	return nil
}

// Dir is a temporary directory that removes itself and everything in it when
// closed, unless it was kept: the model is Rust's TempDir and Python's
// TemporaryDirectory. `defer d.Close()` is always right: Close is
// idempotent. A Dir is not safe for concurrent use.
type Dir struct {
	fsys afero.Fs
	name string // as the caller sees it
	path string // what Close removes: name, made absolute on the host
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
	return &Dir{fsys: fsys, name: name, path: hostAbs(fsys, name)}, nil
}

// Name returns the directory's path in its Fs; "" for a nil Dir.
func (d *Dir) Name() string {
	if d == nil {
		return ""
	}
	return d.name
}

// Keep makes the directory outlive Close and returns its name; the caller
// now owns its removal. It is "" for a nil Dir.
func (d *Dir) Keep() string {
	if d == nil {
		return ""
	}
	d.kept = true
	return d.name
}

// Close removes the directory and everything in it with [RemoveAll], unless
// it was kept, and reports what could not be removed. Calls after the
// first return nil.
func (d *Dir) Close() error {
	if d == nil || d.fsys == nil {
		return &fs.PathError{Op: "close", Err: fs.ErrInvalid}
	}
	if d.done || d.kept {
		d.done = true
		return nil
	}
	d.done = true
	if err := RemoveAll(d.fsys, d.path); err != nil {
		return wrapErr("removeall", d.name, err)
	}
	return nil
}
