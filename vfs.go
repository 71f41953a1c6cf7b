// Package tempfs creates temporary files and directories and replaces files
// atomically on any [afero.Fs]: the real disk ([afero.OsFs]), memory
// ([afero.MemMapFs]), sandboxes ([afero.BasePathFs], [RootFs]) and remote
// storage.
//
// It is Python's tempfile recipe done for Go:
//
//   - [WithTempDir] and [WithTempFile] run a function with a scratch directory
//     or file and remove it on every way out: return, error and panic.
//   - [CreateTemp] and [MkdirTemp] follow [os.CreateTemp] and [os.MkdirTemp]
//     on any Fs; [NewFile] and [NewDir] wrap them in handles whose Close
//     removes them unless they are kept.
//   - [WriteFile], [WriteReader] and [PendingFile] replace a file atomically
//     and durably: a reader or a crash sees the old content or the new, never
//     a partial file.
//
// The same code behaves the same on every backend: tempfs guards the places
// where afero's backends disagree (MemMapFs creating missing parents or
// renaming a file onto a directory, CopyOnWriteFs handing out an existing
// directory, BasePathFs showing host paths in its errors). Every error is an
// [*fs.PathError] (or [*os.LinkError]) carrying the caller's path and wrapping
// the backend's cause, so errors.Is(err, fs.ErrExist) and friends work
// everywhere.
//
// The package has no global state: every function may be called from many
// goroutines at once, as far as the Fs given to it allows.
package tempfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"syscall"

	"github.com/spf13/afero"
	"github.com/spf13/afero/mem"
)

// virtualTempDir is the temp root of every Fs other than the host's.
const virtualTempDir = string(filepath.Separator) + "tmp"

// TempDir returns the directory for temporary files of fsys, the default
// that [CreateTemp], [MkdirTemp], [WithTempDir] and [WithTempFile] use when
// they are given no directory.
//
// For the host file system ([afero.OsFs]) it is [os.TempDir], which honours
// $TMPDIR. For every other Fs (MemMapFs, sandboxes, remote storage) it is
// the virtual directory /tmp of that Fs, created with mode 0o700 (before
// umask) on first use, so that an empty dir works inside a sandbox too.
// That /tmp stays in the Fs afterwards (it is not removed with the temp
// files made in it): on a sandbox over your data, prefer the In forms
// ([WithTempDirIn], [WithTempFileIn]) or an explicit dir.
// That includes wrappers around OsFs (ReadOnlyFs, CopyOnWriteFs, your own
// logging Fs), which do not say what they wrap: on them /tmp is the host's
// /tmp, whatever $TMPDIR says (on Windows, \tmp on the current drive);
// give such an Fs an explicit dir.
//
// Unlike [afero.TempDir](fs, dir, prefix), which creates a new directory
// like [os.MkdirTemp] (tempfs's [MkdirTemp]), TempDir creates nothing but
// the root itself and returns it, like [os.TempDir].
//
// TempDir checks that the directory exists and is a directory; if not, it
// returns an [*fs.PathError] with Op "tempdir" (wrapping syscall.ENOTDIR
// for a non-directory). It is safe for concurrent use.
func TempDir(fsys afero.Fs) (string, error) {
	const op = "tempdir"
	if fsys == nil {
		return "", &fs.PathError{Op: op, Path: "", Err: errNilFs}
	}
	host := probe(fsys).host
	dir := virtualTempDir
	if host {
		dir = os.TempDir()
	}
	fi, err := fsys.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) && !host {
		if err = fsys.MkdirAll(dir, 0o700); err == nil {
			fi, err = fsys.Stat(dir)
		}
	}
	if err != nil {
		return "", wrapErr(op, dir, err)
	}
	if !fi.IsDir() {
		return "", &fs.PathError{Op: op, Path: dir, Err: syscall.ENOTDIR}
	}
	return dir, nil
}

