package memfs_test

import (
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// TestCrashEveryEntryChange: for every call that changes a directory
// entry (and a few that change data and modes), on a tracked non-root Fs
// synced before the call, Crash with Retain 0 gives the tree before the
// call, Retain 1 the tree after it, and after SyncAll Retain 0 gives the
// tree after it; with any Retain, each name in the image is one the tree
// had before or after, with the same type, and the image holds together.
func TestCrashEveryEntryChange(t *testing.T) {
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
			fsys := newTrackedFs()
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
