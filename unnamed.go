package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"

	"github.com/spf13/afero"
)

// This file holds unnamed temp files: TempFileUnnamed (Python's
// TemporaryFile), and the unnamed protocol of the replacement engine,
// where the temp file of an atomic write has no name until it is complete
// and synced. The Fs makes them through an [UnnamedCreator] (vfs.go; Linux's
// O_TMPFILE in unnamed_linux.go); wherever it cannot, the named protocol
// of replace.go runs, decided per call.

// TempFileUnnamed returns a new scratch file, open for reading and writing,
// with mode 0o600 (before umask), in the directory dir of fsys; dir ""
// means [TempDir](fsys). The file has no name: no other process can open
// it, nothing needs to be removed, and Close frees it. Its Name is dir. It
// is Python's tempfile.TemporaryFile and Rust's tempfile::tempfile.
//
// Whether a crash can leave it behind depends on the backend:
//
//   - On Linux, on [afero.OsFs], [afero.BasePathFs] over OsFs and [RootFs]
//     where the file system has O_TMPFILE (ext4, xfs, btrfs, tmpfs, …), and
//     on any Fs that implements [UnnamedCreator]: the file never has a
//     name, and a crash leaves nothing.
//   - On those Fs where O_TMPFILE is refused (other Unixes, file systems
//     without it): the file is created under a name of the form
//     ".unnamed.tempfs-<random>.tmp" and removed at once, while it stays
//     open; a crash between the two calls leaves that name, which [Sweep]
//     removes. (On FUSE file systems the kernel keeps a removed open file
//     as .fuse_hidden* until Close.)
//   - On an Fs that cannot keep a removed file open (MemMapFs, Windows,
//     SFTP and every other backend): the file keeps that name until Close
//     removes it; a crash leaves it (MemMapFs loses everything anyway), and
//     [Sweep] removes it.
//
// Errors are [*fs.PathError] with Op "tempfileunnamed". It is safe for
// concurrent use.
func TempFileUnnamed(fsys afero.Fs, dir string) (afero.File, error) {
	const op = "tempfileunnamed"
	n, err := newNamer(fsys, op, dir, unnamedPrefix+"*"+tempSuffix)
	if err != nil {
		return nil, err
	}
	if u := n.b.unnamed; u != nil {
		f, err := u.OpenUnnamed(n.dir, 0o600, false)
		if err == nil {
			return f, nil
		}
		if !refusesUnnamed(err) {
			return nil, wrapErr(op, n.pattern(), n.b.refine(n.dir, err))
		}
	}
	f, err := n.create(os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	name := f.Name()
	nf := &namelessFile{File: n.b.file(f), dir: n.dir}
	if !n.b.osFiles || runtime.GOOS == "windows" {
		nf.fsys, nf.name = fsys, name // Close removes it
		return nf, nil
	}
	if err := fsys.Remove(name); err != nil {
		return nil, wrapErr(op, n.pattern(), errors.Join(err, f.Close()))
	}
	return nf, nil
}

// NewUnnamedFile returns a [File] that has no name until it is persisted,
// with mode 0o600 (before umask), in the directory dir of fsys; dir ""
// means [TempDir](fsys). Where the Fs has unnamed files (Linux's
// O_TMPFILE on [afero.OsFs], [afero.BasePathFs] over OsFs and [RootFs];
// any [UnnamedCreator]), Name returns "" until a Persist succeeds, Keep
// cannot keep it (Close frees it all the same), and a crash before the
// Persist leaves nothing. [File.PersistNoClobber] and a [File.Persist]
// to a new target give it its name with one link; Persist over an
// existing target links it to a temp name and renames that. Where the Fs
// refuses unnamed files, it is [NewFile](fsys, dir, ".unnamed.tempfs-*.tmp"),
// with that name.
//
// The file must be persisted in dir (a link cannot cross directories). If
// a Persist fails after the file got its temp name, the file is handed
// back under that name (see [File.Persist]). Errors have Op
// "newunnamedfile".
func NewUnnamedFile(fsys afero.Fs, dir string) (*File, error) {
	const op = "newunnamedfile"
	n, err := newNamer(fsys, op, dir, unnamedPrefix+"*"+tempSuffix)
	if err != nil {
		return nil, err
	}
	if u := n.b.unnamed; u != nil {
		f, err := u.OpenUnnamed(n.dir, 0o600, true)
		if err == nil {
			return &File{file: f, fsys: fsys}, nil
		}
		if !refusesUnnamed(err) {
			return nil, wrapErr(op, n.pattern(), n.b.refine(n.dir, err))
		}
	}
	f, err := NewFile(fsys, n.dir, unnamedPrefix+"*"+tempSuffix)
	if err != nil {
		return nil, wrapErr(op, n.pattern(), err)
	}
	return f, nil
}

// unnamedPrefix starts the name of a [TempFileUnnamed] file where it has
// one for a while; with tempSuffix it makes a name [IsTempName] accepts.
const unnamedPrefix = ".unnamed" + tempMarker

// namelessFile is a [TempFileUnnamed] file that had to be made with a
// name: removed at once (name ""), or removed by Close.
type namelessFile struct {
	afero.File
	dir  string
	fsys afero.Fs // set if Close removes name
	name string
}

// Name returns the directory the file was made in.
func (f *namelessFile) Name() string { return f.dir }

// Close closes the file and, where it still has a name, removes it.
func (f *namelessFile) Close() error {
	err := f.File.Close()
	if f.fsys != nil {
		fsys := f.fsys
		f.fsys = nil
		if rerr := fsys.Remove(f.name); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, wrapErr("remove", f.dir, rerr))
		}
	}
	return err
}

