//go:build unix

package memfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// TestRemoveAllKeepsCounts checks what RemoveAll's fast path must still
// get right: a hard link outside the tree, an open file inside it, and a
// restricted directory inside it.
func TestRemoveAllKeepsCounts(t *testing.T) {
	nlink := func(t *testing.T, fi fs.FileInfo) uint64 {
		st, ok := fi.Sys().(*syscall.Stat_t)
		require.True(t, ok, "Sys is a *syscall.Stat_t")
		return uint64(st.Nlink)
	}
	t.Run("hard link outside", func(t *testing.T) {
		fsys := memfs.New()
		require.NoError(t, fsys.MkdirAll("/t/d", 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/t/d/f", []byte("x"), 0o644))
		require.NoError(t, fsys.Link("/t/d/f", "/outside"))
		require.NoError(t, fsys.RemoveAll("/t"))
		fi, err := fsys.Stat("/outside")
		require.NoError(t, err)
		assert.Equal(t, uint64(1), nlink(t, fi))
	})
	t.Run("open file inside", func(t *testing.T) {
		fsys := memfs.New()
		require.NoError(t, fsys.MkdirAll("/t/d", 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/t/d/f", []byte("x"), 0o644))
		f, err := fsys.Open("/t/d/f")
		require.NoError(t, err)
		defer f.Close()
		require.NoError(t, fsys.RemoveAll("/t"))
		fi, err := f.Stat()
		require.NoError(t, err)
		assert.Equal(t, uint64(0), nlink(t, fi))
	})
	t.Run("restricted directory inside", func(t *testing.T) {
		fsys := memfs.New()
		require.NoError(t, fsys.MkdirAll("/t/ro", 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/t/ro/f", []byte("x"), 0o644))
		require.NoError(t, fsys.Chmod("/t/ro", 0o500))
		err := fsys.RemoveAll("/t")
		assert.ErrorIs(t, err, syscall.EACCES)
		_, err = fsys.Stat("/t/ro/f")
		assert.NoError(t, err, "what permissions protect stays")
		require.NoError(t, fsys.Chmod("/t/ro", 0o700))
		require.NoError(t, fsys.RemoveAll("/t"))
		_, err = fsys.Stat("/t")
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}

// TestRemoveAllUnremovableEntry checks the error RemoveAll gives for an
// entry of a directory the user may not write, as os (Go 1.26) does on
// Linux: a symbolic link fails as "openfdat" (os opens it as a directory,
// learns it is a link, and reports the unlink's error so), a file as
// "unlinkat". The differential test found the difference as uid 65534;
// run as a non-root user, this test also checks os itself.
func TestRemoveAllUnremovableEntry(t *testing.T) {
	type result struct {
		op, path string
		errno    error
	}
	cases := []struct {
		name  string
		setup func(t *testing.T, fsys afero.Fs, dir string)
		want  result
	}{
		{"symlink", func(t *testing.T, fsys afero.Fs, dir string) {
			require.NoError(t, fsys.(afero.Linker).SymlinkIfPossible("l", dir+"/l"))
		}, result{"openfdat", "d/l", syscall.EACCES}},
		{"file", func(t *testing.T, fsys afero.Fs, dir string) {
			require.NoError(t, afero.WriteFile(fsys, dir+"/f", nil, 0o600))
		}, result{"unlinkat", "d/f", syscall.EACCES}},
	}
	run := func(t *testing.T, fsys afero.Fs, root string, setup func(*testing.T, afero.Fs, string)) result {
		dir := root + "/d"
		require.NoError(t, fsys.Mkdir(dir, 0o700))
		setup(t, fsys, dir)
		require.NoError(t, fsys.Chmod(dir, 0o500))
		t.Cleanup(func() { _ = fsys.Chmod(dir, 0o700) })
		err := fsys.RemoveAll(dir)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe)
		// The last two elements: os's path is the parent's name, a
		// separator and the rest ("//d/l" for a parent "/"), memfs's too.
		return result{pe.Op, filepath.Base(filepath.Dir(pe.Path)) + "/" + filepath.Base(pe.Path), pe.Err}
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, run(t, memfs.New(), "", c.setup), "memfs")
			if os.Getuid() == 0 {
				return // root ignores permission bits on disk
			}
			assert.Equal(t, c.want, run(t, afero.NewOsFs(), t.TempDir(), c.setup), "os")
		})
	}
}

// TestRemoveAllRoot: RemoveAll of the root does what os does on a disk
// (os splits "/" into "." and "/"): everything in the root that may go
// goes, and removing the root itself fails with EBUSY.
func TestRemoveAllRoot(t *testing.T) {
	for _, name := range []string{"/", "///"} {
		fsys := memfs.New()
		require.NoError(t, fsys.MkdirAll("/a/b", 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/f", []byte("x"), 0o644))
		err := fsys.RemoveAll(name)
		var pe *fs.PathError
		require.ErrorAs(t, err, &pe, name)
		assert.Equal(t, "unlinkat", pe.Op)
		assert.ErrorIs(t, err, syscall.EBUSY)
		names, err := afero.ReadDir(fsys, "/")
		require.NoError(t, err)
		assert.Empty(t, names, "%s: the root is emptied", name)
	}

	fsys := memfs.New() // not root: a directory it may not empty stays
	require.NoError(t, fsys.MkdirAll("/locked/in", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("x"), 0o644))
	require.NoError(t, fsys.Chmod("/locked", 0o500))
	err := fsys.RemoveAll("/")
	assert.ErrorIs(t, err, syscall.EACCES)
	_, err = fsys.Stat("/locked/in")
	assert.NoError(t, err)
	_, err = fsys.Stat("/f")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
