package tempfstest

import (
	"errors"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// Call is one call made through a [FaultFs]: a method of the Fs or of a
// file it opened.
type Call struct {
	// Index numbers the calls of a FaultFs in the order they were made,
	// from 0, counting Fs and File calls alike.
	Index int
	// Op is the lower-case operation name. Fs methods: "create", "mkdir",
	// "mkdirall", "open", "openfile", "remove", "removeall", "rename",
	// "stat", "lstat", "chmod", "chown", "chtimes", "syncdir", "link".
	// File methods: "read", "readat", "write" (also WriteString),
	// "writeat", "seek", "readdir", "readdirnames", "fstat", "sync",
	// "truncate", "close". File.Name is not a call.
	Op string
	// Path is the name given to the Fs method, or the file's name for a
	// File method; for "rename" and "link" it is the old name.
	Path string
	// NewPath is the new name of "rename" and "link", else "".
	NewPath string
}

// FaultFs wraps an [afero.Fs] and every file it opens, records each call
// and fails the calls a test chose, with an error the test chose. It is
// the fault injector of pebble's errorfs for afero: a test runs code once
// to count its calls, then once per call k with call k failing, and checks
// that the code handles each failure.
//
// An injected error comes back as an [*fs.PathError] (an [*os.LinkError]
// for rename and link) with the call's op and path, wrapping the given
// error, so errors.Is(returned, injected) holds. A failed call does not
// reach the inner Fs: it has no effect.
//
// FaultFs implements [afero.Lstater], [tempfs.DirSyncer],
// [tempfs.HardLinker] and [tempfs.GuaranteeReporter] whatever the inner Fs
// is: Lstat falls back to Stat, SyncDir to opening the directory and
// syncing it through the wrapper (so the open, sync and close are calls
// that can fail), Link fails with an error wrapping
// [errors.ErrUnsupported], and Guarantees reports the inner Fs's or none
// missing.
//
// A FaultFs is safe for concurrent use as far as the inner Fs is; the
// index of concurrent calls follows the order in which they reached the
// wrapper.
type FaultFs struct {
	inner afero.Fs

	mu     sync.Mutex
	calls  []Call
	faults []fault
}

type fault struct {
	match func(Call) bool
	err   error
}

// NewFaultFs returns a FaultFs around inner that injects nothing yet.
func NewFaultFs(inner afero.Fs) *FaultFs {
	return &FaultFs{inner: inner}
}

// Inner returns the wrapped Fs.
func (f *FaultFs) Inner() afero.Fs { return f.inner }

// FailAt makes the call with Index k (counting from 0) fail with err.
func (f *FaultFs) FailAt(k int, err error) {
	f.FailWhen(func(c Call) bool { return c.Index == k }, err)
}

// FailFrom makes the call with Index k and every later call fail with
// err: the code under test sees a machine that stopped at call k, which is
// how a crash before call k is simulated.
func (f *FaultFs) FailFrom(k int, err error) {
	f.FailWhen(func(c Call) bool { return c.Index >= k }, err)
}

// FailWhen makes every call for which match returns true fail with err.
// match is called with the wrapper's lock held: it must not call the
// FaultFs. The first matching rule, in the order they were added, wins.
func (f *FaultFs) FailWhen(match func(c Call) bool, err error) {
	if match == nil {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fault{match: match, err: err})
}

// Calls returns a copy of the calls made so far, in order.
func (f *FaultFs) Calls() []Call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Call(nil), f.calls...)
}

// Count returns how many calls were made so far.
func (f *FaultFs) Count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// Reset forgets the recorded calls, so that indexes count from 0 again,
// and removes every fault rule.
func (f *FaultFs) Reset() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = nil
	f.faults = nil
}

// enter records a call and returns the error to inject, or nil.
func (f *FaultFs) enter(op, path, newPath string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := Call{Index: len(f.calls), Op: op, Path: path, NewPath: newPath}
	f.calls = append(f.calls, c)
	for _, ft := range f.faults {
		if ft.match(c) {
			if ft.err == nil {
				return errInjected
			}
			return ft.err
		}
	}
	return nil
}

// errInjected is injected by a rule added with a nil error.
var errInjected = errors.New("tempfstest: injected fault")

// check records an Fs call on path and returns the injected error as an
// *fs.PathError.
func (f *FaultFs) check(op, path string) error {
	if err := f.enter(op, path, ""); err != nil {
		return &fs.PathError{Op: op, Path: path, Err: err}
	}
	return nil
}

// RecordTemp passes tempfs's record of a temp name to the inner Fs, if it
// keeps one ([tempfs.TempRecorder]: NewFs's TestFs), so that a FaultFs over
// NewFs's Fs keeps its leak check whole. It is not a call and never fails.
func (f *FaultFs) RecordTemp(name string) {
	if r, ok := f.inner.(tempfs.TempRecorder); ok {
		r.RecordTemp(name)
	}
}

// Name returns "FaultFs(" + the inner Fs's name + ")".
func (f *FaultFs) Name() string { return "FaultFs(" + f.inner.Name() + ")" }

// StrictPOSIX reports whether the inner Fs keeps POSIX creation semantics
// ([tempfs.StrictFs]; the host OsFs does), so that tempfs takes the same
// path through a FaultFs as through the Fs it wraps. It is not a call.
func (f *FaultFs) StrictPOSIX() bool {
	switch inner := f.inner.(type) {
	case *afero.OsFs:
		return true
	case tempfs.StrictFs:
		return inner.StrictPOSIX()
	}
	return false
}

