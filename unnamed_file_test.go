package tempfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// TestNewUnnamedFile: a File with no name until persisted (where the Fs
// has unnamed files): PersistNoClobber onto an existing name fails and
// hands the file back, still unnamed and writable; onto a new name it
// gives the file that name; Persist replaces an existing target; nothing
// is left behind. On the refusing Fs it is a named File with the same
// outcomes.
func TestNewUnnamedFile(t *testing.T) {
	t.Parallel()
	for _, b := range unnamedBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, host := b.new(t)
			_, refusing := fsys.(*refuseUnnamedFs)
			require.NoError(t, os.WriteFile(filepath.Join(host, "existing"), []byte("old"), 0o600))

			f, err := tempfs.NewUnnamedFile(fsys, dir)
			require.NoError(t, err)
			_, err = f.Write([]byte("data"))
			require.NoError(t, err)
			if !refusing {
				assert.Empty(t, f.Name(), "no name yet")
				assert.Equal(t, []string{"existing"}, dirNames(t, host), "nothing named in the directory")
			}
			err = f.PersistNoClobber(filepath.Join(dir, "existing"))
			require.ErrorIs(t, err, fs.ErrExist)
			_, err = f.Write([]byte("+more"))
			require.NoError(t, err, "handed back, still writable")
			require.NoError(t, f.PersistNoClobber(filepath.Join(dir, "a")))
			assert.Equal(t, filepath.Join(dir, "a"), f.Name())
			require.NoError(t, f.Close())
			got, err := os.ReadFile(filepath.Join(host, "a"))
			require.NoError(t, err)
			assert.Equal(t, "data+more", string(got))

			g, err := tempfs.NewUnnamedFile(fsys, dir)
			require.NoError(t, err)
			_, err = g.Write([]byte("new"))
			require.NoError(t, err)
			require.NoError(t, g.Persist(filepath.Join(dir, "existing")))
			require.NoError(t, g.Close())
			got, err = os.ReadFile(filepath.Join(host, "existing"))
			require.NoError(t, err)
			assert.Equal(t, "new", string(got))

			h, err := tempfs.NewUnnamedFile(fsys, dir)
			require.NoError(t, err)
			require.NoError(t, h.Close(), "Close frees a file never persisted")
			assert.ElementsMatch(t, []string{"a", "existing"}, dirNames(t, host), "nothing left behind")
		})
	}
}
