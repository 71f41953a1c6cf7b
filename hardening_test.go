package tempfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// Issue 11.2: the directories CreateParents makes are synced into their
// parents, so a crash right after WriteFile returns keeps the target.
func TestCreateParentsDurable(t *testing.T) {
	t.Parallel()
	for seed := range uint64(20) {
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.MkdirAll("/data", 0o755))
		fsys.SyncAll()
		require.NoError(t, tempfs.WriteFile(fsys, "/data/a/b/c/f", []byte("new"), 0o644, tempfs.CreateParents()))
		img, err := fsys.Crash(tempfstest.CrashOptions{Retain: 0, Seed: seed})
		require.NoError(t, err)
		data, err := afero.ReadFile(img, "/data/a/b/c/f")
		require.NoError(t, err, "seed %d: the target is lost after a crash", seed)
		assert.Equal(t, "new", string(data))
	}
}

// Issue 19.4: a write that fails after CreateParents made directories
// removes them again: a refused write leaves the tree as it was.
func TestCreateParentsUndone(t *testing.T) {
	t.Parallel()
	for _, b := range append(memBackends(), osBackends()...) {
		t.Run(b.Name, func(t *testing.T) {
			fsys, dir := b.New(t)
			before := tempfstest.Snapshot(t, fsys, dir)
			boom := errors.New("boom")
			err := tempfs.WriteReader(fsys, filepath.Join(dir, "a", "b", "f"), &failAfter{n: 10, err: boom}, 0o644, tempfs.CreateParents())
			require.ErrorIs(t, err, boom)
			assert.Equal(t, before, tempfstest.Snapshot(t, fsys, dir))

			// A failing sync (FaultFs) after the parents were made.
			ff := tempfstest.NewFaultFs(fsys)
			ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "sync" }, boom)
			err = tempfs.WriteFile(ff, filepath.Join(dir, "x", "y", "f"), []byte("data"), 0o644, tempfs.CreateParents())
			require.ErrorIs(t, err, boom)
			assert.Equal(t, before, tempfstest.Snapshot(t, fsys, dir))
		})
	}
}

type failAfter struct {
	n   int
	err error
}

func (r *failAfter) Read(p []byte) (int, error) {
	if r.n == 0 {
		return 0, r.err
	}
	k := min(len(p), r.n)
	r.n -= k
	return k, nil
}

// Issue 11.3 and 11.4: a refused Persist or PersistNoClobber hands the file
// back, open and unchanged; it can be retried, and Close still removes it.
func TestPersistRetry(t *testing.T) {
	t.Parallel()
	backends := append(memBackends(), osBackends()...)
	backends = append(backends, tempfstest.Backend{Name: "CrashFs", New: func(t testing.TB) (afero.Fs, string) {
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.MkdirAll("/work", 0o700))
		return fsys, "/work"
	}})
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			fsys, dir := b.New(t)
			target := filepath.Join(dir, "target")
			require.NoError(t, afero.WriteFile(fsys, target, []byte("old"), 0o600))
			f, err := tempfs.NewFile(fsys, dir, "retry-*")
			require.NoError(t, err)
			_, err = f.WriteString("new")
			require.NoError(t, err)

			err = f.PersistNoClobber(target)
			require.ErrorIs(t, err, fs.ErrExist)
			err = f.Persist(filepath.Join(dir, "missing", "target"))
			require.ErrorIs(t, err, fs.ErrNotExist)
			_, err = f.WriteString("+more")
			require.NoError(t, err, "the file is handed back open")

			require.NoError(t, fsys.Remove(target))
			require.NoError(t, f.PersistNoClobber(target), "a retry succeeds")
			require.NoError(t, f.Close())
			data, err := afero.ReadFile(fsys, target)
			require.NoError(t, err)
			assert.Equal(t, "new+more", string(data))
			assert.Equal(t, map[string]string{"target": "file:new+more"}, tempfstest.Snapshot(t, fsys, dir))
		})
	}
}

