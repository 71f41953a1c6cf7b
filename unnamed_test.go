package tempfs_test

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// refuseUnnamedFs is an OsFs whose file system refuses unnamed files, as
// one without O_TMPFILE does: OpenUnnamed fails with EOPNOTSUPP. It counts
// the attempts and the named temp files created, to show which protocol
// ran.
type refuseUnnamedFs struct {
	afero.Fs
	tried, named atomic.Int32
}

func (f *refuseUnnamedFs) OpenUnnamed(dir string, _ fs.FileMode, _ bool) (afero.File, error) {
	f.tried.Add(1)
	return nil, &fs.PathError{Op: "open", Path: dir, Err: syscall.EOPNOTSUPP}
}

func (f *refuseUnnamedFs) LinkUnnamed(_ afero.File, newname string) error {
	return &fs.PathError{Op: "link", Path: newname, Err: fs.ErrInvalid}
}

func (f *refuseUnnamedFs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	if flag&os.O_EXCL != 0 && tempfs.IsTempName(filepath.Base(name)) {
		f.named.Add(1)
	}
	return f.Fs.OpenFile(name, flag, perm)
}

func (f *refuseUnnamedFs) StrictPOSIX() bool { return true }

var _ tempfs.UnnamedCreator = (*refuseUnnamedFs)(nil)

// unnamedBackend is an Fs over a fresh host directory: dir is the
// directory to work in, as the Fs names it; host is its host path.
type unnamedBackend struct {
	name string
	new  func(t *testing.T) (fsys afero.Fs, dir, host string)
	// hidden: the Fs keeps no name for a TempFileUnnamed file while it
	// is open (O_TMPFILE, or create and remove at once).
	hidden bool
}

func unnamedBackends() []unnamedBackend {
	unix := runtime.GOOS != "windows"
	return []unnamedBackend{
		{"OsFs", func(t *testing.T) (afero.Fs, string, string) {
			d := t.TempDir()
			return afero.NewOsFs(), d, d
		}, unix},
		{"BasePathFs", func(t *testing.T) (afero.Fs, string, string) {
			d := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(d, "sub"), 0o755))
			return afero.NewBasePathFs(afero.NewOsFs(), d), "/sub", filepath.Join(d, "sub")
		}, unix},
		{"RootFs", func(t *testing.T) (afero.Fs, string, string) {
			d := t.TempDir()
			require.NoError(t, os.Mkdir(filepath.Join(d, "sub"), 0o755))
			r, err := tempfs.OpenRoot(d)
			require.NoError(t, err)
			t.Cleanup(func() { r.Close() })
			return r, "/sub", filepath.Join(d, "sub")
		}, unix},
		{"refusing", func(t *testing.T) (afero.Fs, string, string) {
			d := t.TempDir()
			return &refuseUnnamedFs{Fs: afero.NewOsFs()}, d, d
		}, false},
	}
}

func dirNames(t *testing.T, host string) []string {
	t.Helper()
	entries, err := os.ReadDir(host)
	require.NoError(t, err)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// TestTempFileUnnamed: a scratch file that reads back what was written,
// has no name in its directory while open where the backend allows (or
// one until Close where it does not), and leaves nothing after Close.
func TestTempFileUnnamed(t *testing.T) {
	t.Parallel()
	for _, b := range append(unnamedBackends(), unnamedBackend{"MemMapFs", func(t *testing.T) (afero.Fs, string, string) {
		return afero.NewMemMapFs(), "/work", ""
	}, false}) {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, host := b.new(t)
			require.NoError(t, fsys.MkdirAll(dir, 0o755))
			f, err := tempfs.TempFileUnnamed(fsys, dir)
			require.NoError(t, err)
			assert.Equal(t, dir, f.Name(), "Name is the directory")
			_, err = f.Write([]byte("scratch"))
			require.NoError(t, err)
			_, err = f.Seek(0, io.SeekStart)
			require.NoError(t, err)
			got, err := io.ReadAll(f)
			require.NoError(t, err)
			assert.Equal(t, "scratch", string(got))

			open, err := afero.ReadDir(fsys, dir)
			require.NoError(t, err)
			if b.hidden {
				assert.Empty(t, open, "no name while open")
			} else {
				require.Len(t, open, 1, "a name until Close")
				assert.True(t, tempfs.IsTempName(open[0].Name()), "Sweep knows it: %s", open[0].Name())
			}
			require.NoError(t, f.Close())
			after, err := afero.ReadDir(fsys, dir)
			require.NoError(t, err)
			assert.Empty(t, after, "nothing left after Close")
			if host != "" {
				assert.Empty(t, dirNames(t, host))
			}
		})
	}
}

// TestTempFileUnnamedErrors: a missing directory fails as CreateTemp does,
// with the caller's path, on every backend.
func TestTempFileUnnamedErrors(t *testing.T) {
	t.Parallel()
	for _, b := range unnamedBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, host := b.new(t)
			_, err := tempfs.TempFileUnnamed(fsys, filepath.Join(dir, "missing"))
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "tempfileunnamed", pe.Op)
			assert.ErrorIs(t, err, fs.ErrNotExist)
			if b.name != "OsFs" && b.name != "refusing" {
				assert.NotContains(t, err.Error(), host, "no host path")
			}
		})
	}
	_, err := tempfs.TempFileUnnamed(nil, "")
	assert.ErrorIs(t, err, fs.ErrInvalid)
}

