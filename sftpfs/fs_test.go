//go:build unix

package sftpfs_test

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// writeHost writes a file on the host side of the server, as the server's
// user, for setting up a test.
func writeHost(t *testing.T, name, data string) {
	t.Helper()
	require.NoError(t, os.WriteFile(name, []byte(data), 0o644))
	if os.Geteuid() == 0 {
		require.NoError(t, os.Lchown(name, nobody, nobody))
	}
}

func readHost(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return string(b)
}

// requirePathErr checks that err is an *fs.PathError for op and path that
// wraps target.
func requirePathErr(t *testing.T, err error, op, path string, target error) {
	t.Helper()
	require.Error(t, err)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe, "%T: %v", err, err)
	assert.Equal(t, op, pe.Op)
	assert.Equal(t, path, pe.Path)
	assert.ErrorIs(t, err, target)
}

func TestErrorMapping(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	file := filepath.Join(dir, "file")
	sub := filepath.Join(dir, "sub")
	writeHost(t, file, "x")
	require.NoError(t, fsys.Mkdir(sub, 0o700))
	missing := filepath.Join(dir, "missing", "child")

	tests := []struct {
		name   string
		run    func() error
		op     string
		path   string
		target error
	}{
		{"O_EXCL on existing file", func() error {
			_, err := fsys.OpenFile(file, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			return err
		}, "open", file, fs.ErrExist},
		{"O_EXCL on existing dir", func() error {
			_, err := fsys.OpenFile(sub, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			return err
		}, "open", sub, fs.ErrExist},
		{"O_CREATE in missing parent", func() error {
			_, err := fsys.OpenFile(missing, os.O_RDWR|os.O_CREATE, 0o600)
			return err
		}, "open", missing, fs.ErrNotExist},
		{"O_CREATE|O_EXCL in missing parent", func() error {
			_, err := fsys.OpenFile(missing, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			return err
		}, "open", missing, fs.ErrNotExist},
		{"open missing", func() error {
			_, err := fsys.Open(missing)
			return err
		}, "open", missing, fs.ErrNotExist},
		{"mkdir existing dir", func() error { return fsys.Mkdir(sub, 0o700) }, "mkdir", sub, fs.ErrExist},
		{"mkdir existing file", func() error { return fsys.Mkdir(file, 0o700) }, "mkdir", file, fs.ErrExist},
		{"mkdir in missing parent", func() error { return fsys.Mkdir(missing, 0o700) }, "mkdir", missing, fs.ErrNotExist},
		{"stat missing", func() error { _, err := fsys.Stat(missing); return err }, "stat", missing, fs.ErrNotExist},
		{"lstat missing", func() error { _, _, err := fsys.LstatIfPossible(missing); return err }, "lstat", missing, fs.ErrNotExist},
		{"remove missing", func() error { return fsys.Remove(missing) }, "remove", missing, fs.ErrNotExist},
		{"chmod missing", func() error { return fsys.Chmod(missing, 0o600) }, "chmod", missing, fs.ErrNotExist},
		{"mkdirall over file", func() error { return fsys.MkdirAll(filepath.Join(file, "x"), 0o700) }, "mkdir", file, syscall.ENOTDIR},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			requirePathErr(t, tc.run(), tc.op, tc.path, tc.target)
		})
	}
	assert.Equal(t, "x", readHost(t, file), "failed calls changed nothing")
}

func TestPermissionDenied(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	ro := filepath.Join(dir, "ro")
	require.NoError(t, fsys.Mkdir(ro, 0o500))
	t.Cleanup(func() { _ = os.Chmod(ro, 0o700) })
	name := filepath.Join(ro, "f")

	_, err := tempfs.CreateTemp(fsys, ro, "x*")
	assert.ErrorIs(t, err, fs.ErrPermission)
	requirePathErr(t, fsys.Mkdir(name, 0o700), "mkdir", name, fs.ErrPermission)
	_, err = fsys.Create(name)
	requirePathErr(t, err, "open", name, fs.ErrPermission)
}

func TestRenameReplacesAtomically(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	oldname, newname := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeHost(t, oldname, "new")
	writeHost(t, newname, "old")

	require.NoError(t, fsys.Rename(oldname, newname))
	assert.Equal(t, "new", readHost(t, newname))
	_, err := os.Lstat(oldname)
	assert.ErrorIs(t, err, fs.ErrNotExist)

	err = fsys.Rename(oldname, newname)
	var le *os.LinkError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "rename", le.Op)
	assert.Equal(t, oldname, le.Old)
	assert.Equal(t, newname, le.New)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func TestLink(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeHost(t, a, "A")

	require.NoError(t, fsys.Link(a, b))
	assert.Equal(t, "A", readHost(t, b))

	writeHost(t, a, "A2")
	err := fsys.Link(a, b)
	var le *os.LinkError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "link", le.Op)
	assert.ErrorIs(t, err, fs.ErrExist)
	assert.Equal(t, "A2", readHost(t, b), "hard link sees the new data of a")
}

