package tempfs_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
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
