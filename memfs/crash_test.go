package memfs_test

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// The crash model is tested through tempfstest.CrashFs (which is a
// tracked memfs) by tempfstest's crash tests and the root package's crash
// matrices; these tests cover what only memfs has: its options, and the
// parts of the tree CrashFs's old model did not have.

func newTracked(t *testing.T) *memfs.Fs {
	t.Helper()
	return memfs.NewWith(memfs.Options{Umask: 0o022, UID: 1000, GID: 1000, TrackSync: true})
}

func crash(t *testing.T, fsys *memfs.Fs, retain float64) *memfs.Fs {
	t.Helper()
	img, err := fsys.Crash(memfs.CrashOptions{Retain: retain, Seed: 1})
	require.NoError(t, err)
	return img
}

func readFile(t *testing.T, fsys afero.Fs, name string) string {
	t.Helper()
	b, err := afero.ReadFile(fsys, name)
	require.NoError(t, err)
	return string(b)
}

func TestCrashNeedsTrackSync(t *testing.T) {
	t.Parallel()
	_, err := memfs.New().Crash(memfs.CrashOptions{})
	require.ErrorIs(t, err, memfs.ErrNotTracked)
	for _, opts := range []memfs.CrashOptions{{Retain: -0.5}, {Retain: 2}, {Sector: -1}} {
		_, err := newTracked(t).Crash(opts)
		assert.Error(t, err, "%+v", opts)
	}
}