// backend is what tempfs knows of an Fs, read once per call by [probe]:
// the one place that looks at concrete afero types. The rest of the
// package asks it, so that a fast path it allows only skips a call and
// never changes an outcome.
type backend struct {
	fsys afero.Fs
	// base: a BasePathFs, whose names tempfs walks itself (basepath.go).
	base *afero.BasePathFs
	// replacer: writes go through the Fs's own atomic replace.
	replacer AtomicReplacer
	// unnamed: the Fs makes files with no name (unnamed.go).
	unnamed UnnamedCreator
	// host: names are host paths (OsFs).
	host bool
	// strict: the Fs keeps the POSIX creation rules (see [StrictFs]), so
	// tempfs need not check a directory before creating in it.
	strict bool
	// mkdirExcl: Mkdir fails with fs.ErrExist for an existing name,
	// atomically, so MkdirTemp need not look first.
	mkdirExcl bool
	// confined: names cannot leave a root; absolute link targets and ".."
	// above the root are refused ([RootFs]).
	confined bool
	// noDirSync: syncing a directory is a no-op (MemMapFs, Windows).
	noDirSync bool
	// osFiles: its files are the host's, which outlive their name.
	osFiles bool
}

// probe reads what tempfs needs to know of fsys.
func probe(fsys afero.Fs) backend {
	var b backend
	b.probe(fsys)
	return b
}

// probe is [probe] in place, for a caller that keeps b inside a bigger
// value (tempNamer): nothing is copied.
func (b *backend) probe(fsys afero.Fs) {
	*b = backend{fsys: fsys, noDirSync: runtime.GOOS == "windows"}
	switch f := fsys.(type) {
	case *afero.OsFs:
		b.host, b.strict, b.mkdirExcl, b.osFiles = true, true, true, true
		b.unnamed = newHostUnnamed(nil)
	case *afero.MemMapFs:
		// Mkdir checks under MemMapFs's lock, though MemMapFs creates
		// missing parents and so is not strict.
		b.mkdirExcl, b.noDirSync = true, true
	case *afero.BasePathFs:
		b.base = f
		if overOsFs(f) {
			b.osFiles, b.unnamed = true, newHostUnnamed(f)
		}
	case *RootFs:
		b.confined, b.osFiles = true, true
	}
	if s, ok := fsys.(StrictFs); ok && s.StrictPOSIX() {
		b.strict, b.mkdirExcl = true, true
	}
	if r, ok := fsys.(AtomicReplacer); ok {
		b.replacer = r
	}
	if u, ok := fsys.(UnnamedCreator); ok {
		b.unnamed = u
	}
}

// overOsFs reports whether bp's source is an [afero.OsFs]. BasePathFs does
// not export its source; its type is read, never its value.
func overOsFs(bp *afero.BasePathFs) bool {
	src := reflect.ValueOf(bp).Elem().FieldByName("source")
	return src.IsValid() && src.Kind() == reflect.Interface && !src.IsNil() &&
		src.Elem().Type() == reflect.TypeFor[*afero.OsFs]()
}