// Issue 11.5: Close removes the file that was created even after the
// working directory changed, while Name stays as the caller saw it.
func TestCloseAfterChdir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	fsys := afero.NewOsFs()
	f, err := tempfs.NewFile(fsys, ".", "chdir-*")
	require.NoError(t, err)
	assert.False(t, filepath.IsAbs(f.Name()), "Name stays relative, as os.CreateTemp's")
	d, err := tempfs.NewDir(fsys, ".", "chdir-*")
	require.NoError(t, err)

	t.Chdir(t.TempDir())
	require.NoError(t, f.Close())
	require.NoError(t, d.Close())
	left, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, left, "Close after a chdir left the temp file or dir behind")
}

// Issue 11.7: FollowSymlinks on RootFs refuses what RootFs refuses to
// follow: an absolute target, and ".." above the root.
func TestFollowSymlinksRootFs(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	root, host := newRoot(t)
	outside := t.TempDir()
	sentinel := filepath.Join(outside, "x")
	require.NoError(t, os.WriteFile(sentinel, []byte("sentinel"), 0o600))
	require.NoError(t, os.Symlink(sentinel, filepath.Join(host, "abs")))
	require.NoError(t, os.Symlink("../../../../../../../../x", filepath.Join(host, "rel")))
	for _, name := range []string{"/abs", "/rel", "abs"} {
		err := tempfs.WriteFile(root, name, []byte("new"), 0o600, tempfs.FollowSymlinks())
		assert.ErrorIs(t, err, tempfs.ErrEscapes, name)
		assertVirtual(t, err, host)
	}
	data, err := os.ReadFile(sentinel)
	require.NoError(t, err)
	assert.Equal(t, "sentinel", string(data))
	entries, err := os.ReadDir(host)
	require.NoError(t, err)
	assert.Len(t, entries, 2, "only the two links: nothing written in the root")
}

// Issue 11.8: FollowSymlinks resolves ".." after a link as the kernel does:
// the parent of what the link led to.
func TestFollowSymlinksDotDot(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symlinks")
	}
	mk := func() string {
		dir := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "deep", "er"), 0o755))
		require.NoError(t, os.Symlink("deep/er", filepath.Join(dir, "sub")))
		require.NoError(t, os.Symlink("sub/../x", filepath.Join(dir, "l")))
		return dir
	}
	want, got := mk(), mk()
	require.NoError(t, os.WriteFile(filepath.Join(want, "l"), []byte("new"), 0o644))
	require.NoError(t, tempfs.WriteFile(afero.NewOsFs(), filepath.Join(got, "l"), []byte("new"), 0o644, tempfs.FollowSymlinks()))
	for _, dir := range []string{want, got} {
		data, err := os.ReadFile(filepath.Join(dir, "deep", "x"))
		require.NoError(t, err, dir)
		assert.Equal(t, "new", string(data))
		_, err = os.Lstat(filepath.Join(dir, "x"))
		assert.ErrorIs(t, err, fs.ErrNotExist)
	}
}

// Issue 11.10: every exported method of every exported type returns (an
// error) on a nil receiver and zero arguments; none panics.
func TestNilReceivers(t *testing.T) {
	t.Parallel()
	values := []any{
		(*tempfs.File)(nil), (*tempfs.Dir)(nil), (*tempfs.PendingFile)(nil),
		(*tempfs.RootFs)(nil), (*tempfs.SpooledFile)(nil),
		&tempfs.File{}, &tempfs.Dir{}, &tempfs.PendingFile{}, &tempfs.RootFs{}, &tempfs.SpooledFile{},
	}
	for _, v := range values {
		rv := reflect.ValueOf(v)
		for i := range rv.NumMethod() {
			m := rv.Type().Method(i)
			name := rv.Type().String() + "." + m.Name
			if rv.IsNil() {
				name = "nil " + name
			}
			args := make([]reflect.Value, m.Type.NumIn()-1)
			for j := range args {
				args[j] = reflect.Zero(m.Type.In(j + 1))
			}
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Errorf("%s panics: %v", name, r)
					}
				}()
				if m.Type.IsVariadic() {
					rv.Method(i).CallSlice(args)
				} else {
					rv.Method(i).Call(args)
				}
			}()
		}
	}
}

