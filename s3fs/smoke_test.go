package s3fs_test

import (
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"
	"github.com/tempfs-go/tempfs/s3fs"
)

func TestSmoke(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
	require.NoError(t, fsys.Mkdir("/d", 0o700))
	require.NoError(t, afero.WriteFile(fsys, "/d/f", []byte("hi"), 0o600))
	b, err := afero.ReadFile(fsys, "/d/f")
	require.NoError(t, err)
	require.Equal(t, "hi", string(b))
	fi, err := fsys.Stat("/d")
	require.NoError(t, err)
	t.Log(fi.Mode(), fi.IsDir())
	fi, err = fsys.Stat("/d/f")
	require.NoError(t, err)
	t.Log(fi.Mode(), fi.Size())
	d, _ := fsys.Open("/")
	n, err := d.Readdirnames(-1)
	t.Log(n, err)
	r, err := fsys.Replace("/d/g", 0o600, true)
	require.NoError(t, err)
	_, err = r.Write(make([]byte, 12<<20))
	require.NoError(t, err)
	require.NoError(t, r.Commit())
	fi, err = fsys.Stat("/d/g")
	require.NoError(t, err)
	t.Log(fi.Mode(), fi.Size())
	r, err = fsys.Replace("/d/g", 0o600, true)
	require.NoError(t, err)
	_, err = r.Write(make([]byte, 12<<20))
	require.NoError(t, err)
	t.Log(r.Commit())
	require.NoError(t, fsys.RemoveAll("/d"))
	d, _ = fsys.Open("/")
	n, err = d.Readdirnames(-1)
	t.Log(n, err)
}
