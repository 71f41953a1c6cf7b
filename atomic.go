package tempfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/spf13/afero"
)

// An Option changes how [WriteFile], [WriteReader] and [NewPendingFile]
// write. The zero set of options gives an atomic and durable replace that
// replaces a symbolic link at the target rather than writing through it.
type Option interface{ apply(*config) }

type config struct {
	noSync         bool // skip every fsync: atomic, not durable
	existingPerms  bool // take the mode of an existing target
	createParents  bool // MkdirAll the target's directory
	followSymlinks bool // replace the file a symlink at the target points to
	allowNonAtomic bool // remove-then-rename where Rename cannot replace
	// test-only mutations, set from export_test.go
	skipFileSync, skipDirSync bool
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// NoSync skips the fsync of the file and of its directory. The replace is
// still atomic for readers (they see the old content or the new), but after
// a power loss the target may hold the old content, or on some file systems
// be empty. Use it for caches and other data that can be rebuilt. It also
// lets the write go on over backends that cannot sync (see [Guarantees]).
func NoSync() Option { return optionFunc(func(c *config) { c.noSync = true }) }

// WithExistingPermissions gives the new file the permission bits of the
// file it replaces, as renameio's option of the same name does; the perm
// argument is used only when the target does not exist. The mode is set
// exactly, without the umask.
func WithExistingPermissions() Option {
	return optionFunc(func(c *config) { c.existingPerms = true })
}

// CreateParents creates the target's missing parent directories, with mode
// 0o755 (before umask), instead of failing with fs.ErrNotExist.
func CreateParents() Option { return optionFunc(func(c *config) { c.createParents = true }) }

// FollowSymlinks makes a write to a symbolic link replace the file the link
// points to (following a chain of links, relative ones from the link's
// directory), the way [os.WriteFile] writes through a link; the temp file
// is then created beside that file. Without it, the link itself is replaced
// by a regular file, as rename(2) and renameio do. On an Fs without
// symbolic links it changes nothing.
func FollowSymlinks() Option { return optionFunc(func(c *config) { c.followSymlinks = true }) }

// AllowNonAtomic lets a write go on over a backend whose Rename cannot
// replace an existing file atomically (it reports so through
// [GuaranteeReporter], or its Rename fails with errors.ErrUnsupported): the
// target is removed and the temp file renamed in its place, so a reader or
// a crash in between finds no file at all. Without it, such a write fails
// before anything is written.
func AllowNonAtomic() Option { return optionFunc(func(c *config) { c.allowNonAtomic = true }) }

var errNilReader = fmt.Errorf("nil io.Reader: %w", fs.ErrInvalid)

// tempMarker and tempSuffix frame the random part of the names of this
// package's temp files in a target's directory: ".<base>.tempfs-<13>.tmp".
// Sweep recognises exactly these names.
const (
	tempMarker = ".tempfs-"
	tempSuffix = ".tmp"
	// maxBaseInTemp keeps the temp name within maxNameLen.
	maxBaseInTemp = maxNameLen - 1 - len(tempMarker) - randLen - len(tempSuffix)
)

// WriteFile writes data to the file name of fsys atomically and durably:
// readers and crashes see the old content or the new, never a mix, an empty
// or a partial file.
//
// It creates a temp file with O_EXCL in name's own directory (so the rename
// never crosses file systems), writes data, gives it perm (before umask),
// syncs it, closes it, renames it over name and syncs the directory. Any
// failure before the rename removes the temp file and leaves name as it
// was. Durability is real where the backend has it (OsFs, BasePathFs over
// OsFs, RootFs, SFTP with the fsync extension); MemMapFs keeps nothing
// across a crash anyway. A target that is a directory, a missing parent
// (without [CreateParents]), an empty name or one holding NUL are refused
// with an [*fs.PathError] on every backend, and nothing changes.
//
// Errors are [*fs.PathError] with Op "writefile" and Path name, wrapping the
// cause. It is safe for concurrent use; concurrent writers to one name
// leave one whole version.
func WriteFile(fsys afero.Fs, name string, data []byte, perm fs.FileMode, opts ...Option) error {
	p, err := newPending(fsys, "writefile", name, perm, opts)
	if err != nil {
		return err
	}
	if _, err := p.f.Write(data); err != nil {
		return p.fail(err)
	}
	return p.Commit()
}

// WriteReader is [WriteFile] for a stream: it copies r into the temp file
// and replaces name when r is drained. Memory use does not grow with the
// size of the stream. If r fails, name is left as it was. Errors have Op
// "writereader".
func WriteReader(fsys afero.Fs, name string, r io.Reader, perm fs.FileMode, opts ...Option) error {
	if r == nil {
		return &fs.PathError{Op: "writereader", Path: name, Err: errNilReader}
	}
	p, err := newPending(fsys, "writereader", name, perm, opts)
	if err != nil {
		return err
	}
	if _, err := copyInto(p.f, r); err != nil {
		return p.fail(err)
	}
	return p.Commit()
}

// PendingFile is a temp file that replaces its target file atomically when
// committed, like renameio's PendingFile. Write to it, then Commit. `defer
// p.Cleanup()` is always right: Cleanup removes the temp file if Commit did
// not happen or failed, and does nothing after a successful Commit.
//
// A PendingFile is not safe for concurrent use.
type PendingFile struct {
	f      afero.File
	fsys   afero.Fs
	op     string
	name   string // the target, as the caller named it
	target string // where the rename goes (name, or the end of its links)
	tmp    string // the temp file's name
	mode   *fs.FileMode
	cfg    config
	closed bool
	done   bool  // committed or cleaned up
	werr   error // the first failed write
}

// NewPendingFile creates a temp file, mode 0o600 (before umask), beside name
// in fsys; [PendingFile.Commit] replaces name with it. The options are
// those of [WriteFile]; with [WithExistingPermissions] the mode of an
// existing name is applied at Commit. Errors have Op "newpendingfile".
func NewPendingFile(fsys afero.Fs, name string, opts ...Option) (*PendingFile, error) {
	p, err := newPending(fsys, "newpendingfile", name, 0o600, opts)
	if err != nil {
		return nil, err
	}
	p.op = "commit" // errors of Commit; Write and Cleanup name their own
	return p, nil
}

func newPending(fsys afero.Fs, op, name string, perm fs.FileMode, opts []Option) (*PendingFile, error) {
	p := &PendingFile{fsys: fsys, op: op, name: name, target: name}
	for _, o := range opts {
		if o != nil {
			o.apply(&p.cfg)
		}
	}
	if err := p.prepare(); err != nil {
		return nil, err
	}
	dir, base := filepath.Split(p.target)
	if dir == "" {
		dir = "."
	}
	n := &tempNamer{fsys: fsys, op: op, dir: dir, prefix: "." + truncateName(base, maxBaseInTemp) + tempMarker, suffix: tempSuffix}
	f, err := n.create(os.O_RDWR|os.O_CREATE|os.O_EXCL, perm.Perm())
	if err != nil {
		return nil, wrapErr(op, name, err)
	}
	p.f, p.tmp = f, f.Name()
	return p, nil
}

// prepare checks name and the backend, and resolves the target, before
// anything is created.
func (p *PendingFile) prepare() error {
	if p.fsys == nil {
		return p.errorf("", errNilFs)
	}
	if p.name == "" || strings.IndexByte(p.name, 0) >= 0 {
		return p.errorf("", fs.ErrInvalid)
	}
	if base := filepath.Base(p.name); base == "." || base == ".." || base == string(filepath.Separator) ||
		os.IsPathSeparator(p.name[len(p.name)-1]) {
		return p.errorf("", fs.ErrInvalid)
	}
	if err := checkInside(p.fsys, p.op, p.name, false); err != nil {
		return err
	}
	if r, ok := p.fsys.(GuaranteeReporter); ok {
		g := r.Guarantees()
		if g.AtomicReplace != nil && !p.cfg.allowNonAtomic {
			return p.errorf("", g.AtomicReplace)
		}
		if g.Sync != nil && !p.cfg.noSync {
			return p.errorf("", g.Sync)
		}
	}
	if p.cfg.followSymlinks {
		var t string
		var err error
		if bp, ok := p.fsys.(*afero.BasePathFs); ok {
			t, err = resolveInBase(bp, p.name)
		} else {
			t, err = resolveLinks(p.fsys, p.name)
		}
		if err != nil {
			return p.errorf("", err)
		}
		p.target = t
	}
	dir := filepath.Dir(p.target)
	if p.cfg.createParents {
		if err := p.fsys.MkdirAll(dir, 0o755); err != nil {
			return p.errorf("mkdir parents", err)
		}
	} else if !isStrict(p.fsys) {
		if err := checkDir(p.fsys, dir); err != nil {
			return p.errorf("", err)
		}
	}
	// The OS refuses to rename a file onto a directory; MemMapFs does not.
	// Looking first also fails before a long write, and reads the mode.
	if !isStrict(p.fsys) || p.cfg.existingPerms {
		fi, err := lstat(p.fsys, p.target)
		switch {
		case err == nil && fi.IsDir():
			return p.errorf("", syscall.EISDIR)
		case err == nil && p.cfg.existingPerms && fi.Mode().Type() == 0:
			m := fi.Mode().Perm()
			p.mode = &m
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return p.errorf("", err)
		}
	}
	return nil
}

// Write writes b to the temp file. After a failed write, Commit refuses
// to replace the target with what may be partial content.
func (p *PendingFile) Write(b []byte) (int, error) {
	if err := p.usable("write"); err != nil {
		return 0, err
	}
	n, err := p.f.Write(b)
	return n, p.writeErr(err)
}

// WriteString writes s to the temp file.
func (p *PendingFile) WriteString(s string) (int, error) {
	if err := p.usable("write"); err != nil {
		return 0, err
	}
	n, err := p.f.WriteString(s)
	return n, p.writeErr(err)
}

// ReadFrom copies r into the temp file until EOF, in constant memory (and
// without copying through user space where the backend's file can). An
// error of r is returned as it is, wrapped with the target's name.
func (p *PendingFile) ReadFrom(r io.Reader) (int64, error) {
	if err := p.usable("write"); err != nil {
		return 0, err
	}
	if r == nil {
		return 0, &fs.PathError{Op: "write", Path: p.name, Err: errNilReader}
	}
	n, err := copyInto(p.f, r)
	return n, p.writeErr(err)
}

// usable fails a call on a committed, cleaned-up or zero PendingFile.
func (p *PendingFile) usable(op string) error {
	switch {
	case p == nil || p.f == nil:
		return &fs.PathError{Op: op, Err: fs.ErrInvalid}
	case p.done:
		return &fs.PathError{Op: op, Path: p.name, Err: fs.ErrClosed}
	}
	return nil
}

// writeErr records a failed write and returns it as the caller's error.
func (p *PendingFile) writeErr(err error) error {
	if err == nil {
		return nil
	}
	p.werr = cause(err) // the backend's wrapper may hold a host path
	if re, ok := err.(*readError); ok {
		return &fs.PathError{Op: "write", Path: p.name, Err: re}
	}
	return wrapErr("write", p.name, err)
}

// readError is an error of the reader given to WriteReader or ReadFrom,
// kept whole (with its own path, if any) under the target's name.
type readError struct{ err error }

func (e *readError) Error() string { return "read: " + e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// sourceReader tags the errors of r as readErrors.
type sourceReader struct{ r io.Reader }

func (s sourceReader) Read(b []byte) (int, error) {
	n, err := s.r.Read(b)
	if err != nil && err != io.EOF {
		err = &readError{err}
	}
	return n, err
}

// copyInto copies r into f as io.Copy does (using f's ReadFrom where it
// has one), telling r's errors from f's. A file copied into a file on the
// host (both *os.File) goes straight to f.ReadFrom, so that the kernel
// copies (copy_file_range, splice) as io.Copy would let it: sourceReader
// would hide the source's type and force a copy through user space. If
// that fails before copying anything, the generic copy runs instead, so
// that a failing source is reported as a read error as before.
func copyInto(f afero.File, r io.Reader) (int64, error) {
	if src, ok := r.(*os.File); ok {
		if dst, ok := f.(*os.File); ok {
			n, err := dst.ReadFrom(src)
			if err == nil || n > 0 {
				var pe *fs.PathError
				if errors.As(err, &pe) && pe.Op == "read" && pe.Path == src.Name() {
					err = &readError{err}
				}
				return n, err
			}
		}
	}
	return io.Copy(f, sourceReader{r})
}

// Name returns the name of the file that Commit replaces.
func (p *PendingFile) Name() string {
	if p == nil {
		return ""
	}
	return p.name
}

// Commit makes the written content the target's: it sets the mode (with
// [WithExistingPermissions]), syncs and closes the temp file, renames it
// over the target and syncs the directory, unless [NoSync] was given. If
// anything before the rename fails, the temp file is removed and the target
// is unchanged. A second Commit, or a Commit after Cleanup, fails with an
// error wrapping fs.ErrClosed and renames nothing.
func (p *PendingFile) Commit() error {
	if err := p.usable("commit"); err != nil {
		return err
	}
	if p.werr != nil {
		return p.fail(fmt.Errorf("an earlier write failed: %w", p.werr))
	}
	if p.mode != nil {
		if err := p.fsys.Chmod(p.tmp, *p.mode); err != nil {
			return p.fail(fmt.Errorf("chmod: %w", cause(err)))
		}
	}
	if err := p.closeTemp(); err != nil {
		return p.fail(err)
	}
	if err := p.rename(); err != nil {
		return p.fail(err)
	}
	p.done = true
	if !p.cfg.noSync && !p.cfg.skipDirSync {
		if err := syncDir(p.fsys, filepath.Dir(p.target)); err != nil {
			return p.errorf("sync directory", err)
		}
	}
	return nil
}

// closeTemp syncs (unless told not to) and closes the temp file.
func (p *PendingFile) closeTemp() error {
	var err error
	if !p.cfg.noSync && !p.cfg.skipFileSync {
		if err = p.f.Sync(); err != nil {
			err = fmt.Errorf("sync: %w", cause(err))
		}
	}
	p.closed = true
	if cerr := p.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close: %w", cause(cerr))
	}
	return err
}

// rename moves the temp file over the target.
func (p *PendingFile) rename() error {
	err := p.fsys.Rename(p.tmp, p.target)
	if err != nil && p.cfg.allowNonAtomic && errors.Is(err, errors.ErrUnsupported) {
		// Remove-then-rename: never remove a directory (a backend's Remove
		// may rmdir an empty one).
		if fi, lerr := lstat(p.fsys, p.target); lerr == nil && fi.IsDir() {
			return syscall.EISDIR
		}
		if rerr := p.fsys.Remove(p.target); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
			err = p.fsys.Rename(p.tmp, p.target)
		}
	}
	if err != nil {
		return fmt.Errorf("rename: %w", cause(err))
	}
	return nil
}

