package tempfstest_test

import (
	"fmt"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// fakeTB records what NewFs does with a testing.TB: its cleanups and its
// errors. Methods it does not override panic (nil embedded TB), so the
// test notices if NewFs calls anything else.
type fakeTB struct {
	testing.TB
	cleanups []func()
	errors   []string
}

func (f *fakeTB) Helper()           {}
func (f *fakeTB) Name() string      { return "TestUserCode" }
func (f *fakeTB) Cleanup(fn func()) { f.cleanups = append(f.cleanups, fn) }
func (f *fakeTB) Errorf(format string, args ...any) {
	f.errors = append(f.errors, fmt.Sprintf(format, args...))
}

// finish runs the cleanups as testing does: last registered first.
func (f *fakeTB) finish() {
	for i := len(f.cleanups) - 1; i >= 0; i-- {
		f.cleanups[i]()
	}
}

func TestNewFsLeakCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		use       func(t *testing.T, tb *fakeTB, fsys afero.Fs)
		wantFail  bool
		wantNames []string
	}{
		{"unused", func(*testing.T, *fakeTB, afero.Fs) {}, false, nil},
		{"file removed", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			f, err := tempfs.NewFile(fsys, "", "x-*")
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}, false, nil},
		{"dir removed by a cleanup registered later", func(t *testing.T, tb *fakeTB, fsys afero.Fs) {
			d, err := tempfs.NewDir(fsys, "", "d-*")
			require.NoError(t, err)
			tb.Cleanup(func() { assert.NoError(t, d.Close()) })
		}, false, nil},
		{"leaked file", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			f, err := tempfs.CreateTemp(fsys, "", "leak-*")
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}, true, []string{"/tmp/leak-"}},
		{"leaked dir with a file", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			d, err := tempfs.MkdirTemp(fsys, "", "leakdir-*")
			require.NoError(t, err)
			require.NoError(t, afero.WriteFile(fsys, d+"/inner", []byte("x"), 0o600))
		}, true, []string{"/tmp/leakdir-", "/inner"}},
		{"pending file outside the temp dir", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			require.NoError(t, fsys.MkdirAll("/data", 0o755))
			p, err := tempfs.NewPendingFile(fsys, "/data/out.json")
			require.NoError(t, err)
			_, err = p.WriteString("{}")
			require.NoError(t, err)
		}, true, []string{"TestUserCode", "/data/.out.json.tempfs-"}},
		{"temp dir outside the temp dir", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			require.NoError(t, fsys.MkdirAll("/spool", 0o755))
			_, err := tempfs.MkdirTemp(fsys, "/spool", "job-*")
			require.NoError(t, err)
		}, true, []string{"/spool/job-"}},
		{"committed and cleaned-up files are not leaks", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			require.NoError(t, fsys.MkdirAll("/data", 0o755))
			require.NoError(t, tempfs.WriteFile(fsys, "/data/a", []byte("x"), 0o600))
			p, err := tempfs.NewPendingFile(fsys, "/data/b")
			require.NoError(t, err)
			require.NoError(t, p.Cleanup())
			f, err := tempfs.NewFile(fsys, "/data", "persist-*")
			require.NoError(t, err)
			require.NoError(t, f.Persist("/data/c"))
			require.NoError(t, f.Close())
		}, false, nil},
		{"files outside the temp dir are not leaks", func(t *testing.T, _ *fakeTB, fsys afero.Fs) {
			require.NoError(t, afero.WriteFile(fsys, "/data", []byte("x"), 0o600))
		}, false, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tb := &fakeTB{}
			fsys := tempfstest.NewFs(tb)
			require.Len(t, tb.cleanups, 1, "NewFs registers its check with Cleanup")
			tc.use(t, tb, fsys)
			tb.finish()
			if !tc.wantFail {
				assert.Empty(t, tb.errors, "a clean test must not fail")
				return
			}
			require.Len(t, tb.errors, 1, "a leaking test must fail")
			for _, n := range tc.wantNames {
				assert.Contains(t, tb.errors[0], n)
			}
		})
	}
}

func TestNewFsIsFaithful(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewFs(t)
	assert.NoError(t, tempfstest.CheckFs(fsys), "NewFs gives a POSIX-like Fs")
}
