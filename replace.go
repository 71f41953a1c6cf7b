package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/spf13/afero"
)

// This file is the one engine that moves a finished temp file over its
// target: the checks before anything is written, the parents, the mode,
// the sync and close, the rename or link, the directory sync, and the undo
// of a failed write. PendingFile (and so WriteFile and WriteReader) and
// File.Persist drive it; none repeats a step.

// replacer is one replacement of a target.
type replacer struct {
	b      backend
	op     string
	name   string // the target, as the caller named it
	target string // where the move goes (name, or the end of its links)
	tdir   string // filepath.Dir(target), once known (targetDir)
	cfg    config
	owner  owner // the replaced target's owner, for the temp file
	// created lists the parents that CreateParents made, outermost first,
	// for the undo of a failed write.
	created []string
	// mode is set exactly on the temp file before it is synced, if setMode.
	mode fs.FileMode
	// existing is the replaced target's permission bits, if it was a
	// regular file (hasExisting).
	existing    fs.FileMode
	setMode     bool
	hasExisting bool
	exists      bool // the target existed when prepared (unnamed.go: link or rename)
	asIs        bool // move the file as it is (Persist): no mode, no owner
}

// tempFile is the temp file of one replacement.
type tempFile struct {
	f      afero.File
	name   string // "" while an unnamed file has no name
	closed bool
	// unnamed: made by the Fs's UnnamedCreator (unnamed.go).
	unnamed bool
}

// prepare checks the name, the backend and the target, and resolves the
// target, before anything is created or read; every backend refuses the
// same mistakes with the same error here. With noClobber an existing target
// is refused at once.
func (r *replacer) prepare(noClobber bool) error {
	if r.b.fsys == nil {
		return r.errorf("", errNilFs)
	}
	if err := checkTarget(r.name); err != nil {
		return r.errorf("", err)
	}
	if err := r.b.checkInside(r.op, r.name, false); err != nil {
		return err
	}
	if rep, ok := r.b.fsys.(GuaranteeReporter); ok {
		g := rep.Guarantees()
		if g.AtomicReplace != nil && !r.cfg.allowNonAtomic && r.b.replacer == nil {
			return r.errorf("", g.AtomicReplace)
		}
		if g.Sync != nil && !r.cfg.noSync {
			return r.errorf("", g.Sync)
		}
	}
	if r.cfg.followSymlinks {
		t, err := r.b.resolve(r.name)
		if err != nil {
			return r.errorf("", err)
		}
		r.target = t
	}
	dir := r.targetDir()
	if r.cfg.createParents {
		if err := r.mkdirParents(dir); err != nil {
			return r.errorf("mkdir parents", err)
		}
	}
	if r.b.replacer != nil {
		// The Fs's own Replace checks the target (see AtomicReplacer).
		return nil
	}
	if !r.cfg.createParents && !r.b.strict {
		if err := r.b.checkDir(dir); err != nil {
			return r.errorf("", err)
		}
	}
	// One look at the target on every backend: a directory is refused
	// before any data is read (rename would refuse it only after the
	// write), and an existing file lends its mode and owner.
	fi, err := lstat(r.b.fsys, r.target)
	switch {
	case err == nil && fi.IsDir():
		err = syscall.EISDIR
	case err == nil && noClobber:
		err = fs.ErrExist
	case err == nil:
		r.exists = true
		r.keepAttrs(fi)
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return nil
	}
	r.undoParents()
	return r.errorf("", r.b.refine(dir, err))
}

// targetDir is the directory of the target, once it is resolved.
func (r *replacer) targetDir() string {
	if r.tdir == "" {
		r.tdir = filepath.Dir(r.target)
	}
	return r.tdir
}