func TestSymlinkAndLstat(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	writeHost(t, target, "T")

	require.NoError(t, fsys.SymlinkIfPossible(target, link))
	dest, err := os.Readlink(link)
	require.NoError(t, err)
	assert.Equal(t, target, dest, "symlink argument order as os.Symlink")

	got, err := fsys.ReadlinkIfPossible(link)
	require.NoError(t, err)
	assert.Equal(t, target, got)

	fi, ok, err := fsys.LstatIfPossible(link)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, fs.ModeSymlink, fi.Mode().Type())
	fi, err = fsys.Stat(link)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular())

	assert.ErrorIs(t, fsys.SymlinkIfPossible(target, link), fs.ErrExist)
}

func TestModes(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})

	f, err := tempfs.CreateTemp(fsys, dir, "t*")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	fi, err := os.Stat(f.Name())
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "CreateTemp file")

	d, err := tempfs.MkdirTemp(fsys, dir, "d*")
	require.NoError(t, err)
	fi, err = os.Stat(d)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o700), fi.Mode().Perm(), "MkdirTemp dir")

	// O_CREATE without O_EXCL: perm applies to a new file only.
	name := filepath.Join(dir, "existing")
	writeHost(t, name, "x")
	require.NoError(t, os.Chmod(name, 0o640))
	g, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	require.NoError(t, err)
	require.NoError(t, g.Close())
	fi, err = os.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm(), "existing file keeps its mode")
	assert.Equal(t, "x", readHost(t, name), "no O_TRUNC, no truncation")

	require.NoError(t, fsys.Chmod(name, 0o604))
	fi, err = fsys.Stat(name)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o604), fi.Mode().Perm())
}

func TestFileIO(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	name := filepath.Join(dir, "f")
	f, err := fsys.Create(name)
	require.NoError(t, err)
	t.Cleanup(func() { _ = f.Close() })
	assert.Equal(t, name, f.Name())

	_, err = f.WriteString("hello world")
	require.NoError(t, err)
	n, err := f.WriteAt([]byte("HELLO"), 0)
	require.NoError(t, err)
	assert.Equal(t, 5, n)
	_, err = f.Write([]byte("!"))
	require.NoError(t, err)
	assert.Equal(t, "HELLO world!", readHost(t, name), "WriteAt wrote and did not move the offset")

	pos, err := f.Seek(6, io.SeekStart)
	require.NoError(t, err)
	assert.Equal(t, int64(6), pos)
	buf := make([]byte, 5)
	_, err = io.ReadFull(f, buf)
	require.NoError(t, err)
	assert.Equal(t, "world", string(buf))
	_, err = f.Seek(-100, io.SeekEnd)
	assert.ErrorIs(t, err, fs.ErrInvalid)

	_, err = f.ReadAt(buf[:3], 1)
	require.NoError(t, err)
	assert.Equal(t, "ELL", string(buf[:3]))

	require.NoError(t, f.Truncate(5))
	fi, err := f.Stat()
	require.NoError(t, err)
	assert.Equal(t, int64(5), fi.Size())
	assert.Equal(t, "f", fi.Name())
	require.NoError(t, f.Sync())

	_, err = f.Readdir(-1)
	assert.ErrorIs(t, err, syscall.ENOTDIR)

	require.NoError(t, f.Close())
	assert.ErrorIs(t, f.Close(), fs.ErrClosed)

	r, err := fsys.Open(name)
	require.NoError(t, err)
	defer r.Close()
	_, err = r.Write([]byte("x"))
	requirePathErr(t, err, "write", name, syscall.EBADF)
	_, err = io.ReadAll(r)
	require.NoError(t, err)

	a, err := fsys.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	defer a.Close()
	_, err = a.WriteAt([]byte("x"), 0)
	assert.ErrorIs(t, err, fs.ErrInvalid)
	_, err = a.Write([]byte("+"))
	require.NoError(t, err)
	assert.Equal(t, "HELLO+", readHost(t, name))
}

