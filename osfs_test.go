package tempfs_test

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// osBackends are the host-disk backends of the cross-backend suite, each in
// a fresh t.TempDir().
func osBackends() []tempfstest.Backend {
	return []tempfstest.Backend{
		{
			Name: "OsFs",
			New: func(t testing.TB) (afero.Fs, string) {
				return afero.NewOsFs(), t.TempDir()
			},
		},
		{
			Name: "BasePathFs(OsFs)",
			New: func(t testing.TB) (afero.Fs, string) {
				base := t.TempDir()
				fsys := afero.NewBasePathFs(afero.NewOsFs(), base)
				return fsys, mkWorkDir(t, fsys, "/work")
			},
		},
	}
}

func TestSuiteOs(t *testing.T) {
	for _, b := range osBackends() {
		t.Run(b.Name, func(t *testing.T) {
			t.Parallel()
			tempfstest.RunSuite(t, b)
		})
	}
}
