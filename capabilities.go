package tempfs

import (
	"io"
	"io/fs"
	"time"

	"github.com/spf13/afero"
)

// The optional interfaces a backend implements to tell tempfs what it can
// do (hard links, durable directories, atomic replace without a rename,
// unnamed files, …). vfs.go's probe reads them, with the concrete afero
// types it knows, once per call.

// DirSyncer is an optional interface for an [afero.Fs] that can make the
// entries of a directory durable: after SyncDir returns nil, files created,
// removed or renamed in the directory survive power loss.
//
// tempfs calls it after renaming a file into place. An Fs that does not
// implement it gets the POSIX way instead: the directory is opened and its
// handle's Sync is called, which is a real fsync on [afero.OsFs] and on
// [afero.BasePathFs] over OsFs, and a no-op on [afero.MemMapFs] (which keeps
// nothing across a crash anyway). On Windows directories cannot be opened for
// syncing, so the generic way is a no-op there; NTFS journals the rename.
type DirSyncer interface {
	SyncDir(name string) error
}

// HardLinker is an optional interface for an [afero.Fs] that can create hard
// links. Link(oldname, newname) must fail with an error wrapping fs.ErrExist
// when newname exists, atomically. [File.PersistNoClobber] uses it to move a
// file into place without ever replacing an existing one. tempfs may call
// Link from many goroutines at once.
type HardLinker interface {
	Link(oldname, newname string) error
}

// Guarantees says which of the properties an atomic, durable write needs an
// Fs lacks. A nil field means the property holds; a non-nil one says what
// is missing and wraps [errors.ErrUnsupported].
type Guarantees struct {
	// AtomicReplace: Rename(old, new) replaces an existing new atomically.
	AtomicReplace error
	// Sync: File.Sync and directory sync make data durable.
	Sync error
}

// GuaranteeReporter is an optional interface for an [afero.Fs] that knows,
// before anything is written, that it lacks some [Guarantees] (an SFTP
// server without the posix-rename or fsync extensions). [WriteFile] and
// friends then fail at once with that error, unless the caller opted into
// the weaker guarantee. An Fs that does not implement it is taken to have
// them all, and a failing Rename or Sync fails the write when it happens.
// Guarantees may be called from many goroutines at once.
type GuaranteeReporter interface {
	Guarantees() Guarantees
}

// UnnamedCreator is an optional interface for an [afero.Fs] that can make a
// file with no name in a directory and give it a name later: Linux's
// open(dir, O_TMPFILE) and linkat(2). [TempFileUnnamed] uses it for a
// scratch file that nothing can open and a crash cannot leave behind, and
// atomic writes ([WriteFile], [WriteReader], [PendingFile]) use it so that
// their temp file has no name until it is complete and synced. tempfs has
// it built in for [afero.OsFs], [afero.BasePathFs] over OsFs and [RootFs]
// on Linux; a backend that implements it (a simulator, a memory Fs) gets
// the same protocol.
//
// OpenUnnamed opens a new regular file for reading and writing in the
// directory dir, with permission bits perm (before umask). With linkable
// false it can never get a name (O_EXCL). An error wrapping
// errors.ErrUnsupported (or syscall.EOPNOTSUPP, EISDIR or EINVAL, as
// open(2) refuses O_TMPFILE) makes tempfs use a named file instead, so an
// Fs that only sometimes can (per file system) just refuses; any other
// error fails the call, as the named protocol would. Closing the file
// frees it unless it was linked.
//
// LinkUnnamed gives f, a file of OpenUnnamed (linkable, still open), the
// name newname in the directory f was made in, failing with an error
// wrapping fs.ErrExist, atomically, if newname exists. f stays open and
// may be linked again under another name.
//
// Where the Fs keeps modes or owners, the files of OpenUnnamed must have
// Chmod(fs.FileMode) error and Chown(uid, gid int) error, as *os.File has:
// a write gives its unnamed temp file the target's mode through them.
// Both methods may be called from many goroutines at once.
type UnnamedCreator interface {
	OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error)
	LinkUnnamed(f afero.File, newname string) error
}

