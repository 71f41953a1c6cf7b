package tempfs_test

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// memBackends are the in-memory backends of the cross-backend suite.
func memBackends() []tempfstest.Backend {
	return []tempfstest.Backend{
		{
			Name:               "MemMapFs",
			IgnoresPermissions: true,
			New: func(t testing.TB) (afero.Fs, string) {
				fsys := afero.NewMemMapFs()
				return fsys, mkWorkDir(t, fsys, "/work")
			},
		},
		{
			Name: "memfs",
			New: func(t testing.TB) (afero.Fs, string) {
				fsys := memfs.New()
				return fsys, mkWorkDir(t, fsys, "/work")
			},
		},
		{
			Name:               "BasePathFs(MemMapFs)",
			IgnoresPermissions: true,
			New: func(t testing.TB) (afero.Fs, string) {
				src := afero.NewMemMapFs()
				fsys := afero.NewBasePathFs(src, mkWorkDir(t, src, "/sandbox/base"))
				return fsys, mkWorkDir(t, fsys, "/work")
			},
		},
	}
}

func TestSuiteMem(t *testing.T) {
	for _, b := range memBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			tempfstest.RunSuite(t, b)
		})
	}
}

// mkWorkDir creates dir in fsys for a test.
func mkWorkDir(t testing.TB, fsys afero.Fs, dir string) string {
	t.Helper()
	if err := fsys.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}
