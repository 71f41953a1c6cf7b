package memfs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"reflect"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs/memfs"
)

// An adversarial review of Options.TrackSync and Fs.Crash: every call that
// changes a directory entry must leave the synced state as it was (a crash
// that keeps nothing unsynced gives the tree before the call), the current
// state as the call left it (a crash that keeps everything gives the tree
// after it), and, once synced, the new state.

// tb is what both *testing.T and *rapid.T are.
type tb interface {
	Helper()
	Errorf(format string, args ...any)
	FailNow()
}

// entry is one name in a tree, as a crash image must keep it.
type entry struct {
	kind  string // "d", "f", "l"
	mode  fs.FileMode
	data  string // a file's data, a link's target
	nlink uint64
	same  string // the first name (in a sorted walk) of the same file
}

// tree returns every name under / of fsys (whose directories must be
// readable) with its entry.
func tree(t tb, fsys *memfs.Fs) map[string]entry {
	t.Helper()
	out := map[string]entry{}
	first := map[uint64]string{}
	var walk func(dir string)
	walk = func(dir string) {
		infos, err := afero.ReadDir(fsys, dir)
		require.NoError(t, err, dir)
		for _, fi := range infos {
			name := path.Join(dir, fi.Name())
			ino, nlink := links(fi)
			if _, ok := first[ino]; !ok {
				first[ino] = name
			}
			e := entry{mode: fi.Mode(), nlink: nlink, same: first[ino]}
			switch {
			case fi.IsDir():
				e.kind = "d"
				walk(name)
			case fi.Mode()&fs.ModeSymlink != 0:
				e.kind = "l"
				e.data, err = fsys.ReadlinkIfPossible(name)
				require.NoError(t, err)
			default:
				e.kind = "f"
				e.data = readAll(t, fsys, name)
			}
			out[name] = e
		}
	}
	walk("/")
	return out
}

// readAll reads name through a handle opened read-only, or reports why it
// could not (a file the user may not read).
func readAll(t tb, fsys *memfs.Fs, name string) string {
	t.Helper()
	b, err := afero.ReadFile(fsys, name)
	if err != nil {
		return "error: " + err.Error()
	}
	return string(b)
}

// consistent fails unless the tree of fsys holds together: every file's
// link count is its number of names, every directory's is 2 plus its
// subdirectories, and every directory's ".." is the directory holding it.
func consistent(t tb, fsys *memfs.Fs) {
	t.Helper()
	names := map[uint64]uint64{}
	nlink := map[uint64]uint64{}
	var walk func(dir string, ino uint64)
	walk = func(dir string, ino uint64) {
		fi, err := fsys.Stat(dir + "/..")
		require.NoError(t, err)
		parent, _ := links(fi)
		require.Equal(t, ino, parent, "%s/.. is its parent", dir)
		self, err := fsys.Stat(dir)
		require.NoError(t, err)
		infos, err := afero.ReadDir(fsys, dir)
		require.NoError(t, err, dir)
		subdirs := uint64(0)
		for _, fi := range infos {
			if fi.IsDir() {
				subdirs++
				selfIno, _ := links(self)
				walk(path.Join(dir, fi.Name()), selfIno)
				continue
			}
			ino, n := links(fi)
			names[ino]++
			nlink[ino] = n
		}
		_, selfLinks := links(self)
		require.Equal(t, 2+subdirs, selfLinks, "link count of %s", dir)
	}
	root, err := fsys.Stat("/")
	require.NoError(t, err)
	rootIno, _ := links(root)
	walk("/", rootIno)
	for ino, n := range names {
		require.Equal(t, n, nlink[ino], "link count of inode %d", ino)
	}
}

func newReviewFs() *memfs.Fs {
	return memfs.NewWith(memfs.Options{Umask: 0o022, UID: 1000, GID: 1000, TrackSync: true})
}