// TestCrashRemoveAll: RemoveAll unlinks every entry, and until the
// directories are synced a crash may bring any of them back, with the data
// they had. (The untracked Fs drops a subtree at once; a tracked one must
// remember each removal.)
func TestCrashRemoveAll(t *testing.T) {
	t.Parallel()
	for _, open := range []bool{false, true} {
		fsys := newTracked(t)
		require.NoError(t, fsys.MkdirAll("/a/b/c", 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/a/b/c/f", []byte("synced"), 0o644))
		require.NoError(t, afero.WriteFile(fsys, "/a/g", []byte("g"), 0o644))
		fsys.SyncAll()
		if open { // an open handle takes RemoveAll off its fast path on memfs
			h, err := fsys.Open("/a/g")
			require.NoError(t, err)
			t.Cleanup(func() { h.Close() })
		}
		require.NoError(t, fsys.RemoveAll("/a"))

		img := crash(t, fsys, 0)
		assert.Equal(t, "synced", readFile(t, img, "/a/b/c/f"), "open=%v", open)
		assert.Equal(t, "g", readFile(t, img, "/a/g"))

		require.NoError(t, fsys.SyncDir("/"))
		img = crash(t, fsys, 0)
		_, err := img.Stat("/a")
		assert.ErrorIs(t, err, fs.ErrNotExist, "the root's sync makes the removal durable")
	}
}

// TestCrashRemoveAllPartly: with the top directory's removal synced away
// but not its children's, the image holds nothing; with only a child
// directory synced, the parent's removal is still unsynced and the
// subtree comes back without what the child lost.
func TestCrashRemoveAllPartly(t *testing.T) {
	t.Parallel()
	fsys := newTracked(t)
	require.NoError(t, fsys.MkdirAll("/a/b", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/a/b/f", []byte("f"), 0o644))
	require.NoError(t, afero.WriteFile(fsys, "/a/keep", []byte("k"), 0o644))
	fsys.SyncAll()
	b, err := fsys.Open("/a/b")
	require.NoError(t, err)
	defer b.Close()
	require.NoError(t, fsys.RemoveAll("/a"))
	require.NoError(t, b.Sync()) // the removed directory's own entries: durable
	img := crash(t, fsys, 0)
	names, err := afero.ReadDir(img, "/a/b")
	require.NoError(t, err)
	assert.Empty(t, names, "b's removal of f was synced")
	assert.Equal(t, "k", readFile(t, img, "/a/keep"), "a's removals were not")
}

// TestCrashRemovedFileData: a file removed before a crash comes back with
// its synced data, or with its unsynced data where that is kept, though no
// name refers to it any more in the Fs that crashed (and its memory could
// have been given to another file).
func TestCrashRemovedFileData(t *testing.T) {
	t.Parallel()
	fsys := newTracked(t)
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("old"), 0o644))
	fsys.SyncAll()
	h, err := fsys.OpenFile("/f", os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = h.WriteAt([]byte("new"), 0)
	require.NoError(t, err)
	require.NoError(t, h.Close())
	require.NoError(t, fsys.Remove("/f"))
	for range 10 {
		require.NoError(t, afero.WriteFile(fsys, "/x", []byte("xxx"), 0o644))
		require.NoError(t, fsys.Remove("/x"))
	}
	seen := map[string]int{}
	for seed := range uint64(64) {
		img, err := fsys.Crash(memfs.CrashOptions{Retain: 0.5, Seed: seed})
		require.NoError(t, err)
		b, err := afero.ReadFile(img, "/f")
		switch {
		case errors.Is(err, fs.ErrNotExist):
			seen["removed"]++
		case err != nil:
			t.Fatal(err)
		default:
			seen[string(b)]++
		}
	}
	for got := range seen {
		assert.Contains(t, []string{"removed", "old", "new"}, got)
	}
	assert.Len(t, seen, 3, "every outcome among 64 seeds: %v", seen)
	assert.Equal(t, "old", readFile(t, crash(t, fsys, 0), "/f"))
}

// TestCrashLinks: symbolic links and hard links in crash images: a link is
// durable with its name; hard links are one file, with their count.
func TestCrashLinks(t *testing.T) {
	t.Parallel()
	fsys := newTracked(t)
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("data"), 0o644))
	require.NoError(t, fsys.Link("/f", "/h"))
	require.NoError(t, fsys.SymlinkIfPossible("f", "/l"))
	fsys.SyncAll()
	require.NoError(t, fsys.SymlinkIfPossible("f", "/unsynced"))

	img := crash(t, fsys, 0)
	target, err := img.ReadlinkIfPossible("/l")
	require.NoError(t, err)
	assert.Equal(t, "f", target)
	assert.Equal(t, "data", readFile(t, img, "/l"))
	_, _, err = img.LstatIfPossible("/unsynced")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	fi, err := img.Stat("/h")
	require.NoError(t, err)
	_, nlink := links(fi)
	assert.EqualValues(t, 2, nlink, "two names")
	require.NoError(t, afero.WriteFile(img, "/h", []byte("both"), 0o644))
	assert.Equal(t, "both", readFile(t, img, "/f"))
	require.NoError(t, img.Remove("/f"))
	fi, err = img.Stat("/h")
	require.NoError(t, err)
	_, nlink = links(fi)
	assert.EqualValues(t, 1, nlink, "one name left")
}

// TestCrashUnnamed: an unnamed file is in a crash image once it is
// linked, synced and its directory synced, and not before.
func TestCrashUnnamed(t *testing.T) {
	t.Parallel()
	fsys := newTracked(t)
	h, err := fsys.OpenUnnamed("/", 0o600, true)
	require.NoError(t, err)
	defer h.Close()
	_, err = h.Write([]byte("new"))
	require.NoError(t, err)
	require.NoError(t, h.Sync())
	img := crash(t, fsys, 1)
	names, err := afero.ReadDir(img, "/")
	require.NoError(t, err)
	assert.Empty(t, names, "no name, nothing to find")
	require.NoError(t, fsys.LinkUnnamed(h, "/f"))
	_, err = crash(t, fsys, 0).Stat("/f")
	assert.ErrorIs(t, err, fs.ErrNotExist, "the directory is not synced")
	require.NoError(t, fsys.SyncDir("/"))
	assert.Equal(t, "new", readFile(t, crash(t, fsys, 0), "/f"))
}

// TestCrashImageIsAnFs: an image keeps the options (permissions bite for
// the non-root user), tracks syncs itself, and carries no open handle.
func TestCrashImageIsAnFs(t *testing.T) {
	t.Parallel()
	fsys := newTracked(t)
	require.NoError(t, fsys.Mkdir("/ro", 0o500))
	require.NoError(t, fsys.MkdirAll("/locked/in", 0o755))
	require.NoError(t, fsys.Chmod("/locked", 0o500))
	h, err := fsys.Create("/open")
	require.NoError(t, err)
	defer h.Close()
	fsys.SyncAll()

	img := crash(t, fsys, 0)
	fi, err := img.Stat("/ro")
	require.NoError(t, err)
	assert.Equal(t, fs.ModeDir|0o500, fi.Mode())
	_, err = img.Create("/ro/f")
	assert.ErrorIs(t, err, syscall.EACCES)
	err = img.RemoveAll("/locked")
	assert.ErrorIs(t, err, syscall.EACCES, "a restricted directory is walked, not dropped")
	_, err = img.Stat("/locked/in")
	assert.NoError(t, err)

	require.NoError(t, afero.WriteFile(img, "/new", []byte("x"), 0o644))
	again := crash(t, img, 0)
	_, err = again.Stat("/new")
	assert.ErrorIs(t, err, fs.ErrNotExist, "the image tracks syncs too")
	_, err = again.Stat("/open")
	assert.NoError(t, err)
}

// TestUntrackedKeepsNothing: without TrackSync, Sync and SyncDir keep
// nothing and cost nothing.
func TestUntrackedKeepsNothing(t *testing.T) {
	fsys := memfs.New()
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("data"), 0o644))
	h, err := fsys.Open("/f")
	require.NoError(t, err)
	defer h.Close()
	allocs := testing.AllocsPerRun(100, func() {
		if err := h.Sync(); err != nil {
			t.Fatal(err)
		}
		if err := fsys.SyncDir("/"); err != nil {
			t.Fatal(err)
		}
	})
	assert.Zero(t, allocs)
	_, err = fsys.Crash(memfs.CrashOptions{})
	assert.True(t, errors.Is(err, memfs.ErrNotTracked))
}