// Issue 11.13: Sweep finds the orphans of a target whose name is 230+
// bytes that are not UTF-8 (truncation must not cut the base to nothing).
func TestSweepInvalidUTF8(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("names of arbitrary bytes")
	}
	dir := t.TempDir()
	fsys := afero.NewOsFs()
	for _, base := range []string{strings.Repeat("\xff", 240), strings.Repeat("\x80", 231), strings.Repeat("é", 120)} {
		// Named: an unnamed temp file leaves no orphan to sweep.
		p, err := tempfs.NewPendingFile(fsys, filepath.Join(dir, base), tempfs.NamedForTest())
		require.NoError(t, err)
		_, err = p.Write([]byte("orphan"))
		require.NoError(t, err)
		// The process "dies": no Commit, no Cleanup.
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		require.Len(t, entries, 1)
		assert.True(t, tempfs.IsTempName(entries[0].Name()), "%q is not recognised", entries[0].Name())
		removed, err := tempfs.Sweep(fsys, dir, 0)
		require.NoError(t, err)
		assert.Len(t, removed, 1)
		entries, err = os.ReadDir(dir)
		require.NoError(t, err)
		assert.Empty(t, entries)
		require.NoError(t, p.Cleanup())
	}
}

// Issue 17.4: a failure after the temp file exists returns one
// *fs.PathError naming the target, whose Err joins the cause and the
// cleanup's error.
func TestFailureIsPathError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	ff := tempfstest.NewFaultFs(afero.NewMemMapFs())
	require.NoError(t, ff.MkdirAll("/d", 0o755))
	ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "rename" || c.Op == "remove" }, boom)
	err := tempfs.WriteFile(ff, "/d/f", []byte("x"), 0o644)
	pe, ok := err.(*fs.PathError)
	require.True(t, ok, "%T is not *fs.PathError: %v", err, err)
	assert.Equal(t, "/d/f", pe.Path)
	assert.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "rename")
	assert.Contains(t, err.Error(), "remove temp file")
}

// Review finding: a reader that panics leaves no temp file behind; the
// panic goes on.
func TestWriteReaderPanicCleansUp(t *testing.T) {
	t.Parallel()
	for _, b := range append(memBackends(), osBackends()...) {
		t.Run(b.Name, func(t *testing.T) {
			fsys, dir := b.New(t)
			v := func() (v any) {
				defer func() { v = recover() }()
				_ = tempfs.WriteReader(fsys, filepath.Join(dir, "out"), panicReader{}, 0o600)
				return nil
			}()
			assert.Equal(t, "reader boom", v)
			assert.Empty(t, tempfstest.Snapshot(t, fsys, dir))
		})
	}
}

type panicReader struct{}

func (panicReader) Read(p []byte) (int, error) { panic("reader boom") }

// Review finding: a PendingFile of a relative name, then a chdir: Cleanup
// still removes its temp file and Commit still writes the right file.
func TestPendingAfterChdir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	fsys := afero.NewOsFs()
	p, err := tempfs.NewPendingFile(fsys, "gone.json")
	require.NoError(t, err)
	q, err := tempfs.NewPendingFile(fsys, "kept.json")
	require.NoError(t, err)
	_, err = q.WriteString("{}")
	require.NoError(t, err)
	t.Chdir(t.TempDir())
	require.NoError(t, p.Cleanup())
	require.NoError(t, q.Commit())
	assert.Equal(t, "kept.json", q.Name())
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "kept.json", entries[0].Name())
}
