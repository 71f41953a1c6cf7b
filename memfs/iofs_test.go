package memfs_test

import (
	"path"
	"testing"
	"testing/fstest"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// TestIOFS runs the standard library's file system checker on an Fs seen
// through afero's io/fs adapter: listings whole and in pages agree, files
// read and seek as fs.File promises, and fs.ReadDir is sorted even though
// memfs lists in creation order.
func TestIOFS(t *testing.T) {
	fsys := memfs.New()
	files := []string{"z/last.txt", "a/b/c.txt", "m.txt", "a/first.txt", "a/b/d/e.txt", "k/empty-dir-sibling.txt"}
	for i, name := range files {
		require.NoError(t, fsys.MkdirAll("/"+path.Dir(name), 0o755))
		require.NoError(t, afero.WriteFile(fsys, "/"+name, []byte(name[:i+1]), 0o644))
	}
	require.NoError(t, fsys.Mkdir("/empty", 0o755))
	// Make and remove names so that creation order and name order differ
	// and the directory holds removed names.
	for _, name := range []string{"/a/zz", "/a/aa", "/a/mm"} {
		require.NoError(t, afero.WriteFile(fsys, name, nil, 0o644))
	}
	require.NoError(t, fsys.Remove("/a/aa"))
	require.NoError(t, fstest.TestFS(afero.NewIOFS(fsys), append(files, "empty", "a/zz", "a/mm")...))
}
