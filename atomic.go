package tempfs

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

var errNilReader = fmt.Errorf("nil io.Reader: %w", fs.ErrInvalid)

// WriteFile writes data to the file name of fsys atomically and durably:
// readers and crashes see the old content or the new, never a mix, an empty
// or a partial file.
//
// It creates a temp file with O_EXCL in name's own directory (so the rename
// never crosses file systems), writes data, syncs it, closes it, renames it
// over name and syncs the directory. A new name gets perm (before umask);
// an existing one keeps its permission bits and, where the process may, its
// owner, as os.WriteFile keeps them ([WithPermissions] and
// [WithStaticPermissions] say otherwise). Any
// failure before the rename removes the temp file (and the parents that
// [CreateParents] made) and leaves name as it was.
//
// On Linux, on [afero.OsFs], [afero.BasePathFs] over OsFs, [RootFs] and
// any [UnnamedCreator], the temp file has no name until it is complete and
// synced (O_TMPFILE): a new name gets it with one linkat, an existing one
// with a linkat to a temp name and a rename over name; then the directory
// is synced. A crash before the link leaves nothing behind, and one
// between the link and the rename leaves a whole temp file that [Sweep]
// removes. Where the file system refuses O_TMPFILE, the named protocol
// above runs instead, decided anew on every call. Durability is real where
// the backend has it (OsFs, BasePathFs over OsFs, RootFs, SFTP with the
// fsync extension); MemMapFs keeps nothing across a crash anyway. On an Fs
// that replaces files itself ([AtomicReplacer]: object storage) the data
// goes straight to name through it, with no temp name.
//
// Before anything is created or read, every backend refuses the same
// mistakes with the same error: a target that is a directory
// (syscall.EISDIR, as os.WriteFile gives), a missing parent (fs.ErrNotExist,
// unless [CreateParents]), a parent that is a file (syscall.ENOTDIR), a name
// element over 255 bytes (syscall.ENAMETOOLONG), and an empty name, one
// holding NUL or ending in a separator (fs.ErrInvalid).
//
// Errors are [*fs.PathError] with Op "writefile" and Path name, wrapping the
// cause (and, joined to it, any error of the cleanup). It is safe for
// concurrent use; concurrent writers to one name leave one whole version.
//
// tempfs.WriteFile takes the arguments of [afero.WriteFile], which is not
// atomic: it truncates name and writes in place.
func WriteFile(fsys afero.Fs, name string, data []byte, perm fs.FileMode, opts ...Option) error {
	var p PendingFile
	if err := p.init(fsys, "writefile", name, perm, opts); err != nil {
		return err
	}
	if _, err := p.writer().Write(data); err != nil {
		return p.fail(err)
	}
	return p.Commit()
}

// WriteReader is [WriteFile] for a stream: it copies r into the temp file
// and replaces name when r is drained. Memory use does not grow with the
// size of the stream. If r fails, name is left as it was; a mistake in name
// is refused before r is read. Errors have Op "writereader".
func WriteReader(fsys afero.Fs, name string, r io.Reader, perm fs.FileMode, opts ...Option) error {
	if r == nil {
		return &fs.PathError{Op: "writereader", Path: name, Err: errNilReader}
	}
	var p PendingFile
	if err := p.init(fsys, "writereader", name, perm, opts); err != nil {
		return err
	}
	defer p.discardOnPanic()
	if _, err := copyInto(p.writer(), r); err != nil {
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
	r    replacer
	tf   tempFile    // the temp file; zero where the Fs replaces itself
	obj  Replacement // the Fs's own replacement, if it is an AtomicReplacer
	done bool        // committed or cleaned up
	werr error       // the first failed write
}

// NewPendingFile creates a temp file, mode 0o600 (before umask), beside name
// in fsys; [PendingFile.Commit] replaces name with it. The options are
// those of [WriteFile], and so are the mistakes refused before anything is
// created. An existing name's permission bits and owner are kept, as by
// [WriteFile]; [WithPermissions] gives another mode. Errors have Op
// "newpendingfile".
func NewPendingFile(fsys afero.Fs, name string, opts ...Option) (*PendingFile, error) {
	p, err := newPending(fsys, "newpendingfile", name, 0o600, opts)
	if err != nil {
		return nil, err
	}
	p.r.op = "commit" // errors of Commit; Write and Cleanup name their own
	return p, nil
}

func newPending(fsys afero.Fs, op, name string, perm fs.FileMode, opts []Option) (*PendingFile, error) {
	p := new(PendingFile)
	if err := p.init(fsys, op, name, perm, opts); err != nil {
		return nil, err
	}
	return p, nil
}

// init makes p the pending write of name: the checks, then the temp file
// (or the Fs's own replacement). WriteFile calls it on a PendingFile of
// its own, which need not live on the heap.
func (p *PendingFile) init(fsys afero.Fs, op, name string, perm fs.FileMode, opts []Option) error {
	b := probe(fsys)
	// On the host, a relative name is resolved once, here, so that a chdir
	// before Commit or Cleanup cannot leave the temp file behind.
	target := name
	if b.host && checkTarget(name) == nil {
		target = hostAbs(fsys, name)
	}
	p.r = replacer{b: b, op: op, name: name, target: target}
	if len(opts) > 0 {
		p.r.cfg = applyOptions(opts)
	}
	noClobber := p.r.cfg.noClobber
	if err := p.r.prepare(noClobber); err != nil {
		return err
	}
	if rep := p.r.b.replacer; rep != nil {
		if p.r.cfg.perm != nil {
			perm = *p.r.cfg.perm
		}
		obj, err := rep.Replace(p.r.target, perm.Perm(), noClobber)
		if err != nil {
			return p.r.errorf("", err)
		}
		p.obj = obj
		return nil
	}
	if err := p.r.createTemp(perm, &p.tf); err != nil {
		return err
	}
	return nil
}

// temp returns the temp file, nil where the Fs replaces itself.
func (p *PendingFile) temp() *tempFile {
	if p.tf.f == nil {
		return nil
	}
	return &p.tf
}

// writer is where the content goes.
func (p *PendingFile) writer() io.Writer {
	if p.obj != nil {
		return p.obj
	}
	return p.tf.f
}

// Write writes b to the temp file. After a failed write, Commit refuses
// to replace the target with what may be partial content.
func (p *PendingFile) Write(b []byte) (int, error) {
	if err := p.usable("write"); err != nil {
		return 0, err
	}
	n, err := p.writer().Write(b)
	return n, p.writeErr(err)
}

// WriteString writes s to the temp file.
func (p *PendingFile) WriteString(s string) (int, error) {
	if err := p.usable("write"); err != nil {
		return 0, err
	}
	n, err := io.WriteString(p.writer(), s)
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
		return 0, &fs.PathError{Op: "write", Path: p.r.name, Err: errNilReader}
	}
	n, err := copyInto(p.writer(), r)
	return n, p.writeErr(err)
}

