package tempfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// rootFsCalls calls every method of fsys once and returns the errors by
// method name.
func rootFsCalls(fsys *tempfs.RootFs) map[string]error {
	errs := map[string]error{}
	_, errs["Create"] = fsys.Create("/x")
	_, errs["Open"] = fsys.Open("/x")
	_, errs["OpenFile"] = fsys.OpenFile("/x", os.O_RDONLY, 0)
	errs["Mkdir"] = fsys.Mkdir("/x", 0o755)
	errs["MkdirAll"] = fsys.MkdirAll("/x", 0o755)
	errs["Remove"] = fsys.Remove("/x")
	errs["RemoveAll"] = fsys.RemoveAll("/x")
	errs["Rename"] = fsys.Rename("/x", "/y")
	errs["Link"] = fsys.Link("/x", "/y")
	_, errs["Stat"] = fsys.Stat("/x")
	_, _, errs["LstatIfPossible"] = fsys.LstatIfPossible("/x")
	errs["Chmod"] = fsys.Chmod("/x", 0o600)
	errs["Chown"] = fsys.Chown("/x", 0, 0)
	errs["Chtimes"] = fsys.Chtimes("/x", time.Time{}, time.Time{})
	errs["SymlinkIfPossible"] = fsys.SymlinkIfPossible("y", "/x")
	_, errs["ReadlinkIfPossible"] = fsys.ReadlinkIfPossible("/x")
	errs["SyncDir"] = fsys.SyncDir("/x")
	return errs
}

func TestRootFsTempfs(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	dir, err := tempfs.TempDir(fsys)
	require.NoError(t, err)
	assert.Equal(t, string(filepath.Separator)+"tmp", dir)
	fi, err := os.Stat(filepath.Join(host, "tmp"))
	require.NoError(t, err, "the virtual /tmp is inside the root")
	assert.True(t, fi.IsDir())

	f, err := tempfs.CreateTemp(fsys, "", "x*.txt")
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(f.Name(), dir+string(filepath.Separator)), f.Name())
	require.NoError(t, f.Close())
	_, err = os.Stat(filepath.Join(host, f.Name()))
	assert.NoError(t, err)

	d, err := tempfs.MkdirTemp(fsys, "/", "d*")
	require.NoError(t, err)
	require.NoError(t, tempfs.WriteFile(fsys, filepath.Join(d, "target"), []byte("v1"), 0o644))
	require.NoError(t, tempfs.WriteFile(fsys, filepath.Join(d, "target"), []byte("v2"), 0o644))
	got, err := os.ReadFile(filepath.Join(host, d, "target"))
	require.NoError(t, err)
	assert.Equal(t, "v2", string(got))
	require.NoError(t, tempfs.RemoveAll(fsys, d))
	_, err = os.Stat(filepath.Join(host, d))
	assert.ErrorIs(t, err, fs.ErrNotExist)

	_, err = tempfs.CreateTemp(fsys, "/missing", "x*")
	assert.ErrorIs(t, err, fs.ErrNotExist, "strict: no parent created")
	assertVirtual(t, err, host)
	err = tempfs.WriteFile(fsys, "/missing/f", []byte("x"), 0o644)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assertVirtual(t, err, host)
	_, err = os.Stat(filepath.Join(host, "missing"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestRootFsConcurrent(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	const n = 32
	names := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			f, err := tempfs.CreateTemp(fsys, "/", "c*")
			if !assert.NoError(t, err) {
				return
			}
			names[i] = f.Name()
			_, err = f.WriteString(f.Name())
			assert.NoError(t, err)
			assert.NoError(t, f.Close())
		})
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, name := range names {
		assert.False(t, seen[name], "duplicate %s", name)
		seen[name] = true
		got, err := os.ReadFile(filepath.Join(host, name))
		require.NoError(t, err)
		assert.Equal(t, name, string(got))
	}
}

// TestBasePathFsTempfs checks that tempfs's own operations on a
// BasePathFs stay inside the base and never show the host path.
func TestBasePathFsTempfs(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	base := filepath.Join(parent, "001")
	require.NoError(t, os.Mkdir(base, 0o755))
	writeHost(t, filepath.Join(parent, "0012", "keep"), "x")
	bp := afero.NewBasePathFs(afero.NewOsFs(), base)

	dir, err := tempfs.TempDir(bp)
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(base, dir))
	require.NoError(t, err, "TempDir is the virtual /tmp, inside the base")
	assert.True(t, fi.IsDir())

	f, err := tempfs.CreateTemp(bp, "", "f*")
	require.NoError(t, err)
	assert.False(t, strings.HasPrefix(f.Name(), base), "Name is virtual: %s", f.Name())
	require.NoError(t, f.Close())
	_, err = os.Stat(filepath.Join(base, f.Name()))
	assert.NoError(t, err)
	d, err := tempfs.MkdirTemp(bp, "", "d*")
	require.NoError(t, err)
	_, err = os.Stat(filepath.Join(base, d))
	assert.NoError(t, err)
	errFn := errors.New("fn failed")
	var seen string
	err = tempfs.WithTempDir(bp, "w*", func(dir string) error {
		seen = dir
		_, err := os.Stat(filepath.Join(base, dir))
		assert.NoError(t, err, "the temp dir is inside the base")
		return errFn
	})
	assert.ErrorIs(t, err, errFn)
	_, err = os.Stat(filepath.Join(base, seen))
	assert.ErrorIs(t, err, fs.ErrNotExist, "removed")

	writeHost(t, filepath.Join(base, "file"), "x")
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"createtemp missing dir", errOf(tempfs.CreateTemp(bp, "/missing", "x*")), fs.ErrNotExist},
		{"createtemp dir is a file", errOf(tempfs.CreateTemp(bp, "/file", "x*")), syscall.ENOTDIR},
		{"mkdirtemp missing dir", errOf(tempfs.MkdirTemp(bp, "/missing", "x*")), fs.ErrNotExist},
		{"createtemp bad pattern", errOf(tempfs.CreateTemp(bp, "", "a/b")), fs.ErrInvalid},
		{"writefile missing dir", tempfs.WriteFile(bp, "/missing/f", nil, 0o644), fs.ErrNotExist},
		{"removeall empty name", tempfs.RemoveAll(bp, ""), fs.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.want)
			assertVirtual(t, tc.err, base, parent)
		})
	}
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.Equal(t, []string{"001", "0012"}, names, "nothing was created beside the base")
	keep, err := os.ReadDir(filepath.Join(parent, "0012"))
	require.NoError(t, err)
	assert.Len(t, keep, 1, "nothing was created in the sibling")
}

// errOf keeps the error of a two-result call.
func errOf[T any](_ T, err error) error { return err }

// TestSuiteRootFs runs the cross-backend suite on RootFs, in a work
// directory below the root so that the virtual /tmp is separate.
func TestSuiteRootFs(t *testing.T) {
	t.Parallel()
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name: "RootFs",
		New: func(t testing.TB) (afero.Fs, string) {
			fsys, _ := newRoot(t)
			return fsys, mkWorkDir(t, fsys, "/work")
		},
	})
}
