// Package memfs is an in-memory [afero.Fs] that behaves like a local disk
// under Linux: what a test sees on it, it would see on the disk.
//
// Unlike [afero.MemMapFs], an [Fs] keeps a tree of directories (so every
// operation costs the same however many files the rest of the Fs holds) and
// follows what the [os] package does on Linux for a non-root user:
//
//   - O_CREATE|O_EXCL and Rename are atomic: one lock orders every change
//     of the tree, with no check-then-act.
//   - Rename replaces a file atomically; as [os.Rename] does, it refuses an
//     existing directory as the target with syscall.EEXIST and a directory
//     into its own subtree with syscall.EINVAL. Remove refuses a non-empty
//     directory (syscall.ENOTEMPTY); Mkdir refuses an existing name.
//   - Permission bits are enforced for the user the Fs acts as (write to a
//     0o400 file, create in a 0o500 directory, list a 0o300 directory all
//     fail with syscall.EACCES), unless [Options.Root] is set. New files and
//     directories get their mode minus the umask ([Options.Umask], 0o022 by
//     default).
//   - Symbolic links, relative and absolute, followed as the kernel does
//     (syscall.ELOOP after 40 links); Lstat does not follow them. Hard links
//     ([Fs.Link]) share their data and count their links.
//   - An open file stays readable and writable after it is removed or
//     renamed over. Its data is freed when no name and no handle refer to it.
//   - Files read, write, seek, append, truncate and ReadAt/WriteAt exactly
//     as an [*os.File]; directories page through Readdir(n) and ReadDir(n).
//
// Errors are [*fs.PathError] (or [*os.LinkError] for rename, link and
// symlink) with the op names of package os, wrapping the [syscall.Errno]
// that os returns for the same call on Linux, so errors.Is(err,
// syscall.ENOTEMPTY) and errors.Is(err, fs.ErrExist) match as they do on the
// disk. Names are slash-separated (on Windows, backslashes are taken as
// slashes); a relative name starts at the root.
//
// Nothing is durable, and Sync and [Fs.SyncDir] return at once, unless
// the Fs is made with [Options.TrackSync]: then it keeps what each sync
// made durable, as a disk does, and [Fs.Crash] returns what a power loss
// would leave (the crash model of tempfstest.CrashFs). An Fs is safe for
// concurrent use by many goroutines; a [File] handle too, like an
// [*os.File]. See docs/memfs.md for what is and is not modelled.
package memfs

import (
	"io/fs"
	"os"
	"sync"
	"sync/atomic"

	"github.com/spf13/afero"
)

// Options configure an [Fs] made by [NewWith]. The zero value is a
// non-root user with uid and gid 0 and no umask; [New] gives the usual
// umask 0o022 and the process's own uid and gid.
type Options struct {
	// Umask is cleared from the permission bits of every file and
	// directory created, as the process umask is by the kernel.
	Umask fs.FileMode
	// Root makes the Fs act as the superuser: permission bits are
	// recorded and reported but not enforced, and Chown may give files
	// away.
	Root bool
	// UID and GID are the user and group the Fs acts as: the owner of new
	// files, and the identity permission bits are checked against.
	UID, GID int
	// TrackSync makes the Fs keep, beside each file's and directory's
	// current state, what its last sync made durable, as a disk does, so
	// that [Fs.Crash] can tell what survives a power loss: [File.Sync] on
	// a file makes its data and mode durable, Sync on an open directory
	// or [Fs.SyncDir] its entries and mode, and nothing else does (see
	// Crash). Without it nothing is durable and nothing needs to be. A
	// sync then costs a copy of the file's data, and the data of a removed
	// file is kept for the GC rather than reused.
	TrackSync bool
}

// Fs is the in-memory file system. Make one with [New] or [NewWith]; the
// zero Fs is not usable. It is safe for concurrent use.
type Fs struct {
	opts Options
	// mu guards the tree: every node's fields, every directory's entries.
	mu      sync.RWMutex
	root    *node
	nextIno uint64
	bufs    buffers
	clock   clock // the times files are stamped with; guarded by mu
	// What RemoveAll must walk a subtree for, counted so that it need
	// not when there is none: directories the user may not read, write
	// and search (restricted), links beyond the first of files
	// (extraLinks), open handles (opens).
	restricted, extraLinks int
	opens                  atomic.Int64
}

// New returns an empty Fs (a root directory with mode 0o755) acting as a
// non-root user with the process's uid and gid and umask 0o022, even when
// the process runs as root.
func New() *Fs {
	return NewWith(Options{Umask: 0o022, UID: max(os.Getuid(), 0), GID: max(os.Getgid(), 0)})
}

// NewWith returns an empty Fs (a root directory with mode 0o755, owned by
// opts.UID and opts.GID) configured by opts.
func NewWith(opts Options) *Fs {
	f := &Fs{opts: opts}
	f.opts.Umask &= fs.ModePerm
	f.root = f.newNode(fs.ModeDir | 0o755)
	f.root.parent = f.root
	return f
}

// Name returns "memfs".
func (f *Fs) Name() string { return "memfs" }

// StrictPOSIX returns true: an Fs keeps POSIX creation and rename
// semantics (tempfs's StrictFs).
func (f *Fs) StrictPOSIX() bool { return true }

var (
	_ afero.Fs        = (*Fs)(nil)
	_ afero.Symlinker = (*Fs)(nil)
	_ afero.File      = (*File)(nil)
)

func pathErr(op, name string, err error) error {
	return &fs.PathError{Op: op, Path: name, Err: err}
}

func linkErr(op, oldname, newname string, err error) error {
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
}

// newNode returns a node of the given type and mode, owned by the Fs's
// user. f.mu must be held for writing (or the node not yet shared).
func (f *Fs) newNode(mode fs.FileMode) *node {
	n := new(node)
	f.initNode(n, mode)
	return n
}

// initNode makes n a new node of the given type and mode. f.mu held for
// writing.
func (f *Fs) initNode(n *node, mode fs.FileMode) {
	f.nextIno++
	n.mode, n.uid, n.gid, n.ino, n.nlink = mode, uint32(f.opts.UID), uint32(f.opts.GID), f.nextIno, 1
	n.mtime = f.clock.now()
	n.atime = n.mtime
	if mode.IsDir() {
		n.children = newEntries()
		n.nlink = 2
	}
	if f.opts.TrackSync {
		f.track(n)
	}
}

// Access bits for may.
const (
	mayExec  = 1
	mayWrite = 2
	mayRead  = 4
)

// owns reports whether the Fs's user may change n's mode and times: its
// owner, or root. f.mu held.
func (f *Fs) owns(n *node) bool {
	return f.opts.Root || n.uid == uint32(f.opts.UID)
}

// may reports whether the Fs's user may access n as want says. f.mu held.
func (f *Fs) may(n *node, want fs.FileMode) bool {
	if f.opts.Root {
		return true
	}
	perm := n.mode.Perm()
	switch {
	case n.uid == uint32(f.opts.UID):
		perm >>= 6
	case n.gid == uint32(f.opts.GID):
		perm >>= 3
	}
	return perm&want == want
}
