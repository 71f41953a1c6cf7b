package memfs_test

import (
	"fmt"
	"io/fs"
	"os"
	"slices"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs/memfs"
)

// TestTrackedRapid: random calls on a tracked non-root Fs with
// symbolic links, hard links, unnamed files, permissions and open files.
// Crash with Retain 1 always gives the tree as it is; with Retain 0, while
// nothing but SyncAll has synced, the tree as the last SyncAll left it;
// every image, with any Retain, holds together and crashes again to
// itself.
func TestTrackedRapid(t *testing.T) {
	t.Parallel()
	names := []string{"/a", "/b", "/a/x", "/a/y", "/b/x", "/a/x/z", "/b/y", "/s"}
	rapid.Check(t, func(rt *rapid.T) {
		fsys := newTrackedFs()
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
