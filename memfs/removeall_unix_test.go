//go:build unix

package memfs_test

import (
	"io/fs"
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
