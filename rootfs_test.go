package tempfs_test

import (
	"errors"
	"io"
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

// newRoot returns a RootFs over a fresh host directory, closed at cleanup,
// and the host directory.
func newRoot(t testing.TB) (*tempfs.RootFs, string) {
	t.Helper()
	host := t.TempDir()
	fsys, err := tempfs.OpenRoot(host)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, fsys.Close()) })
	return fsys, host
}

// assertVirtual checks that err is a *fs.PathError (or *os.LinkError for
// link ops) naming only virtual paths: none of hosts appears in it.
func assertVirtual(t testing.TB, err error, hosts ...string) {
	t.Helper()
	if !assert.Error(t, err) {
		return
	}
	var pe *fs.PathError
	var le *os.LinkError
	assert.True(t, errors.As(err, &pe) || errors.As(err, &le), "%T is neither *fs.PathError nor *os.LinkError: %v", err, err)
	for _, h := range hosts {
		assert.NotContains(t, err.Error(), h, "error shows the host path")
	}
}

func writeHost(t testing.TB, name, data string) {
	t.Helper()
	require.NoError(t, os.MkdirAll(filepath.Dir(name), 0o755))
	require.NoError(t, os.WriteFile(name, []byte(data), 0o644))
}

func TestOpenRootErrors(t *testing.T) {
	t.Parallel()
	host := t.TempDir()
	file := filepath.Join(host, "file")
	writeHost(t, file, "x")
	for _, tc := range []struct {
		name string
		dir  string
		want error
	}{
		{"missing", filepath.Join(host, "missing"), fs.ErrNotExist},
		{"not a directory", file, syscall.ENOTDIR},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys, err := tempfs.OpenRoot(tc.dir)
			assert.Nil(t, fsys)
			assert.ErrorIs(t, err, tc.want)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "openroot", pe.Op)
			assert.Equal(t, tc.dir, pe.Path)
		})
	}
}

func TestRootFsVirtualNames(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	for _, name := range []string{"/d/f", "d/f", "./d/f", "/d/../d/f", "//d///f"} {
		t.Run(name, func(t *testing.T) {
			f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o600)
			require.NoError(t, err)
			assert.Equal(t, name, f.Name(), "Name is the caller's name")
			_, err = f.WriteString(name)
			assert.NoError(t, err)
			require.NoError(t, f.Close())
			got, err := os.ReadFile(filepath.Join(host, "d", "f"))
			require.NoError(t, err)
			assert.Equal(t, name, string(got), "all spellings mean <root>/d/f")
		})
	}
	for _, name := range []string{"/", "", ".", "/./", "/d/..", "d/../."} {
		fi, err := fsys.Stat(name)
		if assert.NoError(t, err, "%q", name) {
			assert.True(t, fi.IsDir(), "%q is the root", name)
		}
	}
	_, err := fsys.Stat("../d")
	assert.ErrorIs(t, err, tempfs.ErrEscapes)
	assert.ErrorIs(t, err, fs.ErrPermission)
	assertVirtual(t, err, host)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "stat", pe.Op)
	assert.Equal(t, "../d", pe.Path)
	assert.Equal(t, "RootFs", fsys.Name())
}

func TestRootFsOpenFile(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, afero.WriteFile(fsys, "/exists", []byte("old"), 0o644))
	for _, tc := range []struct {
		name string
		path string
		flag int
		perm fs.FileMode
		want error
	}{
		{"excl on existing", "/exists", os.O_RDWR | os.O_CREATE | os.O_EXCL, 0o600, fs.ErrExist},
		{"missing", "/missing", os.O_RDONLY, 0, fs.ErrNotExist},
		{"missing parent", "/nodir/f", os.O_RDWR | os.O_CREATE, 0o600, fs.ErrNotExist},
		{"parent is a file", "/exists/f", os.O_RDWR | os.O_CREATE, 0o600, syscall.ENOTDIR},
		{"setuid bit", "/suid", os.O_RDWR | os.O_CREATE, os.ModeSetuid | 0o755, errors.ErrUnsupported},
		{"dot dot out", "../x", os.O_RDWR | os.O_CREATE, 0o600, tempfs.ErrEscapes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := fsys.OpenFile(tc.path, tc.flag, tc.perm)
			assert.Nil(t, f)
			assert.ErrorIs(t, err, tc.want)
			assertVirtual(t, err, host)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "open", pe.Op)
			assert.Equal(t, tc.path, pe.Path)
		})
	}
	t.Run("type bits in perm are ignored", func(t *testing.T) {
		f, err := fsys.OpenFile("/typebits", os.O_RDWR|os.O_CREATE, os.ModeDir|0o640)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		fi, err := fsys.Stat("/typebits")
		require.NoError(t, err)
		assert.True(t, fi.Mode().IsRegular())
	})
	_, err := os.Stat(filepath.Join(host, "nodir"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "no parent was created")
}