// refusesUnnamed reports whether err, of an OpenUnnamed, says that the Fs
// or its file system has no unnamed files, as open(O_TMPFILE) does:
// EOPNOTSUPP (the file system), EISDIR (a kernel before 3.11, which takes
// O_TMPFILE for O_DIRECTORY), EINVAL, ENOSYS, errors.ErrUnsupported.
// Any other error is the directory's, and fails the call as the named
// protocol would.
func refusesUnnamed(err error) bool {
	return errors.Is(err, errors.ErrUnsupported) || errors.Is(err, syscall.EOPNOTSUPP) ||
		errors.Is(err, syscall.EISDIR) || errors.Is(err, syscall.EINVAL)
}

// createUnnamed makes the temp file of a replacement unnamed, beside the
// target, where the Fs can, into t; false (and no error) where it refuses,
// for the named protocol.
func (r *replacer) createUnnamed(perm fs.FileMode, t *tempFile) (bool, error) {
	if r.b.unnamed == nil || r.cfg.named {
		return false, nil
	}
	f, err := r.b.unnamed.OpenUnnamed(r.targetDir(), perm.Perm(), true)
	switch {
	case err == nil:
		*t = tempFile{f: f, unnamed: true}
		return true, nil
	case refusesUnnamed(err):
		return false, nil
	}
	r.undoParents()
	return false, r.errorf("", r.b.refine(r.targetDir(), err))
}

// commitUnnamed is commit for an unnamed temp file, after its attributes:
// sync it, then give it the target's name with one link where the target
// does not exist (which is also the atomic no-clobber create), else link
// it to a temp name, close it and rename it over the target; then sync the
// directory. A crash before the link leaves nothing behind. An error with
// moved false leaves the target as it was (and t.name, if set, for
// discard to remove).
func (r *replacer) commitUnnamed(t *tempFile, noClobber bool) (moved bool, err error) {
	if !r.cfg.noSync && !r.cfg.skipFileSync {
		if err := t.f.Sync(); err != nil {
			return false, fmt.Errorf("sync: %w", cause(err))
		}
	}
	if noClobber || !r.exists {
		err := r.b.unnamed.LinkUnnamed(t.f, r.target)
		switch {
		case err == nil:
			moved = true
		case noClobber || !errors.Is(err, fs.ErrExist):
			return false, fmt.Errorf("link: %w", cause(r.b.refine(r.targetDir(), err)))
		}
		// The target appeared meanwhile: replace it below.
	}
	if !moved {
		if err := r.linkTempName(t); err != nil {
			return false, err
		}
	}
	// The directory the file holds (RootFs), to sync it without opening
	// it again; closing the file does not close it.
	var dir syncCloser
	if h, ok := t.f.(dirHolder); ok {
		dir = h.takeDir()
	}
	defer func() {
		if dir != nil {
			dir.Close()
		}
	}()
	t.closed = true
	if err := t.f.Close(); err != nil {
		return moved, fmt.Errorf("close: %w", cause(err))
	}
	if !moved {
		if err := r.rename(t.name); err != nil {
			return false, err
		}
		t.name = ""
	}
	if !r.cfg.noSync && !r.cfg.skipDirSync {
		var err error
		if dir != nil {
			err = dir.Sync()
		} else {
			err = r.b.syncDir(r.targetDir())
		}
		if err != nil {
			return true, fmt.Errorf("sync directory: %w", cause(err))
		}
	}
	return true, nil
}

// syncCloser is an open directory.
type syncCloser interface {
	Sync() error
	Close() error
}

// dirHolder is an unnamed file that holds its directory open (RootFs's,
// for the link): takeDir hands it over (nil if none), and the file's
// Close then leaves it open.
type dirHolder interface {
	takeDir() syncCloser
}

// linkTempName links the unnamed t to a fresh temp name beside the target
// (the name a named write would have used, which Sweep knows) and records
// it in t.name.
func (r *replacer) linkTempName(t *tempFile) error {
	dir, base := filepath.Split(r.target)
	if dir == "" {
		dir = "."
	}
	n := &tempNamer{b: r.b, op: r.op, dir: dir, prefix: "." + truncateName(base, maxBaseInTemp) + tempMarker, suffix: tempSuffix}
	for range maxTries {
		name := n.next()
		err := r.b.unnamed.LinkUnnamed(t.f, name)
		if err == nil {
			t.name = name
			r.b.recordTemp(name)
			return nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("link: %w", cause(err))
		}
	}
	return fmt.Errorf("link: %w", fs.ErrExist)
}