// baseTree makes the tree every case starts from (not yet synced).
func baseTree(t *testing.T, fsys *memfs.Fs) {
	t.Helper()
	require.NoError(t, fsys.MkdirAll("/a/d", 0o755))
	require.NoError(t, fsys.Mkdir("/b", 0o755))
	require.NoError(t, fsys.Mkdir("/e", 0o755))
	for name, data := range map[string]string{"/a/f": "af", "/a/g": "ag", "/a/d/x": "adx", "/b/x": "bx", "/top": "top"} {
		require.NoError(t, afero.WriteFile(fsys, name, []byte(data), 0o644))
	}
	require.NoError(t, fsys.SymlinkIfPossible("a/f", "/s"))
	require.NoError(t, fsys.SymlinkIfPossible("/a/d", "/b/sd"))
}

func mustWrite(t *testing.T, fsys afero.Fs, name, data string, flag int) {
	t.Helper()
	h, err := fsys.OpenFile(name, flag, 0o644)
	require.NoError(t, err)
	_, err = h.Write([]byte(data))
	require.NoError(t, err)
	require.NoError(t, h.Close())
}

// keepOpen opens name and closes it at the end of the test.
func keepOpen(t *testing.T, fsys afero.Fs, name string) afero.File {
	t.Helper()
	h, err := fsys.OpenFile(name, os.O_RDWR, 0)
	require.NoError(t, err)
	t.Cleanup(func() { h.Close() })
	return h
}