// StrictFs is an optional interface for an [afero.Fs] that keeps the
// POSIX semantics tempfs would otherwise check for itself: creating a file
// or directory in a missing parent fails with fs.ErrNotExist (and in a
// non-directory with an error), Mkdir of an existing name fails with
// fs.ErrExist, and Rename of a file onto a directory fails. If StrictPOSIX
// returns true, tempfs skips its Stat of the directory before creating in
// it, its Lstat before each Mkdir of a temp directory, and its Lstat of an
// atomic write's target: a round trip each on remote storage. [RootFs],
// tempfstest's CrashFs and sftpfs implement it; MemMapFs and CopyOnWriteFs
// must not. A type that embeds a StrictFs inherits its method: if it
// changes how files or directories are created or renamed, it must
// override StrictPOSIX too. StrictPOSIX may be called from many goroutines
// at once.
type StrictFs interface {
	StrictPOSIX() bool
}

// AtomicReplacer is an optional interface for an [afero.Fs] that replaces a
// file's whole content in one step without a temp name and a rename: an
// object store, where a PUT or a completed multipart upload makes the new
// object visible at once, while a rename is a copy and a delete. When an Fs
// offers it, [WriteFile], [WriteReader], [PendingFile] and
// [File.Persist] write through it instead of a temp file and a rename.
//
// Replace starts a new content for name with permission bits perm (where the
// Fs keeps them). Nothing written to the returned [Replacement] is visible
// until its Commit, which makes it name's content at once; with noClobber,
// Commit succeeds only if name does not exist at that moment, decided by the
// backend (else it fails with an error wrapping fs.ErrExist, and nothing
// changes). Replace may be called from many goroutines at once.
//
// tempfs checks the name first (empty, NUL, trailing separator, too long,
// sandbox escapes) but does not look at the target: that costs a request on
// remote storage, so refusing a target that cannot be replaced (a directory,
// syscall.EISDIR; a missing parent where the Fs has real directories,
// fs.ErrNotExist) is Replace's job, before anything is written. Persist of a
// [File] on such an Fs copies the file's content through Replace. The new
// content gets perm (the caller's, or the [WithPermissions] one): an
// existing name's mode and owner are not carried over, unlike on every
// other backend, since object stores do not enforce them and reading them
// would cost a request per write.
type AtomicReplacer interface {
	Replace(name string, perm fs.FileMode, noClobber bool) (Replacement, error)
}

// Replacement is a new content being written by an [AtomicReplacer]. Commit
// publishes it; Abort discards it and frees what it holds (an unfinished
// multipart upload), and does nothing after Commit or a second time. After a
// failed Write or Commit, the caller calls Abort. A Replacement is not safe
// for concurrent use.
type Replacement interface {
	io.Writer
	Commit() error
	Abort() error
}

// StaleSweeper is an optional interface for an [afero.Fs] whose crashed
// writers leave something other than temp files behind: an object store's
// unfinished multipart uploads, invisible to listings but kept (and billed)
// until aborted. [Sweep] calls SweepStale(dir, before) after removing dir's
// orphaned temp files: it frees what writers of names directly in dir
// started before the time given, and returns the names it freed (the
// targets, as paths of the Fs). It may be called from many goroutines at
// once.
type StaleSweeper interface {
	SweepStale(dir string, before time.Time) ([]string, error)
}

// TempRecorder is an optional interface for an [afero.Fs] that wants to
// know which of its names tempfs made as temporary: [CreateTemp],
// [MkdirTemp] (and so [NewFile], [NewDir], the scoped helpers) and the temp
// files of atomic writes call RecordTemp with the name right after creating
// it. tempfstest's NewFs uses it to report every temp file or directory a
// test leaves behind, wherever it is. It may be called from many
// goroutines at once.
type TempRecorder interface {
	RecordTemp(name string)
}

// FileOwner is an optional interface for the [fs.FileInfo] of an Fs that
// keeps numeric owners: Owner returns the owner and group that its Sys
// value holds, without making that value (which may cost the Fs an
// allocation). tempfs reads an owner through it where the FileInfo has
// it, through Sys otherwise (a *syscall.Stat_t, an SFTP FileStat). memfs's
// FileInfo implements it.
type FileOwner interface {
	Owner() (uid, gid int)
}