// Create calls the inner Create.
func (f *FaultFs) Create(name string) (afero.File, error) {
	if err := f.check("create", name); err != nil {
		return nil, err
	}
	return f.wrap(f.inner.Create(name))
}

// Mkdir calls the inner Mkdir.
func (f *FaultFs) Mkdir(name string, perm os.FileMode) error {
	if err := f.check("mkdir", name); err != nil {
		return err
	}
	return f.inner.Mkdir(name, perm)
}

// MkdirAll calls the inner MkdirAll.
func (f *FaultFs) MkdirAll(path string, perm os.FileMode) error {
	if err := f.check("mkdirall", path); err != nil {
		return err
	}
	return f.inner.MkdirAll(path, perm)
}

// Open calls the inner Open.
func (f *FaultFs) Open(name string) (afero.File, error) {
	if err := f.check("open", name); err != nil {
		return nil, err
	}
	return f.wrap(f.inner.Open(name))
}

// OpenFile calls the inner OpenFile.
func (f *FaultFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	if err := f.check("openfile", name); err != nil {
		return nil, err
	}
	return f.wrap(f.inner.OpenFile(name, flag, perm))
}

func (f *FaultFs) wrap(file afero.File, err error) (afero.File, error) {
	if err != nil {
		return nil, err
	}
	return &faultFile{fsys: f, file: file}, nil
}

// Remove calls the inner Remove.
func (f *FaultFs) Remove(name string) error {
	if err := f.check("remove", name); err != nil {
		return err
	}
	return f.inner.Remove(name)
}

// RemoveAll calls the inner RemoveAll.
func (f *FaultFs) RemoveAll(path string) error {
	if err := f.check("removeall", path); err != nil {
		return err
	}
	return f.inner.RemoveAll(path)
}

// Rename calls the inner Rename.
func (f *FaultFs) Rename(oldname, newname string) error {
	if err := f.enter("rename", oldname, newname); err != nil {
		return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: err}
	}
	return f.inner.Rename(oldname, newname)
}

// Stat calls the inner Stat.
func (f *FaultFs) Stat(name string) (os.FileInfo, error) {
	if err := f.check("stat", name); err != nil {
		return nil, err
	}
	return f.inner.Stat(name)
}

// LstatIfPossible calls the inner LstatIfPossible, or Stat if the inner
// Fs has none (and then reports false).
func (f *FaultFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	if err := f.check("lstat", name); err != nil {
		return nil, false, err
	}
	if l, ok := f.inner.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	fi, err := f.inner.Stat(name)
	return fi, false, err
}

// Chmod calls the inner Chmod.
func (f *FaultFs) Chmod(name string, mode os.FileMode) error {
	if err := f.check("chmod", name); err != nil {
		return err
	}
	return f.inner.Chmod(name, mode)
}

// Chown calls the inner Chown.
func (f *FaultFs) Chown(name string, uid, gid int) error {
	if err := f.check("chown", name); err != nil {
		return err
	}
	return f.inner.Chown(name, uid, gid)
}

// Chtimes calls the inner Chtimes.
func (f *FaultFs) Chtimes(name string, atime, mtime time.Time) error {
	if err := f.check("chtimes", name); err != nil {
		return err
	}
	return f.inner.Chtimes(name, atime, mtime)
}

// SyncDir makes the entries of directory name durable: with the inner
// Fs's SyncDir if it has one (one "syncdir" call), else by opening the
// directory through the wrapper and syncing it ("open", "sync", "close"
// calls), as tempfs does on a plain Fs. On Windows, where directories
// cannot be synced that way, the fallback only records the "syncdir" call.
func (f *FaultFs) SyncDir(name string) error {
	if ds, ok := f.inner.(tempfs.DirSyncer); ok {
		if err := f.check("syncdir", name); err != nil {
			return err
		}
		return ds.SyncDir(name)
	}
	if runtime.GOOS == "windows" {
		return f.check("syncdir", name)
	}
	d, err := f.Open(name)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// Link calls the inner Fs's Link; if it has none, Link fails with an
// [*os.LinkError] wrapping [errors.ErrUnsupported].
func (f *FaultFs) Link(oldname, newname string) error {
	if err := f.enter("link", oldname, newname); err != nil {
		return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: err}
	}
	if l, ok := f.inner.(tempfs.HardLinker); ok {
		return l.Link(oldname, newname)
	}
	return &os.LinkError{Op: "link", Old: oldname, New: newname, Err: errors.ErrUnsupported}
}

// Guarantees returns the inner Fs's [tempfs.Guarantees], or none missing
// if it does not report them. It is not a call.
func (f *FaultFs) Guarantees() tempfs.Guarantees {
	if g, ok := f.inner.(tempfs.GuaranteeReporter); ok {
		return g.Guarantees()
	}
	return tempfs.Guarantees{}
}

// Compile-time checks.
var (
	_ afero.Fs                 = (*FaultFs)(nil)
	_ afero.Lstater            = (*FaultFs)(nil)
	_ tempfs.DirSyncer         = (*FaultFs)(nil)
	_ tempfs.HardLinker        = (*FaultFs)(nil)
	_ tempfs.GuaranteeReporter = (*FaultFs)(nil)
	_ tempfs.StrictFs          = (*FaultFs)(nil)
)