// TestReviewEveryEntryChange: for every call that changes a directory
// entry (and a few that change data and modes), on a tracked non-root Fs
// synced before the call, Crash with Retain 0 gives the tree before the
// call, Retain 1 the tree after it, and after SyncAll Retain 0 gives the
// tree after it; with any Retain, each name in the image is one the tree
// had before or after, with the same type, and the image holds together.
func TestReviewEveryEntryChange(t *testing.T) {
	t.Parallel()
	const excl = os.O_WRONLY | os.O_CREATE | os.O_EXCL
	tests := []struct {
		name string
		prep func(t *testing.T, fsys *memfs.Fs) // before the sync
		op   func(t *testing.T, fsys *memfs.Fs)
	}{
		{"create", nil, func(t *testing.T, fsys *memfs.Fs) { mustWrite(t, fsys, "/a/new", "new", os.O_WRONLY|os.O_CREATE) }},
		{"create excl", nil, func(t *testing.T, fsys *memfs.Fs) { mustWrite(t, fsys, "/b/new", "new", excl) }},
		{"truncate", nil, func(t *testing.T, fsys *memfs.Fs) { mustWrite(t, fsys, "/a/f", "Z", os.O_WRONLY|os.O_TRUNC) }},
		{"create through a symlink", nil, func(t *testing.T, fsys *memfs.Fs) { mustWrite(t, fsys, "/b/sd/new", "new", excl) }},
		{"mkdir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Mkdir("/a/nd", 0o700)) }},
		{"mkdirall", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.MkdirAll("/a/p/q/r", 0o755)) }},
		{"symlink", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.SymlinkIfPossible("../top", "/a/sl")) }},
		{"link across dirs", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Link("/a/f", "/b/lf")) }},
		{"link a symlink", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Link("/s", "/b/ls")) }},
		{"unnamed linked", nil, func(t *testing.T, fsys *memfs.Fs) {
			h, err := fsys.OpenUnnamed("/a", 0o640, true)
			require.NoError(t, err)
			_, err = h.Write([]byte("unnamed"))
			require.NoError(t, err)
			require.NoError(t, h.Sync())
			require.NoError(t, fsys.LinkUnnamed(h, "/b/u"))
			require.NoError(t, h.Close())
		}},
		{"rename in a dir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/a/f2")) }},
		{"rename across dirs", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/b/f")) }},
		{"rename over a file", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/a/g")) }},
		{"rename over a file across dirs", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/b/x")) }},
		{"rename over a symlink", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/s")) }},
		{"rename a dir in a dir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/d", "/a/d2")) }},
		{"rename a dir across dirs", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/d", "/e/d")) }},
		{"rename a dir up", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/d", "/d")) }},
		{"rename a dir and its parent into it", nil, func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Rename("/a/d", "/d"))
			require.NoError(t, fsys.Rename("/a", "/d/a"))
		}},
		{"swap two dirs through a third name", nil, func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Rename("/a", "/tmp"))
			require.NoError(t, fsys.Rename("/e", "/a"))
			require.NoError(t, fsys.Rename("/tmp", "/e"))
		}},
		{"rename onto another name of itself", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Link("/a/f", "/b/lf"))
		}, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Rename("/a/f", "/b/lf")) }},
		{"rename there and back", nil, func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Rename("/a/f", "/b/f"))
			require.NoError(t, fsys.Rename("/b/f", "/a/f"))
		}},
		{"remove a file", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Remove("/a/f")) }},
		{"remove an empty dir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Remove("/e")) }},
		{"remove a symlink", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Remove("/b/sd")) }},
		{"remove one of two hard links", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Link("/a/f", "/b/lf"))
		}, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Remove("/a/f")) }},
		{"remove an open file and write to it", nil, func(t *testing.T, fsys *memfs.Fs) {
			h := keepOpen(t, fsys, "/a/f")
			require.NoError(t, fsys.Remove("/a/f"))
			_, err := h.WriteAt([]byte("after"), 0)
			require.NoError(t, err)
		}},
		{"removeall a file", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/a/f")) }},
		{"removeall a symlink to a dir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/b/sd")) }},
		{"removeall a tree", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/a")) }},
		{"removeall a tree with an open file", nil, func(t *testing.T, fsys *memfs.Fs) {
			keepOpen(t, fsys, "/a/d/x")
			require.NoError(t, fsys.RemoveAll("/a"))
		}},
		{"removeall a tree with a file linked out", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Link("/a/d/x", "/b/lx"))
		}, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/a")) }},
		{"removeall a tree, a restricted dir elsewhere", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Chmod("/e", 0o555))
		}, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/a")) }},
		{"removeall a tree with a restricted dir in it", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Chmod("/a/d", 0o555))
		}, func(t *testing.T, fsys *memfs.Fs) {
			// The slow path: /a/d/x cannot go, so neither can /a/d and /a.
			require.ErrorIs(t, fsys.RemoveAll("/a"), syscall.EACCES)
			_, err := fsys.Stat("/a/f")
			require.ErrorIs(t, err, fs.ErrNotExist)
		}},
		{"removeall a restricted empty dir in a tree", func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.Mkdir("/a/r", 0o555))
		}, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.RemoveAll("/a")) }},
		{"removeall, then the name reused", nil, func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.RemoveAll("/a"))
			require.NoError(t, fsys.MkdirAll("/a/d", 0o700))
			mustWrite(t, fsys, "/a/f", "again", excl)
		}},
		{"removeall two levels", nil, func(t *testing.T, fsys *memfs.Fs) {
			require.NoError(t, fsys.RemoveAll("/a/d"))
			require.NoError(t, fsys.RemoveAll("/a"))
		}},
		{"chmod a file", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Chmod("/a/f", 0o600)) }},
		{"chmod a dir", nil, func(t *testing.T, fsys *memfs.Fs) { require.NoError(t, fsys.Chmod("/a/d", 0o711)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := newReviewFs()
			baseTree(t, fsys)
			if tc.prep != nil {
				tc.prep(t, fsys)
			}
			fsys.SyncAll()
			before := tree(t, fsys)
			tc.op(t, fsys)
			after := tree(t, fsys)
			if tc.name == "rename onto another name of itself" || tc.name == "rename there and back" {
				require.Equal(t, before, after)
			} else {
				require.NotEqual(t, before, after, "the call changes nothing")
			}

			img := crash(t, fsys, 0)
			assert.Equal(t, before, tree(t, img), "retain 0: the tree before the call")
			consistent(t, img)
			img = crash(t, fsys, 1)
			assert.Equal(t, after, tree(t, img), "retain 1: the tree after the call")
			consistent(t, img)
			for seed := range uint64(32) {
				img, err := fsys.Crash(memfs.CrashOptions{Retain: 0.5, Seed: seed})
				require.NoError(t, err)
				consistent(t, img)
				for name, e := range tree(t, img) {
					b, inBefore := before[name]
					a, inAfter := after[name]
					ok := inBefore && b.kind == e.kind || inAfter && a.kind == e.kind
					assert.True(t, ok, "seed %d: %s (%s) is in neither tree", seed, name, e.kind)
				}
				again := crash(t, img, 0)
				assert.Equal(t, tree(t, img), tree(t, again), "an image is durable")
			}

			fsys.SyncAll()
			assert.Equal(t, after, tree(t, crash(t, fsys, 0)), "after SyncAll, retain 0: the tree after the call")
		})
	}
}

