package tempfstest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

func coreTests() []suiteTest {
	return []suiteTest{
		{"CreateTemp", testCreateTemp},
		{"MkdirTemp", testMkdirTemp},
		{"PatternRefused", testPatternRefused},
		{"MissingDir", testMissingDir},
		{"DirIsFile", testDirIsFile},
		{"Uniqueness", testUniqueness},
		{"TempDir", testTempDir},
		{"WithTempDir", testWithTempDir},
		{"WithTempFile", testWithTempFile},
		{"RemoveAll", testRemoveAll},
		{"Handles", testHandles},
		{"BadNames", testBadNames},
	}
}

// checkErr asserts that err is the caller's error: a *fs.PathError or
// *os.LinkError that wraps target (if not nil) and shows no host path of a
// BasePathFs sandbox.
func checkErr(t *testing.T, fsys afero.Fs, err error, target error) {
	t.Helper()
	require.Error(t, err)
	var pe *fs.PathError
	var le *os.LinkError
	assert.True(t, errors.As(err, &pe) || errors.As(err, &le), "error %q (%T) is neither *fs.PathError nor *os.LinkError", err, err)
	if target != nil {
		assert.ErrorIs(t, err, target)
	}
	if bp, ok := fsys.(*afero.BasePathFs); ok {
		host, rerr := bp.RealPath("/")
		require.NoError(t, rerr)
		assert.NotContains(t, err.Error(), host, "error shows the sandbox's host path")
	}
}

// names lists dir's entries, sorted.
func names(t *testing.T, fsys afero.Fs, dir string) []string {
	t.Helper()
	d, err := fsys.Open(dir)
	require.NoError(t, err)
	defer d.Close()
	n, err := d.Readdirnames(-1)
	require.NoError(t, err)
	slices.Sort(n)
	return n
}

func testCreateTemp(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	for _, tc := range []struct{ name, pattern, prefix, suffix string }{
		{"no star", "data", "data", ""},
		{"star", "pre-*.txt", "pre-", ".txt"},
		{"last star", "a*b*c", "a*b", "c"},
		{"empty", "", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := tempfs.CreateTemp(fsys, dir, tc.pattern)
			require.NoError(t, err)
			t.Cleanup(func() { f.Close(); fsys.Remove(f.Name()) })
			assert.Equal(t, filepath.Clean(dir), filepath.Dir(f.Name()))
			base := filepath.Base(f.Name())
			assert.True(t, strings.HasPrefix(base, tc.prefix), "%q lacks prefix %q", base, tc.prefix)
			assert.True(t, strings.HasSuffix(base, tc.suffix), "%q lacks suffix %q", base, tc.suffix)
			assert.Len(t, base, len(tc.prefix)+13+len(tc.suffix))

			_, err = f.WriteString("hello")
			require.NoError(t, err)
			_, err = f.Seek(0, io.SeekStart)
			require.NoError(t, err)
			got, err := io.ReadAll(f)
			require.NoError(t, err)
			assert.Equal(t, "hello", string(got))

			fi, err := fsys.Stat(f.Name())
			require.NoError(t, err)
			assert.True(t, fi.Mode().IsRegular())
			assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
		})
	}
}

func testMkdirTemp(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	name, err := tempfs.MkdirTemp(fsys, dir, "d-*-x")
	require.NoError(t, err)
	assert.Equal(t, filepath.Clean(dir), filepath.Dir(name))
	base := filepath.Base(name)
	assert.True(t, strings.HasPrefix(base, "d-") && strings.HasSuffix(base, "-x"), base)
	fi, err := fsys.Stat(name)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm())
	assert.Empty(t, names(t, fsys, name))
}

// badPatterns are refused by os.CreateTemp too (or could not make a name).
var badPatterns = []string{"a/b", "../evil*", "/abs", "x/", "nul\x00byte", strings.Repeat("l", 300)}

