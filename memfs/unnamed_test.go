package memfs_test

import (
	"io"
	"io/fs"
	"reflect"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

var _ tempfs.UnnamedCreator = (*memfs.Fs)(nil)

// TestOpenUnnamed: a file with no name until linked, as O_TMPFILE: not
// listed, readable and writable, linked once under a new name (not over
// an existing one), never linkable with O_EXCL, freed at Close.
func TestOpenUnnamed(t *testing.T) {
	t.Parallel()
	fsys := memfs.New()
	require.NoError(t, fsys.Mkdir("/d", 0o755))

	f, err := fsys.OpenUnnamed("/d", 0o640, true)
	require.NoError(t, err)
	assert.Equal(t, "/d", f.Name())
	_, err = f.Write([]byte("data"))
	require.NoError(t, err)
	names, err := afero.ReadDir(fsys, "/d")
	require.NoError(t, err)
	assert.Empty(t, names, "no name before the link")

	require.NoError(t, afero.WriteFile(fsys, "/d/taken", []byte("x"), 0o600))
	assert.ErrorIs(t, fsys.LinkUnnamed(f, "/d/taken"), syscall.EEXIST)
	assert.ErrorIs(t, fsys.LinkUnnamed(f, "/d/taken"), fs.ErrExist)
	require.NoError(t, fsys.LinkUnnamed(f, "/d/named"))
	got, err := afero.ReadFile(fsys, "/d/named")
	require.NoError(t, err)
	assert.Equal(t, "data", string(got))
	fi, err := fsys.Stat("/d/named")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "perm minus umask 0o022")
	if v := reflect.ValueOf(fi.Sys()); v.Kind() == reflect.Pointer && v.Elem().FieldByName("Nlink").IsValid() {
		assert.EqualValues(t, 1, v.Elem().FieldByName("Nlink").Convert(reflect.TypeFor[int64]()).Int(), "one name")
	}
	require.NoError(t, f.(interface{ Chmod(fs.FileMode) error }).Chmod(0o600))
	fi, err = fsys.Stat("/d/named")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "fchmod of the open file")
	require.NoError(t, f.Close())
	got, err = afero.ReadFile(fsys, "/d/named")
	require.NoError(t, err)
	assert.Equal(t, "data", string(got), "a linked file outlives its handle")

	excl, err := fsys.OpenUnnamed("/d", 0o600, false)
	require.NoError(t, err)
	assert.ErrorIs(t, fsys.LinkUnnamed(excl, "/d/never"), syscall.ENOENT, "O_EXCL: never linkable")
	require.NoError(t, excl.Close())
	assert.ErrorIs(t, fsys.LinkUnnamed(excl, "/d/never"), syscall.ENOENT, "closed")

	_, err = fsys.OpenUnnamed("/d/taken", 0o600, true)
	assert.ErrorIs(t, err, syscall.ENOTDIR)
	_, err = fsys.OpenUnnamed("/missing", 0o600, true)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	other, err := memfs.New().OpenUnnamed("/", 0o600, true)
	require.NoError(t, err)
	assert.ErrorIs(t, fsys.LinkUnnamed(other, "/d/other"), fs.ErrInvalid, "a file of another Fs")
	require.NoError(t, other.Close())
}

// TestUnnamedWritesOnMemfs: tempfs runs its unnamed protocol on memfs: no
// temp name while a PendingFile is written, the new content after Commit,
// an existing target's mode kept, and a TempFileUnnamed file that is never
// listed.
func TestUnnamedWritesOnMemfs(t *testing.T) {
	t.Parallel()
	fsys := memfs.New()
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/old", []byte("old"), 0o600))
	require.NoError(t, fsys.Chmod("/d/old", 0o640))
	for _, name := range []string{"/d/old", "/d/new"} {
		p, err := tempfs.NewPendingFile(fsys, name)
		require.NoError(t, err)
		_, err = p.WriteString("new")
		require.NoError(t, err)
		names, err := dirNamesOf(fsys, "/d")
		require.NoError(t, err)
		assert.NotContains(t, names, "", name)
		for _, n := range names {
			assert.False(t, tempfs.IsTempName(n), "%s: temp name %s while writing", name, n)
		}
		require.NoError(t, p.Commit())
		got, err := afero.ReadFile(fsys, name)
		require.NoError(t, err)
		assert.Equal(t, "new", string(got))
	}
	fi, err := fsys.Stat("/d/old")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "the existing target's mode is kept")

	f, err := tempfs.TempFileUnnamed(fsys, "/d")
	require.NoError(t, err)
	_, err = io.WriteString(f, "scratch")
	require.NoError(t, err)
	names, err := dirNamesOf(fsys, "/d")
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"old", "new"}, names)
	require.NoError(t, f.Close())
}

func dirNamesOf(fsys afero.Fs, dir string) ([]string, error) {
	infos, err := afero.ReadDir(fsys, dir)
	names := make([]string, 0, len(infos))
	for _, fi := range infos {
		names = append(names, fi.Name())
	}
	return names, err
}