func TestRootFsFile(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	f, err := fsys.Create("/f")
	require.NoError(t, err)
	n, err := f.WriteString("hello world")
	require.NoError(t, err)
	assert.Equal(t, 11, n)
	_, err = f.WriteAt([]byte("W"), 6)
	require.NoError(t, err)
	off, err := f.Seek(0, io.SeekStart)
	require.NoError(t, err)
	assert.Zero(t, off)
	buf := make([]byte, 5)
	_, err = io.ReadFull(f, buf)
	require.NoError(t, err)
	assert.Equal(t, "hello", string(buf))
	_, err = f.ReadAt(buf, 6)
	require.NoError(t, err)
	assert.Equal(t, "World", string(buf))
	_, err = f.ReadAt(buf, 100)
	assert.Same(t, io.EOF, err, "EOF comes through unwrapped")
	require.NoError(t, f.Truncate(5))
	fi, err := f.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(5), fi.Size())
	assert.Equal(t, "f", fi.Name())
	assert.NoError(t, f.Sync())
	_, err = f.Seek(0, io.SeekEnd)
	require.NoError(t, err)
	_, err = f.Read(buf)
	assert.Same(t, io.EOF, err)
	_, err = f.Seek(-30, io.SeekEnd)
	assert.ErrorIs(t, err, syscall.EINVAL)
	assertVirtual(t, err, host)
	_, err = f.Readdir(-1)
	assert.ErrorIs(t, err, syscall.ENOTDIR)
	assertVirtual(t, err, host)
	require.NoError(t, f.Close())

	err = f.Close()
	assert.ErrorIs(t, err, fs.ErrClosed)
	assertVirtual(t, err, host)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/f", pe.Path)
	_, err = f.Write([]byte("x"))
	assert.ErrorIs(t, err, fs.ErrClosed)
	assertVirtual(t, err, host)
	_, err = f.Read(buf)
	assert.ErrorIs(t, err, fs.ErrClosed)
	assertVirtual(t, err, host)
	got, err := os.ReadFile(filepath.Join(host, "f"))
	require.NoError(t, err)
	assert.Equal(t, "hello", string(got))
}

func TestRootFsReaddir(t *testing.T) {
	t.Parallel()
	fsys, _ := newRoot(t)
	require.NoError(t, fsys.MkdirAll("/d/sub", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/a", []byte("a"), 0o644))
	for _, name := range []string{"/d", "d", "/d/"} {
		d, err := fsys.Open(name)
		require.NoError(t, err)
		fis, err := d.Readdir(-1)
		require.NoError(t, err)
		got := map[string]bool{}
		for _, fi := range fis {
			got[fi.Name()] = fi.IsDir()
		}
		assert.Equal(t, map[string]bool{"a": false, "sub": true}, got)
		_, err = d.Seek(0, io.SeekStart)
		require.NoError(t, err)
		names, err := d.Readdirnames(-1)
		require.NoError(t, err)
		assert.ElementsMatch(t, []string{"a", "sub"}, names)
		assert.NoError(t, d.Sync(), "a directory handle syncs")
		require.NoError(t, d.Close())
	}
	names, err := afero.ReadDir(fsys, "/")
	require.NoError(t, err)
	require.Len(t, names, 1)
	assert.Equal(t, "d", names[0].Name())
}

func TestRootFsMkdirRemove(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, fsys.Mkdir("/d", 0o750))
	fi, err := os.Stat(filepath.Join(host, "d"))
	require.NoError(t, err)
	assert.True(t, fi.IsDir())
	require.NoError(t, fsys.Mkdir("/typebits", os.ModeDir|0o700), "os.ModeDir in perm is accepted as by os.Mkdir")
	require.NoError(t, fsys.MkdirAll("/a/b/c", 0o755))
	require.NoError(t, fsys.MkdirAll("/a/b/c", 0o755), "MkdirAll of an existing dir")
	require.NoError(t, afero.WriteFile(fsys, "/a/file", nil, 0o644))
	for _, tc := range []struct {
		name string
		op   string
		err  error
		want error
	}{
		{"mkdir existing", "mkdir", fsys.Mkdir("/d", 0o755), fs.ErrExist},
		{"mkdir missing parent", "mkdir", fsys.Mkdir("/x/y", 0o755), fs.ErrNotExist},
		{"mkdir setgid", "mkdir", fsys.Mkdir("/sg", os.ModeSetgid|0o755), errors.ErrUnsupported},
		{"mkdirall over a file", "mkdir", fsys.MkdirAll("/a/file/x", 0o755), syscall.ENOTDIR},
		{"remove missing", "remove", fsys.Remove("/missing"), fs.ErrNotExist},
		{"remove non-empty", "remove", fsys.Remove("/a"), syscall.ENOTEMPTY},
		{"removeall escape", "removeall", fsys.RemoveAll("../x"), tempfs.ErrEscapes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.want)
			assertVirtual(t, tc.err, host)
			var pe *fs.PathError
			require.ErrorAs(t, tc.err, &pe)
			assert.Equal(t, tc.op, pe.Op)
			assert.True(t, strings.HasPrefix(pe.Path, "/") || strings.HasPrefix(pe.Path, ".."), "virtual path %q", pe.Path)
		})
	}
	require.NoError(t, fsys.Remove("/d"))
	require.NoError(t, fsys.Remove("/a/file"))
	require.NoError(t, fsys.RemoveAll("/a"))
	require.NoError(t, fsys.RemoveAll("/a"), "RemoveAll of a missing name")
	_, err = os.Stat(filepath.Join(host, "a"))
	assert.ErrorIs(t, err, fs.ErrNotExist)
	_, err = os.Stat(host)
	assert.NoError(t, err, "the root itself is still there")
}

