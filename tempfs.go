package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero"
)

// maxTries is how many names CreateTemp and MkdirTemp try before giving up,
// as os.CreateTemp does.
const maxTries = 10000

// randLen is the length of the random part of a name: 13 base-32 digits,
// carrying the 64 bits of one random uint64 (the last digit is 0-f).
const randLen = 13

// maxNameLen is the longest file name (one path element) tempfs creates,
// the NAME_MAX of common file systems, so that every backend refuses the
// same over-long patterns.
const maxNameLen = 255

const randAlphabet = "0123456789abcdefghijklmnopqrstuv"

// appendRandom appends randLen random base-32 digits to b. The bits come
// from math/rand/v2's runtime source, which is seeded from the operating
// system, differs per thread and holds no state of this package.
func appendRandom(b []byte) []byte {
	r := rand.Uint64()
	for range randLen {
		b = append(b, randAlphabet[r&31])
		r >>= 5
	}
	return b
}

var (
	errPatternHasSeparator = fmt.Errorf("pattern contains path separator: %w", fs.ErrInvalid)
	errPatternHasNUL       = fmt.Errorf("pattern contains NUL byte: %w", fs.ErrInvalid)
	errNameHasNUL          = fmt.Errorf("name contains NUL byte: %w", fs.ErrInvalid)
	errNilFunc             = fmt.Errorf("nil function: %w", fs.ErrInvalid)
)

// splitPattern splits pattern at its last "*" as os.CreateTemp does, and
// refuses patterns that could not make a single file name in dir.
func splitPattern(pattern string) (prefix, suffix string, err error) {
	for i := 0; i < len(pattern); i++ {
		switch {
		case os.IsPathSeparator(pattern[i]):
			return "", "", errPatternHasSeparator
		case pattern[i] == 0:
			return "", "", errPatternHasNUL
		}
	}
	prefix, suffix = pattern, ""
	if pos := strings.LastIndexByte(pattern, '*'); pos != -1 {
		prefix, suffix = pattern[:pos], pattern[pos+1:]
	}
	if len(prefix)+randLen+len(suffix) > maxNameLen {
		return "", "", syscall.ENAMETOOLONG
	}
	return prefix, suffix, nil
}

// tempNamer makes candidate names dir/prefix<random>suffix for one call.
type tempNamer struct {
	fsys           afero.Fs
	op             string
	dir            string
	prefix, suffix string
}

// newNamer checks pattern and dir (dir "" meaning TempDir(fsys)) before
// anything is created.
func newNamer(fsys afero.Fs, op, dir, pattern string) (tempNamer, error) {
	if fsys == nil {
		return tempNamer{}, &fs.PathError{Op: op, Path: pattern, Err: errNilFs}
	}
	prefix, suffix, err := splitPattern(pattern)
	if err != nil {
		return tempNamer{}, &fs.PathError{Op: op, Path: pattern, Err: err}
	}
	if strings.IndexByte(dir, 0) >= 0 {
		return tempNamer{}, &fs.PathError{Op: op, Path: dir, Err: errNameHasNUL}
	}
	n := tempNamer{fsys: fsys, op: op, dir: dir, prefix: prefix, suffix: suffix}
	if err := checkInside(fsys, op, dir, true); err != nil {
		return tempNamer{}, err
	}
	if dir == "" {
		if n.dir, err = TempDir(fsys); err != nil {
			return tempNamer{}, wrapErr(op, n.pattern(), err)
		}
	} else if !isStrict(fsys) {
		// The error's path is built only on failure: this runs on every
		// call on MemMapFs.
		if err := checkDir(fsys, dir); err != nil {
			return tempNamer{}, wrapErr(op, n.pattern(), err)
		}
	}
	return n, nil
}

// pattern is the path the caller asked for, with "*" for the random part.
func (n *tempNamer) pattern() string {
	return filepath.Join(n.dir, n.prefix+"*"+n.suffix)
}

// next returns a fresh candidate name. It builds the name in a stack
// buffer, so a name of up to 128 bytes costs one allocation.
func (n *tempNamer) next() string {
	var buf [128]byte
	b := append(buf[:0], n.dir...)
	if len(b) > 0 && !os.IsPathSeparator(b[len(b)-1]) {
		b = append(b, filepath.Separator)
	}
	b = append(b, n.prefix...)
	b = appendRandom(b)
	b = append(b, n.suffix...)
	return string(b)
}

// exhausted is the error after maxTries clashes.
func (n *tempNamer) exhausted() error {
	return &fs.PathError{Op: n.op, Path: n.pattern(), Err: fs.ErrExist}
}

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
	n, err := newNamer(fsys, "createtemp", dir, pattern)
	if err != nil {
		return nil, err
	}
	f, err := n.create(os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if _, ok := fsys.(*afero.BasePathFs); ok && err == nil {
		// Its files' errors show host paths.
		f = &virtualFile{f: f, name: f.Name()}
	}
	return f, err
}

// create opens a new file under a fresh name with flag, which holds
// O_CREATE|O_EXCL.
func (n *tempNamer) create(flag int, perm fs.FileMode) (afero.File, error) {
	for range maxTries {
		name := n.next()
		f, err := n.fsys.OpenFile(name, flag, perm)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, wrapErr(n.op, n.pattern(), err)
		}
	}
	return nil, n.exhausted()
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
	n, err := newNamer(fsys, "mkdirtemp", dir, pattern)
	if err != nil {
		return "", err
	}
	look := !mkdirRefusesExisting(fsys)
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
			return name, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", wrapErr(n.op, n.pattern(), err)
		}
	}
	return "", n.exhausted()
}

// mkdirRefusesExisting reports whether Mkdir of fsys is known to fail with
// fs.ErrExist for an existing entry, atomically, so that MkdirTemp need not
// look first. MemMapFs checks under its lock, though it is not strict
// otherwise (it creates missing parents).
func mkdirRefusesExisting(fsys afero.Fs) bool {
	if _, ok := fsys.(*afero.MemMapFs); ok {
		return true
	}
	return isStrict(fsys)
}

// WithTempDir creates a temporary directory with [MkdirTemp](fsys, "",
// pattern), calls fn with its name, and removes the directory and
// everything in it with [RemoveAll] on every way out of fn: return, error
// and panic. A panic goes on, with its original value, after the cleanup.
//
// The error returned joins fn's error and the cleanup's ([errors.Join]), so
// neither is lost; either can be tested with errors.Is. It is safe for
// concurrent use.
func WithTempDir(fsys afero.Fs, pattern string, fn func(dir string) error) (err error) {
	if fn == nil {
		return &fs.PathError{Op: "withtempdir", Path: pattern, Err: errNilFunc}
	}
	d, err := NewDir(fsys, "", pattern)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, d.Close()) }()
	return fn(d.Name())
}

// WithTempFile creates a temporary file with [CreateTemp](fsys, "", pattern),
// calls fn with it, and closes and removes it on every way out of fn:
// return, error and panic. A panic goes on, with its original value, after
// the cleanup. fn may close the file itself, which removes it early; the
// file's Name is its path in fsys, so fn can hand it to other code.
//
// The error returned joins fn's error and the cleanup's ([errors.Join]). It
// is safe for concurrent use.
func WithTempFile(fsys afero.Fs, pattern string, fn func(f afero.File) error) (err error) {
	if fn == nil {
		return &fs.PathError{Op: "withtempfile", Path: pattern, Err: errNilFunc}
	}
	f, err := NewFile(fsys, "", pattern)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	return fn(f)
}
