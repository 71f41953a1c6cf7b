package tempfstest_test

import (
	"errors"
	"io/fs"
	"os"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

var errBoom = errors.New("boom")

func ops(calls []tempfstest.Call) []string {
	var out []string
	for _, c := range calls {
		out = append(out, c.Op)
	}
	return out
}

func TestFaultFsRecordsCalls(t *testing.T) {
	t.Parallel()
	ff := tempfstest.NewFaultFs(afero.NewMemMapFs())
	require.NoError(t, ff.MkdirAll("/d", 0o755))
	f, err := ff.OpenFile("/d/f", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	require.NoError(t, err)
	_, err = f.Write([]byte("abc"))
	require.NoError(t, err)
	require.NoError(t, f.Sync())
	require.NoError(t, f.Close())
	require.NoError(t, ff.Rename("/d/f", "/d/g"))
	_, err = ff.Stat("/d/g")
	require.NoError(t, err)
	require.NoError(t, ff.Remove("/d/g"))

	calls := ff.Calls()
	assert.Equal(t, []string{"mkdirall", "openfile", "write", "sync", "close", "rename", "stat", "remove"}, ops(calls))
	for i, c := range calls {
		assert.Equal(t, i, c.Index)
	}
	assert.Equal(t, "/d/f", calls[2].Path, "file calls carry the file's name")
	assert.Equal(t, tempfstest.Call{Index: 5, Op: "rename", Path: "/d/f", NewPath: "/d/g"}, calls[5])
	assert.Equal(t, 8, ff.Count())
	ff.Reset()
	assert.Zero(t, ff.Count())
}

func TestFaultFsFailAt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		k      int
		wantOp string
	}{
		{"fs call", 0, "openfile"},
		{"file call", 1, "write"},
		{"sync", 2, "sync"},
		{"close", 3, "close"},
		{"rename", 4, "rename"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			inner := afero.NewMemMapFs()
			ff := tempfstest.NewFaultFs(inner)
			ff.FailAt(tc.k, errBoom)
			var failed error
			note := func(err error) {
				if err != nil && failed == nil {
					failed = err
				}
			}
			f, err := ff.OpenFile("/f", os.O_RDWR|os.O_CREATE, 0o600)
			note(err)
			if err == nil {
				_, err = f.Write([]byte("x"))
				note(err)
				note(f.Sync())
				note(f.Close())
			}
			note(ff.Rename("/f", "/g"))
			require.Error(t, failed)
			assert.ErrorIs(t, failed, errBoom, "errors.Is(returned, injected)")
			var pe *fs.PathError
			var le *os.LinkError
			assert.True(t, errors.As(failed, &pe) || errors.As(failed, &le))
			assert.Equal(t, tc.wantOp, ff.Calls()[tc.k].Op)
			n := 0
			for _, c := range ff.Calls() {
				if c.Index == tc.k {
					n++
				}
			}
			assert.Equal(t, 1, n)
		})
	}
}

func TestFaultFsFailedCallHasNoEffect(t *testing.T) {
	t.Parallel()
	inner := afero.NewMemMapFs()
	ff := tempfstest.NewFaultFs(inner)
	ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "mkdir" && c.Path == "/x" }, errBoom)
	assert.ErrorIs(t, ff.Mkdir("/x", 0o755), errBoom)
	_, err := inner.Stat("/x")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	assert.NoError(t, ff.Mkdir("/y", 0o755), "other paths pass")
}

func TestFaultFsFailFrom(t *testing.T) {
	t.Parallel()
	ff := tempfstest.NewFaultFs(afero.NewMemMapFs())
	ff.FailFrom(1, errBoom)
	assert.NoError(t, ff.Mkdir("/a", 0o755))
	assert.ErrorIs(t, ff.Mkdir("/b", 0o755), errBoom)
	_, err := ff.Stat("/a")
	assert.ErrorIs(t, err, errBoom)
}

func TestFaultFsSyncDir(t *testing.T) {
	t.Parallel()
	t.Run("inner DirSyncer", func(t *testing.T) {
		ff := tempfstest.NewFaultFs(tempfstest.NewCrashFs())
		require.NoError(t, ff.SyncDir("/"))
		assert.Equal(t, []string{"syncdir"}, ops(ff.Calls()))
		ff.FailAt(1, errBoom)
		assert.ErrorIs(t, ff.SyncDir("/"), errBoom)
	})
	t.Run("emulated", func(t *testing.T) {
		ff := tempfstest.NewFaultFs(afero.NewMemMapFs())
		require.NoError(t, ff.MkdirAll("/d", 0o755))
		ff.Reset()
		require.NoError(t, ff.SyncDir("/d"))
		if len(ff.Calls()) > 1 { // not Windows
			assert.Equal(t, []string{"open", "sync", "close"}, ops(ff.Calls()))
			ff.FailAt(ff.Count()+1, errBoom)
			assert.ErrorIs(t, ff.SyncDir("/d"), errBoom, "the directory's Sync can fail")
		}
	})
}

func TestFaultFsLink(t *testing.T) {
	t.Parallel()
	ff := tempfstest.NewFaultFs(tempfstest.NewCrashFs())
	require.NoError(t, afero.WriteFile(ff, "/a", []byte("a"), 0o600))
	require.NoError(t, ff.Link("/a", "/b"))
	assert.ErrorIs(t, ff.Link("/a", "/b"), fs.ErrExist)

	mem := tempfstest.NewFaultFs(afero.NewMemMapFs())
	assert.ErrorIs(t, mem.Link("/a", "/b"), errors.ErrUnsupported)
	var _ tempfs.HardLinker = mem
}

func TestFaultFsConcurrent(t *testing.T) {
	t.Parallel()
	ff := tempfstest.NewFaultFs(tempfstest.NewCrashFs())
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 100 {
				_, _ = ff.Stat("/")
			}
		})
	}
	wg.Wait()
	calls := ff.Calls()
	require.Len(t, calls, 800)
	for i, c := range calls {
		assert.Equal(t, i, c.Index)
	}
}

// TestFaultFsAtomicWrite shows the use the wrapper is for: an atomic write
// failing at each of its calls leaves the target as it was and no temp
// file behind.
func TestFaultFsAtomicWrite(t *testing.T) {
	t.Parallel()
	count := tempfstest.NewFaultFs(newDataFs(t))
	require.NoError(t, tempfs.WriteFile(count, "/data/f", []byte("new"), 0o644))
	n := count.Count()
	for k := 0; k < n; k++ {
		inner := newDataFs(t)
		ff := tempfstest.NewFaultFs(inner)
		ff.FailAt(k, errBoom)
		err := tempfs.WriteFile(ff, "/data/f", []byte("new"), 0o644)
		op := ff.Calls()[k].Op
		if op == "syncdir" {
			// The rename happened; only its durability is in doubt.
			assert.ErrorIs(t, err, errBoom)
			continue
		}
		require.ErrorIs(t, err, errBoom, "call %d (%s)", k, op)
		got, err := afero.ReadFile(inner, "/data/f")
		require.NoError(t, err)
		assert.Equal(t, "old", string(got), "call %d (%s)", k, op)
		infos, err := afero.ReadDir(inner, "/data")
		require.NoError(t, err)
		if assert.Len(t, infos, 1, "call %d (%s): no temp file left", k, op) {
			assert.Equal(t, "f", infos[0].Name())
		}
	}
}

func newDataFs(t *testing.T) afero.Fs {
	t.Helper()
	fsys := tempfstest.NewCrashFs()
	require.NoError(t, fsys.Mkdir("/data", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/data/f", []byte("old"), 0o644))
	return fsys
}