func TestRootFsRenameLink(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, afero.WriteFile(fsys, "/a", []byte("A"), 0o644))
	require.NoError(t, afero.WriteFile(fsys, "/b", []byte("B"), 0o644))
	require.NoError(t, fsys.Mkdir("/d", 0o755))

	require.NoError(t, fsys.Rename("/a", "/b"), "replaces an existing file")
	got, err := afero.ReadFile(fsys, "/b")
	require.NoError(t, err)
	assert.Equal(t, "A", string(got))
	_, err = fsys.Stat("/a")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	require.NoError(t, fsys.Link("/b", "/d/hard"))
	got, err = os.ReadFile(filepath.Join(host, "d", "hard"))
	require.NoError(t, err)
	assert.Equal(t, "A", string(got))

	for _, tc := range []struct {
		name     string
		op       string
		err      error
		old, new string
		want     error
	}{
		{"rename missing", "rename", fsys.Rename("/missing", "/x"), "/missing", "/x", fs.ErrNotExist},
		{"rename onto dir", "rename", fsys.Rename("/b", "/d"), "/b", "/d", syscall.EEXIST},
		{"rename out", "rename", fsys.Rename("/b", "../b"), "/b", "../b", tempfs.ErrEscapes},
		{"link existing", "link", fsys.Link("/b", "/d/hard"), "/b", "/d/hard", fs.ErrExist},
		{"link missing", "link", fsys.Link("/missing", "/l"), "/missing", "/l", fs.ErrNotExist},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assertVirtual(t, tc.err, host)
			var le *os.LinkError
			require.ErrorAs(t, tc.err, &le)
			assert.Equal(t, tc.op, le.Op)
			assert.Equal(t, tc.old, le.Old)
			assert.Equal(t, tc.new, le.New)
			if tc.want == syscall.EEXIST {
				// rename(2) of a file onto a directory: EISDIR on Linux, EEXIST elsewhere.
				assert.True(t, errors.Is(tc.err, syscall.EISDIR) || errors.Is(tc.err, syscall.EEXIST) ||
					errors.Is(tc.err, syscall.ENOTEMPTY), "%v", tc.err)
				return
			}
			assert.ErrorIs(t, tc.err, tc.want)
		})
	}
	var hl tempfs.HardLinker = fsys
	assert.ErrorIs(t, hl.Link("/b", "/d/hard"), fs.ErrExist, "HardLinker contract")
}

func TestRootFsChmodChtimes(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o644))
	require.NoError(t, fsys.Chmod("/f", 0o600))
	fi, err := fsys.Stat("/f")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	require.NoError(t, fsys.Chtimes("/f", mtime, mtime))
	fi, err = os.Stat(filepath.Join(host, "f"))
	require.NoError(t, err)
	assert.True(t, fi.ModTime().Equal(mtime))
	for _, tc := range []struct {
		name string
		err  error
		want error
	}{
		{"chmod missing", fsys.Chmod("/missing", 0o600), fs.ErrNotExist},
		{"chtimes missing", fsys.Chtimes("/missing", mtime, mtime), fs.ErrNotExist},
		{"chown missing", fsys.Chown("/missing", os.Getuid(), os.Getgid()), fs.ErrNotExist},
		{"chmod escape", fsys.Chmod("../f", 0o600), tempfs.ErrEscapes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.want)
			assertVirtual(t, tc.err, host)
		})
	}
}

func TestRootFsSyncDir(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	var ds tempfs.DirSyncer = fsys
	assert.NoError(t, ds.SyncDir("/d"))
	assert.NoError(t, ds.SyncDir("/"))
	err := ds.SyncDir("/missing")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assertVirtual(t, err, host)
}

func TestRootFsClosed(t *testing.T) {
	t.Parallel()
	host := t.TempDir()
	fsys, err := tempfs.OpenRoot(host)
	require.NoError(t, err)
	f, err := fsys.Create("/open-before-close")
	require.NoError(t, err)
	require.NoError(t, fsys.Close())
	assert.NoError(t, fsys.Close(), "Close twice")
	_, err = f.WriteString("still works")
	assert.NoError(t, err, "a file opened before Close stays usable")
	require.NoError(t, f.Close())

	var nilFs *tempfs.RootFs
	for _, r := range []*tempfs.RootFs{fsys, nilFs, {}} {
		errs := rootFsCalls(r)
		for name, err := range errs {
			assert.ErrorIs(t, err, fs.ErrClosed, name)
			assertVirtual(t, err, host)
		}
	}
	assert.NoError(t, nilFs.Close())
}

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