func TestReaddir(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	want := []string{"a", "b", "c", "d", "e"}
	for _, n := range want {
		writeHost(t, filepath.Join(dir, n), n)
	}
	d, err := fsys.Open(dir)
	require.NoError(t, err)
	defer d.Close()
	var got []string
	for {
		names, err := d.Readdirnames(2)
		if errors.Is(err, io.EOF) {
			assert.Empty(t, names)
			break
		}
		require.NoError(t, err)
		assert.LessOrEqual(t, len(names), 2)
		got = append(got, names...)
	}
	sort.Strings(got)
	assert.Equal(t, want, got)
	rest, err := d.Readdir(-1)
	assert.NoError(t, err)
	assert.Empty(t, rest)
}

func TestRemoveAll(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	root := filepath.Join(dir, "tree")
	require.NoError(t, fsys.MkdirAll(filepath.Join(root, "a", "b"), 0o755))
	writeHost(t, filepath.Join(root, "a", "b", "f"), "f")
	writeHost(t, filepath.Join(root, "g"), "g")
	outside := filepath.Join(dir, "outside")
	writeHost(t, outside, "keep")
	require.NoError(t, os.Symlink(outside, filepath.Join(root, "link")))

	require.NoError(t, fsys.RemoveAll(root))
	_, err := os.Lstat(root)
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.Equal(t, "keep", readHost(t, outside), "links are not followed")
	assert.NoError(t, fsys.RemoveAll(root), "missing path")

	// A directory that cannot be removed is an error, not a silent nil.
	ro := filepath.Join(dir, "ro")
	stuck := filepath.Join(ro, "empty")
	require.NoError(t, fsys.MkdirAll(stuck, 0o700))
	require.NoError(t, fsys.Chmod(ro, 0o500))
	t.Cleanup(func() { _ = os.Chmod(ro, 0o700) })
	requirePathErr(t, fsys.RemoveAll(stuck), "removeall", stuck, fs.ErrPermission)
	_, err = os.Stat(stuck)
	assert.NoError(t, err)
	assert.ErrorIs(t, fsys.RemoveAll(dir+"/."), syscall.EINVAL, "as os.RemoveAll")
}

func TestChtimesChown(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	name := filepath.Join(dir, "f")
	writeHost(t, name, "x")
	mtime := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	require.NoError(t, fsys.Chtimes(name, mtime, mtime))
	fi, err := os.Stat(name)
	require.NoError(t, err)
	assert.True(t, mtime.Equal(fi.ModTime()), "got %v", fi.ModTime())

	st, ok := fi.Sys().(*syscall.Stat_t)
	require.True(t, ok)
	assert.NoError(t, fsys.Chown(name, int(st.Uid), int(st.Gid)), "chown to the owner it has")
	if os.Geteuid() == 0 {
		assert.ErrorIs(t, fsys.Chown(name, 0, 0), fs.ErrPermission, "nobody cannot give a file to root")
	}
}

func TestSyncDirAndGuarantees(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	assert.Equal(t, tempfs.Guarantees{}, fsys.Guarantees())
	require.NoError(t, fsys.SyncDir(dir))
	missing := filepath.Join(dir, "missing")
	requirePathErr(t, fsys.SyncDir(missing), "syncdir", missing, fs.ErrNotExist)
	assert.Equal(t, "sftpfs", fsys.Name())
	var _ afero.Fs = fsys
}
