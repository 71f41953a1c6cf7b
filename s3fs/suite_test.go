package s3fs_test

import (
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/s3fs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestSuite runs tempfs's cross-backend suite on s3fs against versitygw.
// Each test gets a fresh bucket; its directory is /work (a marker).
// S3 keeps permission bits but does not enforce them
// (IgnoresPermissions); every create is several requests, so the
// Uniqueness test makes 8 x 100 names, not 8 x 2,000 (OpsPerWorker); it has no symbolic links, so the suite's symlink
// test skips itself (s3fs.Fs is no afero.Symlinker), and no hard links.
func TestSuite(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name: "S3",
		New: func(t testing.TB) (afero.Fs, string) {
			fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
			require.NoError(t, fsys.Mkdir("/work", 0o755))
			return fsys, "/work"
		},
		IgnoresPermissions: true,
		OpsPerWorker:       100,
	})
}
