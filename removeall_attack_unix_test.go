//go:build unix

package tempfs_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// sentinels is how many files the attack tries to reach outside the tree.
const sentinels = 40

// TestRemoveAllSwapAttack runs RemoveAll on a tree with a read-only
// subdirectory (so that os.RemoveAll fails and the walk runs) while a
// goroutine keeps swapping a subdirectory of the tree for a symbolic link
// to a directory outside it, and checks that the files out there are all
// still there, byte for byte. It runs for OsFs, BasePathFs over OsFs and
// RootFs, with the Linux descriptor walk and with the os.Root walk of the
// other systems. As root it re-runs itself as uid 65534, where permission
// bits bite.
func TestRemoveAllSwapAttack(t *testing.T) {
	if os.Getuid() == 0 {
		runAsNobody(t, "TestRemoveAllSwapAttack")
		return
	}
	calls := 5000
	if testing.Short() {
		calls = 60 // the quick loop; the full run (CI) makes 5,000
	}
	walks := []struct {
		name      string
		removeAll func(afero.Fs, string) error
	}{
		{"default", tempfs.RemoveAll},
		{"rootwalk", tempfs.RemoveAllRootWalkForTest},
	}
	backends := []struct {
		name string
		new  func(t *testing.T, base string) (fsys afero.Fs, tree string)
	}{
		{"OsFs", func(t *testing.T, base string) (afero.Fs, string) {
			return afero.NewOsFs(), filepath.Join(base, "tree")
		}},
		{"BasePathFs", func(t *testing.T, base string) (afero.Fs, string) {
			return afero.NewBasePathFs(afero.NewOsFs(), base), "/tree"
		}},
		{"RootFs", func(t *testing.T, base string) (afero.Fs, string) {
			r, err := tempfs.OpenRoot(base)
			require.NoError(t, err)
			t.Cleanup(func() { r.Close() })
			return r, "/tree"
		}},
	}
	for _, w := range walks {
		for _, b := range backends {
			t.Run(w.name+"/"+b.name, func(t *testing.T) {
				base := t.TempDir()
				fsys, tree := b.new(t, base)
				damaged := swapAttack(t, base, calls, func() error { return w.removeAll(fsys, tree) })
				assert.Zero(t, damaged, "calls that removed files outside the tree")
			})
		}
	}
}

// swapAttack makes base/tree and base/outside calls times and runs
// removeAll on the tree while a goroutine swaps base/tree/a for a link to
// base/outside. It returns how many calls removed something outside, and
// checks the outside files byte for byte at the end.
func swapAttack(t *testing.T, base string, calls int, removeAll func() error) (damaged int) {
	t.Helper()
	outside := filepath.Join(base, "outside")
	want := make(map[string][]byte, sentinels)
	require.NoError(t, os.Mkdir(outside, 0o700))
	for i := range sentinels {
		name := fmt.Sprintf("s%02d", i)
		want[name] = []byte("sentinel " + name)
	}
	restore := func() int {
		lost := 0
		for name, data := range want {
			p := filepath.Join(outside, name)
			if _, err := os.Lstat(p); err == nil {
				continue
			}
			lost++
			require.NoError(t, os.WriteFile(p, data, 0o600))
		}
		return lost
	}
	restore()
	tree := filepath.Join(base, "tree")
	for range calls {
		makeAttackTree(t, tree)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			swapLoop(tree, stop)
		}()
		_ = removeAll() // may fail: the swapper adds entries while it runs
		close(stop)
		wg.Wait()
		require.NoError(t, removeAll(), "RemoveAll with no swapper")
		_, err := os.Lstat(tree)
		require.ErrorIs(t, err, os.ErrNotExist, "tree left behind")
		if restore() > 0 {
			damaged++
		}
	}
	for name, data := range want {
		got, err := os.ReadFile(filepath.Join(outside, name))
		if assert.NoError(t, err) {
			assert.True(t, bytes.Equal(data, got), "%s changed", name)
		}
	}
	names, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Len(t, names, sentinels, "files in outside")
	fi, err := os.Stat(outside)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "mode of outside")
	return damaged
}

// makeAttackTree makes tree/a (swapped by the attacker) and tree/ro, a
// read-only directory holding a file, which os.RemoveAll cannot empty.
func makeAttackTree(t *testing.T, tree string) {
	t.Helper()
	for _, d := range []string{tree, filepath.Join(tree, "a"), filepath.Join(tree, "ro")} {
		require.NoError(t, os.Mkdir(d, 0o700))
	}
	for _, f := range []string{"a/f1", "a/f2", "ro/f", "z"} {
		require.NoError(t, os.WriteFile(filepath.Join(tree, f), nil, 0o600))
	}
	require.NoError(t, os.Chmod(filepath.Join(tree, "ro"), 0o500))
}

// swapLoop turns tree/a from a directory into a link to ../outside and
// back, as fast as it can, until stop is closed, keeping the link for a
// few system calls each time (the walk by name needs it to last from its
// Open of a to its Remove of a child). Errors are expected (the tree is
// being removed) and ignored.
func swapLoop(tree string, stop <-chan struct{}) {
	a, moved := filepath.Join(tree, "a"), filepath.Join(tree, "a.moved")
	outside := filepath.Join(filepath.Dir(tree), "outside")
	for {
		select {
		case <-stop:
			return
		default:
		}
		os.Mkdir(a, 0o700)
		os.Rename(a, moved)
		os.Symlink("../outside", a)
		for range 20 {
			os.Lstat(outside)
		}
		os.Remove(a) // the link
		os.Rename(moved, a)
		for range 20 {
			os.Lstat(outside)
		}
	}
}