func testPatternRefused(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	for _, p := range badPatterns {
		t.Run(fmt.Sprintf("%.20q", p), func(t *testing.T) {
			before := names(t, fsys, dir)
			parent := names(t, fsys, filepath.Dir(dir))
			f, err := tempfs.CreateTemp(fsys, dir, p)
			assert.Nil(t, f)
			checkErr(t, fsys, err, nil)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "createtemp", pe.Op)
			assert.Equal(t, p, pe.Path)

			_, err = tempfs.MkdirTemp(fsys, dir, p)
			checkErr(t, fsys, err, nil)
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "mkdirtemp", pe.Op)

			assert.Equal(t, before, names(t, fsys, dir), "something was created")
			assert.Equal(t, parent, names(t, fsys, filepath.Dir(dir)), "something was created outside")
		})
	}
}

func testMissingDir(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	missing := filepath.Join(dir, "missing", "deeper")
	_, err := tempfs.CreateTemp(fsys, missing, "f*")
	checkErr(t, fsys, err, fs.ErrNotExist)
	_, err = tempfs.MkdirTemp(fsys, missing, "d*")
	checkErr(t, fsys, err, fs.ErrNotExist)
	_, err = tempfs.NewFile(fsys, missing, "")
	checkErr(t, fsys, err, fs.ErrNotExist)
	assert.Empty(t, names(t, fsys, dir), "a missing parent was created")
}

func testDirIsFile(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	file := filepath.Join(dir, "file")
	require.NoError(t, afero.WriteFile(fsys, file, []byte("x"), 0o600))
	_, err := tempfs.CreateTemp(fsys, file, "f*")
	checkErr(t, fsys, err, nil)
	_, err = tempfs.MkdirTemp(fsys, file, "d*")
	checkErr(t, fsys, err, nil)
	fi, err := fsys.Stat(file)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the file became something else")
}

// testUniqueness: 8 goroutines x 2,000 CreateTemp and MkdirTemp in one
// directory give 32,000 distinct names and no error (200 each under -short).
func testUniqueness(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	const workers = 8
	each := 2000
	if b.OpsPerWorker > 0 {
		each = b.OpsPerWorker
	}
	if testing.Short() {
		each = min(each, 200)
	}
	var (
		mu   sync.Mutex
		seen = make(map[string]bool, 2*workers*each)
		errs []error
		wg   sync.WaitGroup
	)
	for range workers {
		wg.Go(func() {
			local := make([]string, 0, 2*each)
			for range each {
				f, err := tempfs.CreateTemp(fsys, dir, "u-*")
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				local = append(local, f.Name())
				f.Close()
				d, err := tempfs.MkdirTemp(fsys, dir, "u-*")
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
					return
				}
				local = append(local, d)
			}
			mu.Lock()
			for _, n := range local {
				seen[filepath.Base(n)] = true
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	require.Empty(t, errs)
	assert.Len(t, seen, 2*workers*each)
	assert.Len(t, names(t, fsys, dir), 2*workers*each)
}

func testTempDir(t *testing.T, b Backend) {
	fsys, _ := b.New(t)
	dir, err := tempfs.TempDir(fsys)
	require.NoError(t, err)
	fi, err := fsys.Stat(dir)
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	if _, host := fsys.(*afero.OsFs); host {
		assert.Equal(t, os.TempDir(), dir)
	} else {
		assert.Equal(t, string(filepath.Separator)+"tmp", dir)
	}

	f, err := tempfs.CreateTemp(fsys, "", "empty-dir-*")
	require.NoError(t, err)
	defer fsys.Remove(f.Name())
	defer f.Close()
	assert.Equal(t, dir, filepath.Dir(f.Name()))
	d, err := tempfs.MkdirTemp(fsys, "", "empty-dir-*")
	require.NoError(t, err)
	defer fsys.Remove(d)
	assert.Equal(t, dir, filepath.Dir(d))
}
