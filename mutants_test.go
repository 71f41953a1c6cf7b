package tempfs_test

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// plainFs hides every optional interface of the Fs it embeds (DirSyncer,
// StrictFs, HardLinker, ...): tempfs sees an unknown afero.Fs and takes its
// generic paths, such as syncing a directory by opening it.
type plainFs struct{ afero.Fs }

// faultMem returns a FaultFs over a MemMapFs holding dir.
func faultMem(t *testing.T, dir string) *tempfstest.FaultFs {
	t.Helper()
	ff := tempfstest.NewFaultFs(afero.NewMemMapFs())
	require.NoError(t, ff.MkdirAll(dir, 0o755))
	return ff
}

// on matches the calls with op on path.
func on(op, path string) func(c tempfstest.Call) bool {
	return func(c tempfstest.Call) bool { return c.Op == op && c.Path == path }
}

// TestMutantKillers holds the tests that .ci/mutants.sh needs beyond the
// others: each fails when one sync, directory sync or close-error check of
// the library is removed (the mutant named in .ci/mutants.txt), and passes
// otherwise. Each was seen failing under its mutant.
func TestMutantKillers(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")

	// replace-mkparents-ignore: a failing sync of a directory that
	// CreateParents made fails the write and undoes the parents.
	t.Run("CreateParentsDirSyncError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		ff.FailWhen(on("sync", "/d"), boom)
		err := tempfs.WriteFile(ff, "/d/a/b/f", []byte("data"), 0o644, tempfs.CreateParents())
		require.ErrorIs(t, err, boom)
		assert.Equal(t, map[string]string{}, tempfstest.Snapshot(t, ff.Inner(), "/d"))
	})

	// replace-discard-close: when a write fails and closing the temp file
	// fails too, the error says both.
	t.Run("DiscardCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		closeBoom := errors.New("close boom")
		ff.FailWhen(func(c tempfstest.Call) bool {
			return c.Op == "close" && strings.HasPrefix(c.Path, "/d/.f")
		}, closeBoom)
		err := tempfs.WriteReader(ff, "/d/f", &failAfter{n: 10, err: boom}, 0o644)
		require.ErrorIs(t, err, boom)
		assert.ErrorIs(t, err, closeBoom, "the close error is lost")
	})

	// vfs-syncdir-open-ignore and -close: on an Fs tempfs does not know,
	// the directory is synced by opening it; a failing Sync or Close of
	// that directory fails the write.
	for _, op := range []string{"sync", "close"} {
		name := map[string]string{"sync": "PlainFsDirSyncError", "close": "PlainFsDirCloseError"}[op]
		t.Run(name, func(t *testing.T) {
			if runtime.GOOS == "windows" {
				t.Skip("directories are not synced on Windows")
			}
			ff := faultMem(t, "/d")
			ff.FailWhen(on(op, "/d"), boom)
			err := tempfs.WriteFile(plainFs{ff}, "/d/f", []byte("data"), 0o644)
			require.ErrorIs(t, err, boom)
			assert.Contains(t, err.Error(), "sync directory")
		})
	}

	// handle-close: File.Close reports the file's close error.
	t.Run("FileCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		f, err := tempfs.NewFile(ff, "/d", "x-*")
		require.NoError(t, err)
		ff.FailWhen(on("close", f.Name()), boom)
		require.ErrorIs(t, f.Close(), boom)
	})

	// handle-persistobject-close: Persist on an object store reports the
	// temp file's close error.
	t.Run("PersistObjectCloseError", func(t *testing.T) {
		o := newObjectFs()
		ff := tempfstest.NewFaultFs(o.Fs)
		o.Fs = ff
		require.NoError(t, ff.MkdirAll("/d", 0o755))
		f, err := tempfs.NewFile(o, "/d", "x-*")
		require.NoError(t, err)
		_, err = f.WriteString("data")
		require.NoError(t, err)
		ff.FailWhen(on("close", f.Name()), boom)
		err = f.Persist("/d/target")
		require.ErrorIs(t, err, boom)
		data, rerr := afero.ReadFile(ff.Inner(), "/d/target")
		require.NoError(t, rerr)
		assert.Equal(t, "data", string(data), "the content was committed before the close")
	})

	// handle-sync-nosync: File.Sync makes the data durable (CrashFs).
	t.Run("FileSyncDurable", func(t *testing.T) {
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.Mkdir("/d", 0o755))
		fsys.SyncAll()
		f, err := tempfs.NewFile(fsys, "/d", "x-*")
		require.NoError(t, err)
		_, err = f.WriteString("data")
		require.NoError(t, err)
		require.NoError(t, f.Sync())
		require.NoError(t, fsys.SyncDir("/d"))
		name := f.Keep()
		img, err := fsys.Crash(tempfstest.CrashOptions{Retain: 0})
		require.NoError(t, err)
		data, err := afero.ReadFile(img, name)
		require.NoError(t, err)
		assert.Equal(t, "data", string(data), "File.Sync did not make the data durable")
		require.NoError(t, f.Close())
	})

	// handle-sync-ignore: File.Sync reports the sync error.
	t.Run("FileSyncError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		f, err := tempfs.NewFile(ff, "/d", "x-*")
		require.NoError(t, err)
		t.Cleanup(func() { _ = f.Close() })
		ff.FailWhen(on("sync", f.Name()), boom)
		require.ErrorIs(t, f.Sync(), boom)
	})

	// tempfs-withtempdir-close: WithTempDir reports a failed cleanup.
	t.Run("WithTempDirCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		err := tempfs.WithTempDirIn(ff, "/d", "x-*", func(dir string) error {
			ff.FailWhen(func(c tempfstest.Call) bool { return strings.HasPrefix(c.Op, "remove") }, boom)
			return nil
		})
		require.ErrorIs(t, err, boom)
	})

	// tempfs-withtempfile-close: WithTempFile reports a failed close.
	t.Run("WithTempFileCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		err := tempfs.WithTempFileIn(ff, "/d", "x-*", func(f afero.File) error {
			ff.FailWhen(on("close", f.Name()), boom)
			return nil
		})
		require.ErrorIs(t, err, boom)
	})

	// tempfs-readdirnames-close: RemoveAll's walk reports a directory's
	// close error.
	t.Run("RemoveAllDirCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d/t/sub")
		require.NoError(t, afero.WriteFile(ff, "/d/t/sub/f", []byte("x"), 0o644))
		ff.FailWhen(func(c tempfstest.Call) bool {
			return c.Op == "removeall" || c.Op == "close" && c.Path == "/d/t"
		}, boom)
		require.ErrorIs(t, tempfs.RemoveAll(ff, "/d/t"), boom)
	})

	// vfile-sync-nosync: a temp file of a BasePathFs (wrapped by tempfs,
	// as RootFs's files are) is synced before Persist renames it.
	t.Run("BasePathFsCrash", func(t *testing.T) {
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.MkdirAll("/base/d", 0o755))
		fsys.SyncAll()
		bp := afero.NewBasePathFs(fsys, "/base")
		f, err := tempfs.NewFile(bp, "/d", "x-*")
		require.NoError(t, err)
		_, err = f.WriteString("data")
		require.NoError(t, err)
		require.NoError(t, f.Persist("/d/f"))
		for seed := range uint64(5) {
			img, err := fsys.Crash(tempfstest.CrashOptions{Retain: 0, Seed: seed})
			require.NoError(t, err)
			data, err := afero.ReadFile(img, "/base/d/f")
			require.NoError(t, err)
			assert.Equal(t, "data", string(data), "seed %d: the data was not synced", seed)
		}
	})

	// vfile-close: Close of a temp file of a BasePathFs reports the
	// file's close error.
	t.Run("BasePathFsCloseError", func(t *testing.T) {
		ff := faultMem(t, "/base/d")
		f, err := tempfs.NewFile(afero.NewBasePathFs(ff, "/base"), "/d", "x-*")
		require.NoError(t, err)
		ff.FailWhen(func(c tempfstest.Call) bool {
			return c.Op == "close" && strings.HasPrefix(c.Path, filepath.Join("/base", "d", "x-"))
		}, boom)
		require.ErrorIs(t, f.Close(), boom)
	})

	// spooled-close: SpooledFile.Close reports the disk file's close error.
	t.Run("SpooledCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		tmp, err := tempfs.TempDir(ff)
		require.NoError(t, err)
		require.NoError(t, ff.MkdirAll(tmp, 0o755))
		s := tempfs.NewSpooledFile(ff, 4)
		_, err = s.Write([]byte("more than four"))
		require.NoError(t, err)
		ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "close" }, boom)
		require.ErrorIs(t, s.Close(), boom)
	})

	// spooled-rollover-close: a failed rollover reports the disk file's
	// close error as well as the write's.
	t.Run("SpooledRolloverCloseError", func(t *testing.T) {
		ff := faultMem(t, "/d")
		tmp, err := tempfs.TempDir(ff)
		require.NoError(t, err)
		require.NoError(t, ff.MkdirAll(tmp, 0o755))
		s := tempfs.NewSpooledFile(ff, 4)
		t.Cleanup(func() { _ = s.Close() })
		_, err = s.Write([]byte("abc"))
		require.NoError(t, err)
		closeBoom := errors.New("close boom")
		ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "write" || c.Op == "writeat" }, boom)
		ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "close" }, closeBoom)
		_, err = s.Write([]byte("defgh"))
		require.ErrorIs(t, err, boom)
		assert.ErrorIs(t, err, closeBoom, "the close error is lost")
	})
}