// heapInUse returns the bytes the heap holds after a full collection.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestReviewSyncGivesBackShrunkData: a file that was big and shrank holds
// no more than its size once synced: its data gives its memory back, and
// so does its synced copy (the old CrashFs copied the data at each sync).
// Not parallel: it measures the heap.
func TestReviewSyncGivesBackShrunkData(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const big = 16 << 20
	for _, track := range []bool{false, true} {
		for _, size := range []int64{10, 0} {
			t.Run(fmt.Sprintf("track=%v/truncate to %d", track, size), func(t *testing.T) {
				fsys := memfs.NewWith(memfs.Options{Root: true, TrackSync: track})
				base := heapInUse()
				h, err := fsys.OpenFile("/f", os.O_CREATE|os.O_RDWR, 0o644)
				require.NoError(t, err)
				defer h.Close()
				_, err = h.Write(make([]byte, big))
				require.NoError(t, err)
				require.NoError(t, h.Sync())
				require.Greater(t, heapInUse()-base, int64(big/2), "the data is held")
				require.NoError(t, h.Truncate(size))
				require.NoError(t, h.Sync())
				assert.Less(t, heapInUse()-base, int64(big/4), "a %d-byte file holds its 16 MiB", size)
				runtime.KeepAlive(fsys)
			})
		}
	}
}

// TestReviewTrackedMemoryBounded: a tracked Fs that keeps replacing and
// removing files, syncing as a careful program does (or never syncing the
// directory), holds no more than what its names refer to now and at the
// last sync: removed files are freed by the GC. Not parallel: it measures
// the heap.
func TestReviewTrackedMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const size = 1 << 20
	data := make([]byte, size)
	for _, tc := range []struct {
		name    string
		syncDir bool
	}{{"dir synced", true}, {"dir never synced", false}} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := newReviewFs()
			require.NoError(t, fsys.Mkdir("/d", 0o755))
			base := heapInUse()
			for i := range 64 {
				tmp := fmt.Sprintf("/d/tmp%d", i)
				h, err := fsys.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
				require.NoError(t, err)
				_, err = h.Write(data)
				require.NoError(t, err)
				require.NoError(t, h.Sync())
				require.NoError(t, h.Close())
				require.NoError(t, fsys.Rename(tmp, "/d/target"))
				require.NoError(t, afero.WriteFile(fsys, "/d/scratch", data, 0o644))
				require.NoError(t, fsys.Remove("/d/scratch"))
				if tc.syncDir {
					require.NoError(t, fsys.SyncDir("/d"))
				}
			}
			// At most: the target (data and synced copy), and what the
			// directory named at its last sync.
			assert.Less(t, heapInUse()-base, int64(8*size))
			runtime.KeepAlive(fsys)
		})
	}
}

// TestReviewConcurrentSyncCrash: goroutines create, write, sync, rename,
// link, remove and RemoveAll in shared directories while others sync them
// and crash the Fs; under -race no race, and every image holds together
// and is itself a tracked Fs that crashes again to the same tree.
func TestReviewConcurrentSyncCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("stress: 4 writers, a syncer and a crasher on one tree; skipped with -short")
	}
	t.Parallel()
	const rounds = 200
	fsys := newReviewFs()
	require.NoError(t, fsys.MkdirAll("/shared/sub", 0o755))
	fsys.SyncAll()
	images := make(chan *memfs.Fs, rounds)
	errs := make(chan error, 64)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				dir := fmt.Sprintf("/shared/w%d", w)
				tmp := fmt.Sprintf("/shared/tmp%d", w)
				ops := []func() error{
					func() error { return fsys.MkdirAll(dir+"/x", 0o755) },
					func() error {
						h, err := fsys.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
						if err != nil {
							return err
						}
						defer h.Close()
						if _, err := h.Write([]byte(fmt.Sprint(w, i))); err != nil {
							return err
						}
						return h.Sync()
					},
					func() error { return fsys.Rename(tmp, "/shared/target") },
					func() error { return fsys.Link("/shared/target", dir+"/x/link") },
					func() error { return fsys.SyncDir("/shared") },
					func() error { return fsys.RemoveAll(dir) },
					func() error { return fsys.Rename("/shared/sub", dir+"/sub") },
					func() error { return fsys.Rename(dir+"/sub", "/shared/sub") },
				}
				for _, op := range ops {
					if err := op(); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrExist) {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range rounds {
			fsys.SyncAll()
			d, err := fsys.Open("/shared")
			if err != nil {
				errs <- err
				return
			}
			if err := d.Sync(); err != nil {
				errs <- err
			}
			d.Close()
		}
	}()
	go func() {
		defer wg.Done()
		for i := range rounds {
			img, err := fsys.Crash(memfs.CrashOptions{Retain: float64(i%3) / 2, Seed: uint64(i)})
			if err != nil {
				errs <- err
				return
			}
			images <- img
		}
	}()
	wg.Wait()
	close(errs)
	close(images)
	for err := range errs {
		t.Error(err)
	}
	n, shapes := 0, map[int]bool{}
	for img := range images {
		if n++; n%5 != 0 {
			continue
		}
		consistent(t, img)
		tr := tree(t, img)
		shapes[len(tr)] = true
		assert.Equal(t, tr, tree(t, crash(t, img, 0)))
	}
	assert.Equal(t, rounds, n)
	assert.Greater(t, len(shapes), 2, "the images saw the tree change")
}

