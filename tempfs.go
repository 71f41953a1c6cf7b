package tempfs

import (
	"errors"
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

// CreateTemp creates a new temporary file in the directory dir of fsys,
// opens it for reading and writing, and returns it, like [os.CreateTemp].
//
// The name is pattern with its last "*" replaced by a random string of 13
// lower-case letters and digits (64 random bits); without a "*" the random
// string is appended. A pattern holding a path separator or a NUL byte, or
// too long to make a file name, is refused with an [*fs.PathError] before
// anything is touched. The file is created with O_RDWR|O_CREATE|O_EXCL and
// mode 0o600 (before umask); a name that exists already is retried with a
// new random string, up to 10,000 times.
//
// If dir is empty, CreateTemp uses [TempDir](fsys). A dir that does not exist
// is an error wrapping fs.ErrNotExist on every backend: nothing is created
// (MemMapFs alone would create the missing parents).
//
// Errors are [*fs.PathError] with Op "createtemp" and Path dir/pattern.
// Many goroutines may call CreateTemp at once; they never get the same file.
// The caller removes the file when done; [NewFile] and [WithTempFile] do it
// for you.
func CreateTemp(fsys afero.Fs, dir, pattern string) (afero.File, error) {
	var n tempNamer
	if err := n.init(fsys, "createtemp", dir, pattern); err != nil {
		return nil, err
	}
	f, err := n.create(os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	return n.b.file(f), nil
}

// MkdirTemp creates a new temporary directory in the directory dir of fsys
// and returns its name, like [os.MkdirTemp].
//
// Names are made as by [CreateTemp]; the directory is created with mode
// 0o700 (before umask). MkdirTemp never returns a directory that existed
// before, also on backends whose Mkdir does not fail for an existing
// directory (CopyOnWriteFs). If dir is empty, MkdirTemp uses
// [TempDir](fsys); a dir that does not exist is an error wrapping
// fs.ErrNotExist and nothing is created.
//
// Errors are [*fs.PathError] with Op "mkdirtemp". Many goroutines may call
// MkdirTemp at once; they never get the same directory. The caller removes
// the directory when done (with [RemoveAll]); [NewDir] and [WithTempDir] do
// it for you.
func MkdirTemp(fsys afero.Fs, dir, pattern string) (string, error) {
	var n tempNamer
	if err := n.init(fsys, "mkdirtemp", dir, pattern); err != nil {
		return "", err
	}
	look := !n.b.mkdirExcl
	for range maxTries {
		name := n.next()
		if look {
			// Mkdir may succeed on an existing directory: look first. A
			// 64-bit random name makes a race with another creator moot.
			if _, err := lstat(fsys, name); err == nil {
				continue
			} else if !errors.Is(err, fs.ErrNotExist) {
				return "", wrapErr(n.op, n.pattern(), err)
			}
		}
		err := fsys.Mkdir(name, 0o700)
		if err == nil {
			n.b.recordTemp(name)
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", wrapErr(n.op, n.pattern(), n.b.refine(n.dir, err))
		}
	}
	return "", n.exhausted()
}

// WithTempDir is [WithTempDirIn] in [TempDir](fsys).
func WithTempDir(fsys afero.Fs, pattern string, fn func(dir string) error) error {
	return withTempDir("withtempdir", fsys, "", pattern, fn)
}

// WithTempDirIn creates a temporary directory with [MkdirTemp](fsys, dir,
// pattern) (dir "" means [TempDir](fsys), as for os.MkdirTemp), calls fn
// with its name, and removes the directory and everything in it with
// [RemoveAll] on every way out of fn: return, error and panic. A panic goes
// on, with its original value, after the cleanup. It is Python's
// TemporaryDirectory(dir=...): on a sandbox ([RootFs], BasePathFs) give a
// dir of your data so that no /tmp is created in it.
//
// The error returned joins fn's error and the cleanup's ([errors.Join]), so
// neither is lost; either can be tested with errors.Is. It is safe for
// concurrent use.
func WithTempDirIn(fsys afero.Fs, dir, pattern string, fn func(dir string) error) error {
	return withTempDir("withtempdirin", fsys, dir, pattern, fn)
}

func withTempDir(op string, fsys afero.Fs, dir, pattern string, fn func(dir string) error) (err error) {
	if fn == nil {
		return &fs.PathError{Op: op, Path: pattern, Err: errNilFunc}
	}
	d, err := NewDir(fsys, dir, pattern)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	return fn(d.Name())
}

// WithTempFile is [WithTempFileIn] in [TempDir](fsys).
func WithTempFile(fsys afero.Fs, pattern string, fn func(f afero.File) error) error {
	return withTempFile("withtempfile", fsys, "", pattern, fn)
}

// WithTempFileIn creates a temporary file with [CreateTemp](fsys, dir,
// pattern) (dir "" means [TempDir](fsys)), calls fn with it, and closes
// and removes it on every way out of fn: return, error and panic. A panic
// goes on, with its original value, after the cleanup. fn may close the
// file itself, which removes it early; the file's Name is its path in
// fsys, so fn can hand it to other code. It is Python's
// NamedTemporaryFile(dir=...).
//
// The error returned joins fn's error and the cleanup's ([errors.Join]). It
// is safe for concurrent use.
func WithTempFileIn(fsys afero.Fs, dir, pattern string, fn func(f afero.File) error) error {
	return withTempFile("withtempfilein", fsys, dir, pattern, fn)
}

func withTempFile(op string, fsys afero.Fs, dir, pattern string, fn func(f afero.File) error) (err error) {
	if fn == nil {
		return &fs.PathError{Op: op, Path: pattern, Err: errNilFunc}
	}
	f, err := NewFile(fsys, dir, pattern)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return fn(f)
}