// syncDir makes the entries of dir durable, as far as the Fs can: its
// [DirSyncer], else an open directory's Sync.
func (b backend) syncDir(dir string) error {
	if ds, ok := b.fsys.(DirSyncer); ok {
		return ds.SyncDir(dir)
	}
	if b.noDirSync {
		return nil
	}
	d, err := b.fsys.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// link makes newname a hard link to oldname, failing with an error
// wrapping fs.ErrExist if newname exists, atomically; errors.ErrUnsupported
// where the Fs has no hard links tempfs knows of.
func (b backend) link(oldname, newname string) error {
	if l, ok := b.fsys.(HardLinker); ok {
		return l.Link(oldname, newname)
	}
	if b.host {
		return os.Link(oldname, newname)
	}
	return errors.ErrUnsupported
}

// file wraps a file the Fs opened, where its errors would show host paths
// (a BasePathFs's do).
func (b backend) file(f afero.File) afero.File {
	if b.base != nil {
		return &virtualFile{f: f, name: f.Name()}
	}
	return f
}

// handleAttrs returns what changes f's mode and owner through the open
// file (the host's fchmod and fchown, also under a sandbox's wrappers), or
// nil where the backend's files cannot.
func handleAttrs(f afero.File) attrSetter {
	switch x := f.(type) {
	case *virtualFile:
		return handleAttrs(x.f)
	case *afero.BasePathFile:
		return handleAttrs(x.File)
	case attrSetter: // *os.File; the unnamed files of memfs and CrashFs
		return x
	}
	return nil
}

// checkDir returns nil if dir is an existing directory of the Fs, else the
// cause (for the caller to wrap with its own op and path). It guards
// backends that create missing parents on the fly (MemMapFs).
func (b backend) checkDir(dir string) error {
	fi, err := b.fsys.Stat(dir)
	if err != nil {
		return cause(err)
	}
	if !fi.IsDir() {
		return syscall.ENOTDIR
	}
	return nil
}

// emptyDir reports whether dir is a directory with nothing in it. It reads
// the directory rather than trusting Remove, which removes a non-empty
// directory on MemMapFs.
func (b backend) emptyDir(dir string) bool {
	d, err := b.fsys.Open(dir)
	if err != nil {
		return false
	}
	defer d.Close()
	names, err := d.Readdirnames(1)
	return len(names) == 0 && (err == nil || errors.Is(err, io.EOF))
}

// refine turns the error of a create in dir into the one the OS gives:
// where the Fs says "not exist" for a parent that is a file (SFTP does),
// it is ENOTDIR. It costs a Stat only on that error path.
func (b backend) refine(dir string, err error) error {
	if errors.Is(err, fs.ErrNotExist) {
		if fi, serr := b.fsys.Stat(dir); serr == nil && !fi.IsDir() {
			return syscall.ENOTDIR
		}
	}
	return err
}

// recordTemp tells a [TempRecorder] that name was made as temporary.
func (b backend) recordTemp(name string) {
	if r, ok := b.fsys.(TempRecorder); ok {
		r.RecordTemp(name)
	}
}

// lstat is Lstat where fsys has it, else Stat.
func lstat(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		fi, _, err := l.LstatIfPossible(name)
		return fi, err
	}
	return fsys.Stat(name)
}

// ---- host trees: the one place that maps a backend to host directories ----

// hostParent opens, as an [os.Root], the host directory that holds name of
// fsys, and returns it with name's last element, when fsys's files are
// host files: [afero.OsFs], an [afero.BasePathFs] directly over OsFs, or a
// [RootFs] (whose parent root stays inside its own). ok is false for every
// other Fs, which must be walked by name. A name whose last element is "."
// or "..", or the root of a RootFs, gives syscall.EINVAL, as os.RemoveAll
// does. The caller closes parent.
func hostParent(fsys afero.Fs, name string) (parent *os.Root, base string, ok bool, err error) {
	var open func(string) (*os.Root, error)
	switch f := fsys.(type) {
	case *afero.OsFs:
		open = os.OpenRoot
	case *afero.BasePathFs:
		// BasePathFs does not say what it wraps; only over OsFs are its
		// real paths host paths.
		src := reflect.ValueOf(f).Elem().FieldByName("source")
		if !src.IsValid() || src.IsNil() || src.Elem().Type() != reflect.TypeFor[*afero.OsFs]() {
			return nil, "", false, nil
		}
		if name, err = f.RealPath(name); err != nil {
			return nil, "", true, err
		}
		open = os.OpenRoot
	case *RootFs:
		r, err := f.open()
		if err != nil {
			return nil, "", true, err
		}
		if name = rel(name); name == "." {
			return nil, "", true, syscall.EINVAL
		}
		open = r.OpenRoot
	default:
		return nil, "", false, nil
	}
	name = filepath.Clean(name)
	base = filepath.Base(name)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return nil, "", true, syscall.EINVAL
	}
	parent, err = open(filepath.Dir(name))
	if err != nil {
		return nil, "", true, rootCause(err)
	}
	return parent, base, true, nil
}

// pageSize returns how many names to ask the directory d for at a time:
// dirPage, or -1 (all at once) for afero's memory files (MemMapFs, also
// under a BasePathFs), whose every Readdir call sorts the whole directory
// afresh: paging would cost a sort per page and save no memory.
func pageSize(d afero.File) int {
	if b, ok := d.(*afero.BasePathFile); ok {
		d = b.File
	}
	if _, ok := d.(*mem.File); ok {
		return -1
	}
	return dirPage
}
