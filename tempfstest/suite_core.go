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

// outcome is one way out of the function given to WithTempDir/File.
type outcome struct {
	name    string
	fnErr   error
	doPanic bool
}

var outcomes = []outcome{
	{"return", nil, false},
	{"error", errors.New("fn failed"), false},
	{"panic", nil, true},
}

// catch calls f and returns the value it panicked with, if any.
func catch(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func testWithTempDir(t *testing.T, b Backend) {
	fsys, _ := b.New(t)
	for _, oc := range outcomes {
		t.Run(oc.name, func(t *testing.T) {
			var seen string
			var err error
			panicVal := catch(func() {
				err = tempfs.WithTempDir(fsys, "scope-*", func(dir string) error {
					seen = dir
					require.NoError(t, fsys.Mkdir(filepath.Join(dir, "sub"), 0o700))
					for _, n := range []string{"a", "b", "sub/c"} {
						require.NoError(t, afero.WriteFile(fsys, filepath.Join(dir, n), []byte(n), 0o600))
					}
					if oc.doPanic {
						panic(oc)
					}
					return oc.fnErr
				})
			})
			require.NotEmpty(t, seen)
			if oc.doPanic {
				assert.Equal(t, oc, panicVal, "the panic value changed")
			} else {
				assert.Nil(t, panicVal)
			}
			if oc.fnErr != nil {
				assert.ErrorIs(t, err, oc.fnErr)
				assert.EqualError(t, err, oc.fnErr.Error(), "cleanup added an error")
			} else if !oc.doPanic {
				assert.NoError(t, err)
			}
			_, err = fsys.Stat(seen)
			assert.ErrorIs(t, err, fs.ErrNotExist, "temp dir left behind")
		})
	}
}

func testWithTempFile(t *testing.T, b Backend) {
	fsys, _ := b.New(t)
	for _, oc := range outcomes {
		for _, closeInFn := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/closeInFn=%v", oc.name, closeInFn), func(t *testing.T) {
				var seen string
				var err error
				panicVal := catch(func() {
					err = tempfs.WithTempFile(fsys, "scope-*.txt", func(f afero.File) error {
						seen = f.Name()
						_, werr := f.WriteString("written")
						require.NoError(t, werr)
						require.NoError(t, f.Sync())
						got, rerr := afero.ReadFile(fsys, f.Name())
						require.NoError(t, rerr)
						assert.Equal(t, "written", string(got))
						if closeInFn {
							require.NoError(t, f.Close())
						}
						if oc.doPanic {
							panic(oc)
						}
						return oc.fnErr
					})
				})
				require.NotEmpty(t, seen)
				if oc.doPanic {
					assert.Equal(t, oc, panicVal)
				} else {
					assert.Nil(t, panicVal)
				}
				if oc.fnErr != nil {
					assert.ErrorIs(t, err, oc.fnErr)
				} else if !oc.doPanic {
					assert.NoError(t, err)
				}
				_, err = fsys.Stat(seen)
				assert.ErrorIs(t, err, fs.ErrNotExist, "temp file left behind")
			})
		}
	}
}

func testRemoveAll(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	t.Run("read-only tree", func(t *testing.T) {
		root := filepath.Join(dir, "ro")
		MakeReadOnlyTree(t, fsys, root)
		require.NoError(t, tempfs.RemoveAll(fsys, root))
		_, err := fsys.Stat(root)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("missing", func(t *testing.T) {
		assert.NoError(t, tempfs.RemoveAll(fsys, filepath.Join(dir, "nothing-here")))
	})
	t.Run("empty path", func(t *testing.T) {
		checkErr(t, fsys, tempfs.RemoveAll(fsys, ""), fs.ErrInvalid)
	})
	t.Run("single file", func(t *testing.T) {
		f := filepath.Join(dir, "one")
		require.NoError(t, afero.WriteFile(fsys, f, nil, 0o400))
		require.NoError(t, tempfs.RemoveAll(fsys, f))
		_, err := fsys.Stat(f)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
}

// MakeReadOnlyTree creates at root a tree of 0o500 directories holding
// 0o400 files, which os.RemoveAll cannot remove as a non-root user.
func MakeReadOnlyTree(t testing.TB, fsys afero.Fs, root string) {
	t.Helper()
	for _, d := range []string{root, filepath.Join(root, "a"), filepath.Join(root, "a", "b")} {
		require.NoError(t, fsys.Mkdir(d, 0o700))
		for _, f := range []string{"f1", "f2"} {
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(d, f), []byte(f), 0o400))
		}
	}
	for _, d := range []string{filepath.Join(root, "a", "b"), filepath.Join(root, "a"), root} {
		require.NoError(t, fsys.Chmod(d, 0o500))
	}
}

func testHandles(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	t.Run("file close removes", func(t *testing.T) {
		f, err := tempfs.NewFile(fsys, dir, "h-*")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		_, err = fsys.Stat(f.Name())
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.NoError(t, f.Close(), "second Close")
	})
	t.Run("file keep", func(t *testing.T) {
		f, err := tempfs.NewFile(fsys, dir, "h-*")
		require.NoError(t, err)
		name := f.Keep()
		require.NoError(t, f.Close())
		_, err = fsys.Stat(name)
		assert.NoError(t, err)
		require.NoError(t, fsys.Remove(name))
	})
	t.Run("dir close removes", func(t *testing.T) {
		d, err := tempfs.NewDir(fsys, dir, "h-*")
		require.NoError(t, err)
		require.NoError(t, afero.WriteFile(fsys, filepath.Join(d.Name(), "x"), nil, 0o600))
		require.NoError(t, d.Close())
		_, err = fsys.Stat(d.Name())
		assert.ErrorIs(t, err, fs.ErrNotExist)
		assert.NoError(t, d.Close(), "second Close")
	})
	t.Run("dir keep", func(t *testing.T) {
		d, err := tempfs.NewDir(fsys, dir, "h-*")
		require.NoError(t, err)
		name := d.Keep()
		require.NoError(t, d.Close())
		fi, err := fsys.Stat(name)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	})
}

// testBadNames: names no backend can hold are refused the same way on
// every backend, before anything is touched.
func testBadNames(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	before := names(t, fsys, dir)
	nul := filepath.Join(dir, "a\x00b")
	_, err := tempfs.CreateTemp(fsys, nul, "x*")
	checkErr(t, fsys, err, fs.ErrInvalid)
	_, err = tempfs.MkdirTemp(fsys, nul, "x*")
	checkErr(t, fsys, err, fs.ErrInvalid)
	checkErr(t, fsys, tempfs.RemoveAll(fsys, nul), fs.ErrInvalid)
	_, err = tempfs.Sweep(fsys, nul, 0)
	checkErr(t, fsys, err, fs.ErrInvalid)
	_, err = tempfs.Sweep(fsys, "", 0)
	checkErr(t, fsys, err, fs.ErrInvalid)
	checkErr(t, fsys, tempfs.WriteFile(fsys, dir+string(filepath.Separator), []byte("x"), 0o600), fs.ErrInvalid)
	checkErr(t, fsys, tempfs.WriteFile(fsys, filepath.Join(dir, "f")+string(filepath.Separator), []byte("x"), 0o600), fs.ErrInvalid)
	checkErr(t, fsys, tempfs.WithTempDir(fsys, "x*", nil), fs.ErrInvalid)
	checkErr(t, fsys, tempfs.WithTempFile(fsys, "x*", nil), fs.ErrInvalid)
	assert.Equal(t, before, names(t, fsys, dir), "a refused call created something")
}