// link moves the temp file to the target only if the target does not
// exist: a hard link and an unlink where the backend has hard links (which
// is atomic), else a look and a rename.
func (p *PendingFile) link() error {
	err := errors.ErrUnsupported
	switch l := p.fsys.(type) {
	case HardLinker:
		err = l.Link(p.tmp, p.target)
	case *afero.OsFs:
		err = os.Link(p.tmp, p.target)
	}
	if errors.Is(err, errors.ErrUnsupported) {
		if _, err = lstat(p.fsys, p.target); err == nil {
			err = fs.ErrExist
		} else if errors.Is(err, fs.ErrNotExist) {
			return p.rename()
		}
	}
	if err != nil {
		return fmt.Errorf("link: %w", cause(err))
	}
	if err := p.fsys.Remove(p.tmp); err != nil {
		return fmt.Errorf("remove temp file: %w", cause(err))
	}
	return nil
}

// Cleanup closes and removes the temp file, unless Commit succeeded, when
// it does nothing. It is safe to call more than once.
func (p *PendingFile) Cleanup() error {
	if p == nil || p.f == nil {
		return &fs.PathError{Op: "cleanup", Err: fs.ErrInvalid}
	}
	if p.done {
		return nil
	}
	p.done = true
	var err error
	if !p.closed {
		p.closed = true
		if cerr := p.f.Close(); cerr != nil {
			err = p.errorf("close", cerr)
		}
	}
	if rerr := p.fsys.Remove(p.tmp); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
		err = errors.Join(err, p.errorf("remove temp file", rerr))
	}
	return err
}

// fail cleans up after a failed write and returns err for the caller.
func (p *PendingFile) fail(err error) error {
	cerr := p.Cleanup()
	return errors.Join(p.errorf("", err), cerr)
}

// errorf returns err as the caller's *fs.PathError, naming the step that
// failed where there is one.
func (p *PendingFile) errorf(step string, err error) error {
	if err == nil {
		return nil
	}
	if re, ok := err.(*readError); ok {
		return &fs.PathError{Op: p.op, Path: p.name, Err: re}
	}
	if step != "" {
		err = fmt.Errorf("%s: %w", step, cause(err))
	}
	return wrapErr(p.op, p.name, err)
}

// truncateName cuts s to at most n bytes, at a UTF-8 boundary.
func truncateName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
