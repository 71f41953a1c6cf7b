package tempfstest

import (
	"os"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

// CrashFs is an in-memory [afero.Fs] that tracks durability like a real
// disk, to test what survives a power loss; its model is pebble's strict
// vfs.MemFS with CrashClone. It is a [memfs.Fs] made with
// [memfs.Options.TrackSync], acting as root: one in-memory model, so
// that what a test sees on CrashFs it sees on memfs and on the disk.
//
// Each file keeps its current data and mode and their synced versions;
// each directory keeps its current entries (a name and the file,
// directory or symbolic link it points to) and mode, and their synced
// versions. [afero.File.Sync] on a file makes its data, size and mode
// durable; Sync on an opened directory, or [memfs.Fs.SyncDir], makes the
// directory's entries and mode durable. Nothing else does: unlike ext4,
// syncing a new file does not make its name durable, syncing a directory
// does not make its files' data or mode durable, and a Chmod after the
// last sync may be lost. A new file or directory has its creation mode
// durably once its name is. Unsynced data survives a crash in 512-byte
// sectors, so an unsynced overwrite, even of less than a page, can come
// back torn. [CrashFs.Crash] returns the Fs a machine would find after
// power loss; [memfs.Fs.SyncAll] makes everything durable, to set up the
// state a crash starts from.
//
// Apart from durability, CrashFs behaves as memfs does, like the disk
// under package os on Linux: O_EXCL is atomic; Rename replaces a file
// atomically and refuses an existing directory as the target
// (syscall.EEXIST, as os.Rename checks), a directory onto a file
// (syscall.ENOTDIR) and a directory into itself (syscall.EINVAL); Mkdir
// of an existing name fails with fs.ErrExist; creating in a missing parent
// fails with fs.ErrNotExist; Remove of a non-empty directory fails with
// syscall.ENOTEMPTY; symbolic links and hard links work as on the disk; an
// open file reads, writes, seeks and WriteAts like an [os.File]. Errors are
// [*fs.PathError] (or [*os.LinkError] for rename and link) wrapping the
// syscall.Errno os returns. As root, it records permission bits and owners
// but does not enforce them; it applies no umask (a new file gets the mode
// asked for). Modification times are kept as they are at the crash.
//
// Every operation on a name, and every sync, costs the same however many
// other files the Fs or the directory holds; listing a directory,
// SyncAll and Crash grow with what they cover. A CrashFs is safe for
// concurrent use.
type CrashFs struct {
	// Fs is the memfs that holds the files and their durable state.
	*memfs.Fs
}

// CrashOptions say what of the unsynced state a [CrashFs.Crash] keeps: the
// probability that each unsynced change survives (Retain), the seed of
// the random choices, and the size of the unit that a crash never tears.
type CrashOptions = memfs.CrashOptions

// CrashSectorSize is the default unit in which unsynced file data
// survives a crash: a disk sector, the largest write that disks are
// commonly trusted to make atomically.
const CrashSectorSize = memfs.CrashSectorSize

// NewCrashFs returns an empty CrashFs: a root directory, durable, with
// nothing in it.
func NewCrashFs() *CrashFs {
	return &CrashFs{memfs.NewWith(memfs.Options{
		Root:      true,
		UID:       max(os.Getuid(), 0),
		GID:       max(os.Getgid(), 0),
		TrackSync: true,
	})}
}

// Name returns "CrashFs".
func (c *CrashFs) Name() string { return "CrashFs" }

// Crash returns a new CrashFs holding what survived a power loss of c at
// this moment: synced state, plus what opts.Retain keeps of the rest (see
// [memfs.Fs.Crash]). In the new Fs everything is durable. c itself is
// unchanged and stays usable; its open files are not carried over. Crash
// returns an error if opts.Retain is not within [0, 1] or opts.Sector is
// negative. It is safe for concurrent use.
func (c *CrashFs) Crash(opts CrashOptions) (*CrashFs, error) {
	img, err := c.Fs.Crash(opts)
	if err != nil {
		return nil, err
	}
	return &CrashFs{img}, nil
}

var (
	_ afero.Fs              = (*CrashFs)(nil)
	_ afero.Symlinker       = (*CrashFs)(nil)
	_ tempfs.HardLinker     = (*CrashFs)(nil)
	_ tempfs.DirSyncer      = (*CrashFs)(nil)
	_ tempfs.UnnamedCreator = (*CrashFs)(nil)
	_ tempfs.StrictFs       = (*CrashFs)(nil)
)