// usable fails a call on a committed, cleaned-up or zero PendingFile.
func (p *PendingFile) usable(op string) error {
	switch {
	case p == nil || (p.tf.f == nil && p.obj == nil):
		return &fs.PathError{Op: op, Err: fs.ErrInvalid}
	case p.done:
		return &fs.PathError{Op: op, Path: p.r.name, Err: fs.ErrClosed}
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
		return &fs.PathError{Op: "write", Path: p.r.name, Err: re}
	}
	return wrapErr("write", p.r.name, err)
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
func copyInto(f io.Writer, r io.Reader) (int64, error) {
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
	return p.r.name
}

// Commit makes the written content the target's: it gives the temp file
// the mode and owner it must have, syncs and closes it, renames it
// over the target (with [NoClobber], links it there only if the target does
// not exist) and syncs the directory, unless [NoSync] was given. If
// anything before the rename (or link) fails, the temp file is removed and
// the target is unchanged; with NoClobber, a link made whose temp name then
// could not be removed leaves the target with the new content, and the
// error says so. If only the directory sync after the rename fails, the
// target holds the new content (a rename cannot be undone) and the error
// says so. A second Commit, or a Commit after Cleanup, fails with an error
// wrapping fs.ErrClosed and renames nothing.
func (p *PendingFile) Commit() error {
	if err := p.usable("commit"); err != nil {
		return err
	}
	if p.werr != nil {
		return p.fail(fmt.Errorf("an earlier write failed: %w", p.werr))
	}
	if p.obj != nil {
		if err := p.obj.Commit(); err != nil {
			return p.fail(err)
		}
		p.done = true
		return nil
	}
	moved, err := p.r.commit(p.temp(), p.r.cfg.noClobber)
	if err != nil && !moved {
		return p.fail(err)
	}
	p.done = true
	return p.r.errorf("", err)
}

// Cleanup removes the temp file (and the parents [CreateParents] made for
// it, while empty), unless Commit succeeded, when it does nothing. It is
// safe to call more than once.
func (p *PendingFile) Cleanup() error {
	if p == nil || (p.tf.f == nil && p.obj == nil) {
		return &fs.PathError{Op: "cleanup", Err: fs.ErrInvalid}
	}
	if err := p.discard(); err != nil {
		return &fs.PathError{Op: "cleanup", Path: p.r.name, Err: err}
	}
	return nil
}

// discard undoes the write once; it returns what failed.
func (p *PendingFile) discard() error {
	if p.done {
		return nil
	}
	p.done = true
	if p.obj != nil {
		return p.obj.Abort()
	}
	return p.r.discard(p.temp())
}

// discardOnPanic removes the temp file if the reader panicked (deferred:
// after Commit or a failure it does nothing); the panic goes on.
func (p *PendingFile) discardOnPanic() {
	if !p.done {
		_ = p.discard()
	}
}

// fail cleans up after a failed write and returns err for the caller.
func (p *PendingFile) fail(err error) error {
	return p.r.failed(err, p.discard())
}
