package tempfstest_test

import (
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestSuiteCrashFs runs the whole cross-backend suite on the crash
// simulator: it must behave as a faithful Fs, not only track durability.
func TestSuiteCrashFs(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name:               "CrashFs",
		IgnoresPermissions: true,
		New: func(t testing.TB) (afero.Fs, string) {
			fsys := tempfstest.NewCrashFs()
			require.NoError(t, fsys.MkdirAll("/work", 0o700))
			return fsys, "/work"
		},
	})
}
