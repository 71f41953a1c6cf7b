package memfs_test

import (
	"io/fs"
	"os"
	"path"
	"reflect"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs/memfs"
)

// Tests of Options.TrackSync and Fs.Crash (from an adversarial review): every call that
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

func newTrackedFs() *memfs.Fs {
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
