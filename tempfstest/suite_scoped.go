package tempfstest

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

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