// mkdirParents creates the missing directories of dir, 0o755 before umask,
// and makes each new entry durable in its parent.
func (r *replacer) mkdirParents(dir string) error {
	var missing []string
	for d := dir; ; {
		fi, err := r.b.fsys.Stat(d)
		if err == nil {
			if !fi.IsDir() {
				return syscall.ENOTDIR
			}
			break
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		missing = append(missing, d)
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	for i := len(missing) - 1; i >= 0; i-- {
		err := r.b.fsys.Mkdir(missing[i], 0o755)
		if err == nil {
			r.created = append(r.created, missing[i])
			continue
		}
		if errors.Is(err, fs.ErrExist) {
			// A concurrent creator made it: use it, but it is not ours.
			if cerr := r.b.checkDir(missing[i]); cerr == nil {
				continue
			}
		}
		r.undoParents()
		return err
	}
	if !r.cfg.noSync {
		for _, d := range r.created {
			if err := r.b.syncDir(filepath.Dir(d)); err != nil {
				r.undoParents()
				return err
			}
		}
	}
	return nil
}

// undoParents removes the parents this replacement created, innermost
// first, while they are empty: a refused write leaves the tree as it was.
func (r *replacer) undoParents() {
	for i := len(r.created) - 1; i >= 0; i-- {
		d := r.created[i]
		if !r.b.emptyDir(d) || r.b.fsys.Remove(d) != nil {
			break
		}
	}
	r.created = nil
}

// createTemp creates the temp file beside the target, with perm (before
// umask) or the mode and owner the target hands on (attrs.go), set before
// any data is written. It fills t, which the caller holds (one allocation
// fewer per write).
func (r *replacer) createTemp(perm fs.FileMode, t *tempFile) error {
	perm = r.createPerm(perm)
	unnamed, err := r.createUnnamed(perm, t)
	if err != nil {
		return err
	}
	if !unnamed {
		dir, base := filepath.Split(r.target)
		if dir == "" {
			dir = "."
		}
		n := &tempNamer{b: r.b, op: r.op, dir: dir, prefix: "." + truncateName(base, maxBaseInTemp) + tempMarker, suffix: tempSuffix}
		f, err := n.create(os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if err != nil {
			r.undoParents()
			return r.errorf("", r.b.refine(r.targetDir(), err))
		}
		*t = tempFile{f: f, name: f.Name()}
	}
	if err := r.applyAttrs(t); err != nil {
		return r.failed(err, r.discard(t))
	}
	return nil
}

// commit moves the finished temp file over the target (with noClobber,
// only if the target does not exist): sync, close, rename or link,
// directory sync. moved tells whether the target changed; an
// error with moved false leaves the target as it was and the temp file in
// place (closed if t.closed).
func (r *replacer) commit(t *tempFile, noClobber bool) (moved bool, err error) {
	if t.unnamed {
		return r.commitUnnamed(t, noClobber)
	}
	if err := r.closeTemp(t); err != nil {
		return false, err
	}
	if noClobber {
		err = r.link(t.name)
	} else {
		err = r.rename(t.name)
	}
	if err != nil {
		return false, r.refineMove(err)
	}
	if !r.cfg.noSync && !r.cfg.skipDirSync {
		if err := r.b.syncDir(r.targetDir()); err != nil {
			return true, fmt.Errorf("sync directory: %w", cause(err))
		}
	}
	return true, nil
}

// refineMove gives a failed rename or link the error every backend gives
// for the same state: a directory that appeared at the target since the
// look is EISDIR (the OS says EEXIST or ENOTEMPTY there), a parent that is
// a file ENOTDIR.
func (r *replacer) refineMove(err error) error {
	if errors.Is(err, fs.ErrExist) || errors.Is(err, syscall.ENOTEMPTY) {
		if fi, lerr := lstat(r.b.fsys, r.target); lerr == nil && fi.IsDir() {
			return fmt.Errorf("%w (a directory appeared at the target)", syscall.EISDIR)
		}
	}
	return r.b.refine(r.targetDir(), err)
}

// closeTemp syncs (unless told not to) and closes the temp file.
func (r *replacer) closeTemp(t *tempFile) error {
	var err error
	if !r.cfg.noSync && !r.cfg.skipFileSync {
		if err = t.f.Sync(); err != nil {
			err = fmt.Errorf("sync: %w", cause(err))
		}
	}
	t.closed = true
	if cerr := t.f.Close(); cerr != nil && err == nil {
		err = fmt.Errorf("close: %w", cause(cerr))
	}
	return err
}

// rename moves the temp file over the target.
func (r *replacer) rename(tmp string) error {
	err := r.b.fsys.Rename(tmp, r.target)
	if err != nil && r.cfg.allowNonAtomic && errors.Is(err, errors.ErrUnsupported) {
		// Remove-then-rename: never remove a directory (a backend's Remove
		// may rmdir an empty one).
		if fi, lerr := lstat(r.b.fsys, r.target); lerr == nil && fi.IsDir() {
			return syscall.EISDIR
		}
		if rerr := r.b.fsys.Remove(r.target); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
			err = r.b.fsys.Rename(tmp, r.target)
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
func (r *replacer) link(tmp string) error {
	err := r.b.link(tmp, r.target)
	if errors.Is(err, errors.ErrUnsupported) {
		if _, err = lstat(r.b.fsys, r.target); err == nil {
			err = fs.ErrExist
		} else if errors.Is(err, fs.ErrNotExist) {
			return r.rename(tmp)
		}
	}
	if err != nil {
		return fmt.Errorf("link: %w", cause(err))
	}
	if err := r.b.fsys.Remove(tmp); err != nil {
		return fmt.Errorf("remove temp file: %w", cause(err))
	}
	return nil
}

// discard closes (if still open) and removes the temp file of a failed
// replacement, and the parents it created; it returns what failed.
func (r *replacer) discard(t *tempFile) error {
	var errs []error
	if t != nil {
		if !t.closed {
			t.closed = true
			if err := t.f.Close(); err != nil {
				errs = append(errs, fmt.Errorf("close: %w", cause(err)))
			}
		}
		if t.name == "" {
			// An unnamed file: closing it freed it.
		} else if err := r.b.fsys.Remove(t.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, fmt.Errorf("remove temp file: %w", cause(err)))
		}
	}
	r.undoParents()
	return errors.Join(errs...)
}

// errorf returns err as the caller's *fs.PathError, naming the step that
// failed where there is one. A reader's error is kept whole.
func (r *replacer) errorf(step string, err error) error {
	if err == nil {
		return nil
	}
	if re, ok := err.(*readError); ok {
		return &fs.PathError{Op: r.op, Path: r.name, Err: re}
	}
	if step != "" {
		err = fmt.Errorf("%s: %w", step, cause(err))
	}
	return wrapErr(r.op, r.name, err)
}

// failed returns the caller's error for a write that failed with err and
// whose cleanup returned cerr: one *fs.PathError naming the target, whose
// Err joins both, so that neither is lost and the type is kept.
func (r *replacer) failed(err, cerr error) error {
	e := r.errorf("", err)
	if cerr == nil {
		return e
	}
	pe := e.(*fs.PathError)
	pe.Err = errors.Join(pe.Err, cerr)
	return pe
}