// TestUnnamedWrite: an atomic write on every host backend, unnamed where
// the Fs has O_TMPFILE and named where it refuses: no temp name in the
// directory until Commit (where unnamed), the new content afterwards, an
// existing target's mode kept, NoClobber refusing an existing target, and
// nothing left behind.
func TestUnnamedWrite(t *testing.T) {
	t.Parallel()
	for _, b := range unnamedBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, host := b.new(t)
			for _, tc := range []struct {
				name      string
				exists    bool
				noClobber bool
			}{{"new", false, false}, {"existing", true, false}, {"noclobber-new", false, true}} {
				target := filepath.Join(dir, tc.name)
				if tc.exists {
					require.NoError(t, os.WriteFile(filepath.Join(host, tc.name), []byte("old"), 0o640))
					require.NoError(t, os.Chmod(filepath.Join(host, tc.name), 0o640))
				}
				var opts []tempfs.Option
				if tc.noClobber {
					opts = append(opts, tempfs.NoClobber())
				}
				before := dirNames(t, host)
				p, err := tempfs.NewPendingFile(fsys, target, opts...)
				require.NoError(t, err, tc.name)
				_, err = p.WriteString("new")
				require.NoError(t, err)
				if rf, ok := fsys.(*refuseUnnamedFs); ok {
					assert.Positive(t, rf.tried.Load(), "unnamed tried first")
					assert.Positive(t, rf.named.Load(), "then the named protocol")
					assert.Len(t, dirNames(t, host), len(before)+1, "%s: the named temp file", tc.name)
				} else if runtime.GOOS == "linux" {
					assert.Equal(t, before, dirNames(t, host), "%s: no name while writing", tc.name)
				}
				require.NoError(t, p.Commit(), tc.name)
				got, err := os.ReadFile(filepath.Join(host, tc.name))
				require.NoError(t, err)
				assert.Equal(t, "new", string(got), tc.name)
				fi, err := os.Stat(filepath.Join(host, tc.name))
				require.NoError(t, err)
				want := fs.FileMode(0o600)
				if tc.exists {
					want = 0o640
				}
				assert.Equal(t, want, fi.Mode().Perm(), "%s: mode", tc.name)
			}
			err := tempfs.WriteFile(fsys, filepath.Join(dir, "existing"), []byte("x"), 0o600, tempfs.NoClobber())
			assert.ErrorIs(t, err, fs.ErrExist)
			assert.ElementsMatch(t, []string{"new", "existing", "noclobber-new"}, dirNames(t, host), "no temp files left")
		})
	}
}

// TestUnnamedWriteTargetAppears: a target created by someone else between
// the start of a write and its commit is replaced (the link to it fails
// with EEXIST, and the write goes through a temp name and a rename), and
// refused with NoClobber; nothing is left behind either way.
func TestUnnamedWriteTargetAppears(t *testing.T) {
	t.Parallel()
	for _, b := range unnamedBackends() {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, host := b.new(t)
			for _, noClobber := range []bool{false, true} {
				var opts []tempfs.Option
				if noClobber {
					opts = append(opts, tempfs.NoClobber())
				}
				p, err := tempfs.NewPendingFile(fsys, filepath.Join(dir, "target"), opts...)
				require.NoError(t, err)
				_, err = p.WriteString("mine")
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(host, "target"), []byte("theirs"), 0o600))
				err = p.Commit()
				got, rerr := os.ReadFile(filepath.Join(host, "target"))
				require.NoError(t, rerr)
				if noClobber {
					assert.ErrorIs(t, err, fs.ErrExist)
					assert.Equal(t, "theirs", string(got))
					assert.NoError(t, p.Cleanup())
				} else {
					require.NoError(t, err)
					assert.Equal(t, "mine", string(got))
				}
				assert.Equal(t, []string{"target"}, dirNames(t, host), "noClobber=%v: no temp files left", noClobber)
				require.NoError(t, os.Remove(filepath.Join(host, "target")))
			}
		})
	}
}

// TestUnnamedWriteFailedRename: when the rename over an existing target
// fails after the unnamed file was linked to a temp name, the temp name is
// removed and the target left as it was.
func TestUnnamedWriteFailedRename(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("unnamed files are Linux's")
	}
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "target"), []byte("old"), 0o600))
	p, err := tempfs.NewPendingFile(afero.NewOsFs(), filepath.Join(dir, "target"))
	require.NoError(t, err)
	_, err = p.WriteString("new")
	require.NoError(t, err)
	// The rename fails: the target became a non-empty directory.
	require.NoError(t, os.Remove(filepath.Join(dir, "target")))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "target", "x"), 0o755))
	err = p.Commit()
	require.Error(t, err)
	assert.NoError(t, p.Cleanup())
	assert.Equal(t, []string{"target"}, dirNames(t, dir), "temp name removed")
	assert.Equal(t, []string{"x"}, dirNames(t, filepath.Join(dir, "target")))
}
