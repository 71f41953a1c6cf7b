package tempfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestCrashKeepsMode crashes an atomic write before each of its calls and
// checks, in every crash image, the target's mode beside its content: OLD
// with OLD's mode or NEW with NEW's. CrashFs loses a mode set after the
// file's last fsync, so this holds only because tempfs sets the temp
// file's mode before it syncs it. After success, the image with nothing
// unsynced kept must hold NEW with its mode.
func TestCrashKeepsMode(t *testing.T) {
	t.Parallel()
	const (
		dir     = "/data"
		target  = "/data/target"
		oldPerm = fs.FileMode(0o640)
		newPerm = fs.FileMode(0o604)
	)
	oldData, newData := bytes.Repeat([]byte("old!"), 700), bytes.Repeat([]byte("new."), 900)
	errStop := errors.New("simulated crash")
	write := map[string]func(fsys afero.Fs, opts ...tempfs.Option) error{
		"WriteFile": func(fsys afero.Fs, opts ...tempfs.Option) error {
			return tempfs.WriteFile(fsys, target, newData, newPerm, opts...)
		},
		"WriteReader": func(fsys afero.Fs, opts ...tempfs.Option) error {
			return tempfs.WriteReader(fsys, target, bytes.NewReader(newData), newPerm, opts...)
		},
	}
	tests := []struct {
		name     string
		writer   string
		opts     []tempfs.Option
		wantPerm fs.FileMode // NEW's mode
	}{
		// By default an existing target keeps its mode (issue 17).
		{"WriteFile", "WriteFile", nil, oldPerm},
		{"WriteReader", "WriteReader", nil, oldPerm},
		{"WriteFile/WithPermissions", "WriteFile", []tempfs.Option{tempfs.WithPermissions(newPerm)}, newPerm},
		{"WriteFile/WithStaticPermissions", "WriteFile", []tempfs.Option{tempfs.WithStaticPermissions(newPerm)}, newPerm},
		{"WriteReader/WithStaticPermissions", "WriteReader", []tempfs.Option{tempfs.WithStaticPermissions(newPerm)}, newPerm},
	}
	setup := func(t *testing.T) *tempfstest.CrashFs {
		t.Helper()
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.Mkdir(dir, 0o755))
		require.NoError(t, afero.WriteFile(fsys, target, oldData, oldPerm))
		require.NoError(t, fsys.Chmod(target, oldPerm))
		fsys.SyncAll()
		return fsys
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			w := write[tc.writer]
			count := tempfstest.NewFaultFs(setup(t))
			require.NoError(t, w(count, tc.opts...))
			calls := count.Count()
			var bad, notNew []string
			for k := 0; k <= calls; k++ {
				fsys := setup(t)
				ff := tempfstest.NewFaultFs(fsys)
				ff.FailFrom(k, errStop)
				if err := w(ff, tc.opts...); k < calls {
					require.ErrorIs(t, err, errStop)
				} else {
					require.NoError(t, err)
				}
				for _, retain := range []float64{0, 0.5, 1} {
					for seed := range uint64(30) {
						img, err := fsys.Crash(tempfstest.CrashOptions{Retain: retain, Seed: seed})
						require.NoError(t, err)
						got, err := afero.ReadFile(img, target)
						require.NoError(t, err)
						fi, err := img.Stat(target)
						require.NoError(t, err)
						where := fmt.Sprintf("k=%d retain=%v seed=%d: %d bytes, mode %v", k, retain, seed, len(got), fi.Mode().Perm())
						isOld := bytes.Equal(got, oldData) && fi.Mode().Perm() == oldPerm
						isNew := bytes.Equal(got, newData) && fi.Mode().Perm() == tc.wantPerm
						if !isOld && !isNew {
							bad = append(bad, where)
						}
						if k == calls && retain == 0 && !isNew {
							notNew = append(notNew, where)
						}
					}
				}
			}
			assert.Empty(t, bad[:min(3, len(bad))], "%d images without OLD or NEW, each with its mode", len(bad))
			assert.Empty(t, notNew[:min(3, len(notNew))], "%d images after success without NEW and its mode", len(notNew))
		})
	}
}
