package tempfs_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// Issue 14.2: the In forms of the scoped helpers use the given dir, and
// leave nothing behind on a sandbox: no /tmp in the user's data root.
func TestScopedIn(t *testing.T) {
	t.Parallel()
	root, host := newRoot(t)
	base := t.TempDir()
	for name, fsys := range map[string]afero.Fs{
		"RootFs":           root,
		"BasePathFs(OsFs)": afero.NewBasePathFs(afero.NewOsFs(), base),
	} {
		t.Run(name, func(t *testing.T) {
			require.NoError(t, fsys.Mkdir("/data", 0o755))
			var seen string
			require.NoError(t, tempfs.WithTempDirIn(fsys, "/data", "job-*", func(dir string) error {
				seen = dir
				return afero.WriteFile(fsys, filepath.Join(dir, "f"), []byte("x"), 0o600)
			}))
			assert.Equal(t, "/data", filepath.Dir(seen))
			require.NoError(t, tempfs.WithTempFileIn(fsys, "/data", "up-*", func(f afero.File) error {
				seen = f.Name()
				_, err := f.WriteString("x")
				return err
			}))
			assert.Equal(t, "/data", filepath.Dir(seen))
			entries, err := afero.ReadDir(fsys, "/")
			require.NoError(t, err)
			require.Len(t, entries, 1, "only /data: no /tmp created")
			entries, err = afero.ReadDir(fsys, "/data")
			require.NoError(t, err)
			assert.Empty(t, entries)
			require.NoError(t, fsys.Remove("/data"))
		})
	}
	for _, h := range []string{host, base} {
		entries, err := os.ReadDir(h)
		require.NoError(t, err)
		assert.Empty(t, entries)
	}
}