// TestReviewTrackedRapid: random calls on a tracked non-root Fs with
// symbolic links, hard links, unnamed files, permissions and open files.
// Crash with Retain 1 always gives the tree as it is; with Retain 0, while
// nothing but SyncAll has synced, the tree as the last SyncAll left it;
// every image, with any Retain, holds together and crashes again to
// itself.
func TestReviewTrackedRapid(t *testing.T) {
	t.Parallel()
	names := []string{"/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/z", "/b/y", "/s"}
	rapid.Check(t, func(rt *rapid.T) {
		fsys := newReviewFs()
		var handles []afero.File
		defer func() {
			for _, h := range handles {
				h.Close()
			}
		}()
		if rapid.Bool().Draw(rt, "populated") {
			// Start from a durable tree, with synced entries to lose.
			require.NoError(rt, fsys.Mkdir("/a", 0o755))
			require.NoError(rt, fsys.Mkdir("/b", 0o755))
			for _, n := range []string{"/a/x", "/a/y", "/b/x"} {
				require.NoError(rt, afero.WriteFile(fsys, n, []byte("synced "+n), 0o644))
			}
			require.NoError(rt, fsys.SymlinkIfPossible("a", "/s"))
			fsys.SyncAll()
		}
		synced := tree(rt, fsys) // the tree at the last SyncAll
		onlySyncAll := true      // nothing else synced since
		name := rapid.SampledFrom(names)
		ops := map[string]func(*rapid.T){
			"create": func(rt *rapid.T) {
				flag := rapid.SampledFrom([]int{os.O_RDWR | os.O_CREATE, os.O_WRONLY | os.O_CREATE | os.O_TRUNC, os.O_RDWR}).Draw(rt, "flag")
				h, err := fsys.OpenFile(name.Draw(rt, "name"), flag, rapid.SampledFrom([]fs.FileMode{0o644, 0o600, 0o444}).Draw(rt, "perm"))
				if err == nil {
					handles = append(handles, h)
				}
			},
			"unnamed": func(rt *rapid.T) {
				h, err := fsys.OpenUnnamed(rapid.SampledFrom([]string{"/", "/a"}).Draw(rt, "dir"), 0o640, true)
				if err == nil {
					handles = append(handles, h)
				}
			},
			"handle": func(rt *rapid.T) {
				if len(handles) == 0 {
					rt.Skip("no handle")
				}
				i := rapid.IntRange(0, len(handles)-1).Draw(rt, "handle")
				h := handles[i]
				switch rapid.IntRange(0, 4).Draw(rt, "what") {
				case 0:
					_, _ = h.WriteAt([]byte("data"+fmt.Sprint(i)), rapid.Int64Range(0, 600).Draw(rt, "off"))
				case 1:
					_ = h.Truncate(rapid.Int64Range(0, 700).Draw(rt, "size"))
				case 2:
					_ = h.Sync()
					onlySyncAll = false
				case 3:
					_ = fsys.LinkUnnamed(h, name.Draw(rt, "name"))
				case 4:
					require.NoError(rt, h.Close())
					handles = slices.Delete(handles, i, i+1)
				}
			},
			"mkdir": func(rt *rapid.T) {
				_ = fsys.Mkdir(name.Draw(rt, "name"), rapid.SampledFrom([]fs.FileMode{0o755, 0o555, 0o500}).Draw(rt, "perm"))
			},
			"symlink": func(rt *rapid.T) {
				_ = fsys.SymlinkIfPossible(rapid.SampledFrom([]string{"a", "/b/x", "../a", "x", "nowhere"}).Draw(rt, "target"), name.Draw(rt, "name"))
			},
			"link": func(rt *rapid.T) {
				_ = fsys.Link(name.Draw(rt, "from"), name.Draw(rt, "to"))
			},
			"rename": func(rt *rapid.T) {
				_ = fsys.Rename(name.Draw(rt, "from"), name.Draw(rt, "to"))
			},
			"remove": func(rt *rapid.T) {
				_ = fsys.Remove(name.Draw(rt, "name"))
			},
			"removeAll": func(rt *rapid.T) {
				_ = fsys.RemoveAll(name.Draw(rt, "name"))
			},
			"chmod": func(rt *rapid.T) {
				n := name.Draw(rt, "name")
				fi, _, err := fsys.LstatIfPossible(n)
				if err != nil || fi.Mode()&fs.ModeSymlink != 0 {
					return // (a link's target could be a directory)
				}
				perms := []fs.FileMode{0o644, 0o600, 0o444}
				if fi.IsDir() { // readable, so that the tree can be walked
					perms = []fs.FileMode{0o755, 0o555, 0o500, 0o700}
				}
				_ = fsys.Chmod(n, rapid.SampledFrom(perms).Draw(rt, "perm"))
			},
			"syncdir": func(rt *rapid.T) {
				_ = fsys.SyncDir(rapid.SampledFrom(append([]string{"/"}, names...)).Draw(rt, "name"))
				onlySyncAll = false
			},
			"syncAll": func(rt *rapid.T) {
				fsys.SyncAll()
				synced, onlySyncAll = tree(rt, fsys), true
			},
			"crash": func(rt *rapid.T) {
				for _, h := range handles {
					h.Close()
				}
				handles = nil
				img, err := fsys.Crash(memfs.CrashOptions{Retain: rapid.SampledFrom([]float64{0, 0.5, 1}).Draw(rt, "retain"), Seed: rapid.Uint64().Draw(rt, "seed")})
				require.NoError(rt, err)
				fsys = img
				synced, onlySyncAll = tree(rt, fsys), true
			},
			"": func(rt *rapid.T) {
				cur := tree(rt, fsys)
				if got := tree(rt, crashR(rt, fsys, 1)); !assert.Equal(rt, cur, got, "retain 1") {
					rt.FailNow()
				}
				if onlySyncAll {
					if got := tree(rt, crashR(rt, fsys, 0)); !assert.Equal(rt, synced, got, "retain 0") {
						rt.FailNow()
					}
				}
				img, err := fsys.Crash(memfs.CrashOptions{Retain: 0.5, Seed: rapid.Uint64().Draw(rt, "seed")})
				require.NoError(rt, err)
				consistent(rt, img)
				require.Equal(rt, tree(rt, img), tree(rt, crashR(rt, img, 0)))
			},
		}
		rt.Repeat(ops)
	})
}

func crashR(t *rapid.T, fsys *memfs.Fs, retain float64) *memfs.Fs {
	img, err := fsys.Crash(memfs.CrashOptions{Retain: retain, Seed: 1})
	require.NoError(t, err)
	return img
}

// links returns the inode number and link count that fi.Sys reports: a
// *syscall.Stat_t on Unix, a *memfs.Stat elsewhere (so that the tests
// build on every platform).
func links(fi fs.FileInfo) (ino, nlink uint64) {
	v := reflect.ValueOf(fi.Sys()).Elem()
	return asUint(v.FieldByName("Ino")), asUint(v.FieldByName("Nlink"))
}

func asUint(v reflect.Value) uint64 {
	if v.CanInt() {
		return uint64(v.Int())
	}
	return v.Uint()
}
