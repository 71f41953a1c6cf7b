package tempfstest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// The model tests run a protocol once to count its calls (N), then crash
// it before each call k in 0..N and look at every crash image (retention
// 0, 0.5 and 1, 50 seeds each): an unsafe protocol must be caught by some
// image, a safe one by none.

var errModelCrash = errors.New("simulated crash")

// protocol is a sequence of calls on fsys that should replace /f.
type protocol func(fsys afero.Fs) error

// crashAll runs p on fresh copies of setup's Fs, crashed before each of
// its calls in turn, and returns the images for which bad says what is
// wrong; after returns those of the uninterrupted run (k = N).
func crashAll(t *testing.T, setup func(t *testing.T) *tempfstest.CrashFs, p protocol, sector int, bad func(img afero.Fs) string) (found, after []string) {
	t.Helper()
	count := tempfstest.NewFaultFs(setup(t))
	require.NoError(t, p(count))
	calls := count.Count()
	require.Positive(t, calls)
	for k := 0; k <= calls; k++ {
		fsys := setup(t)
		ff := tempfstest.NewFaultFs(fsys)
		ff.FailFrom(k, errModelCrash)
		err := p(ff)
		if k < calls {
			require.ErrorIs(t, err, errModelCrash, "crash before call %d", k)
		} else {
			require.NoError(t, err)
		}
		for _, retain := range []float64{0, 0.5, 1} {
			for seed := range uint64(50) {
				img, err := fsys.Crash(tempfstest.CrashOptions{Retain: retain, Seed: seed, Sector: sector})
				require.NoError(t, err)
				if msg := bad(img); msg != "" {
					msg = fmt.Sprintf("k=%d retain=%v seed=%d: %s", k, retain, seed, msg)
					found = append(found, msg)
					if k == calls {
						after = append(after, msg)
					}
				}
			}
		}
	}
	return found, after
}

// modelData returns n bytes that differ per seed in every byte.
func modelData(seed byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i%251)*2
	}
	return b
}

// durableFile returns a setup with /f holding data with mode perm, durable.
func durableFile(data []byte, perm fs.FileMode) func(t *testing.T) *tempfstest.CrashFs {
	return func(t *testing.T) *tempfstest.CrashFs {
		t.Helper()
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, afero.WriteFile(fsys, "/f", data, perm))
		require.NoError(t, fsys.Chmod("/f", perm))
		fsys.SyncAll()
		return fsys
	}
}

// overwriteInPlace writes data over /f in place, then fsyncs it: unsafe,
// as a crash before the fsync completes can leave some sectors old and
// some new.
func overwriteInPlace(data []byte) protocol {
	return func(fsys afero.Fs) error {
		f, err := fsys.OpenFile("/f", os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		if _, err := f.WriteAt(data, 0); err != nil {
			_ = f.Close()
			return err
		}
		if err := f.Sync(); err != nil {
			_ = f.Close()
			return err
		}
		return f.Close()
	}
}

// TestCrashTornOverwrite: an in-place overwrite smaller than a 4 KiB page,
// followed by fsync, is not crash-safe: some crash image holds neither the
// old nor the new content. With Sector 1 even a 100-byte overwrite tears.
func TestCrashTornOverwrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		size   int
		sector int
	}{
		{"3000 bytes, 512-byte sectors", 3000, 0},
		{"1 KiB, 512-byte sectors", 1024, 0},
		{"100 bytes, byte sectors", 100, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			oldData, newData := modelData(1, tc.size), modelData(2, tc.size)
			bad, _ := crashAll(t, durableFile(oldData, 0o644), overwriteInPlace(newData), tc.sector, func(img afero.Fs) string {
				got, err := afero.ReadFile(img, "/f")
				if err != nil {
					return err.Error()
				}
				if !bytes.Equal(got, oldData) && !bytes.Equal(got, newData) {
					return "torn"
				}
				return ""
			})
			assert.NotEmpty(t, bad, "some crash image must be torn")
		})
	}
}

// replaceWithChmod replaces /f by a temp file in / holding data: create
// (mode 0o600), write, then chmod to perm before the fsync (chmodFirst) or
// after the rename and directory sync, unsynced.
func replaceWithChmod(data []byte, perm fs.FileMode, chmodFirst bool) protocol {
	return func(fsys afero.Fs) error {
		f, err := fsys.OpenFile("/f.tmp", os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if err == nil && chmodFirst {
			err = fsys.Chmod("/f.tmp", perm)
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = fsys.Rename("/f.tmp", "/f")
		}
		if err == nil {
			err = fsys.(interface{ SyncDir(string) error }).SyncDir("/")
		}
		if err == nil && !chmodFirst {
			err = fsys.Chmod("/f", perm)
		}
		return err
	}
}

// TestCrashChmodNeedsSync: a mode set after the file's last fsync may be
// lost even after the protocol returned: the image of a crash right after
// it holds NEW with the temp file's mode. Set before the fsync (as tempfs
// does) the mode survives with the data, and after success NEW is there
// with its mode in every image.
func TestCrashChmodNeedsSync(t *testing.T) {
	t.Parallel()
	oldData, newData := modelData(1, 700), modelData(2, 900)
	const oldPerm, newPerm = 0o640, 0o644
	setup := durableFile(oldData, oldPerm)
	check := func(wantNew bool) func(img afero.Fs) string {
		return func(img afero.Fs) string {
			got, err := afero.ReadFile(img, "/f")
			if err != nil {
				return err.Error()
			}
			fi, err := img.Stat("/f")
			if err != nil {
				return err.Error()
			}
			switch {
			case !wantNew && bytes.Equal(got, oldData) && fi.Mode().Perm() == oldPerm:
			case bytes.Equal(got, newData) && fi.Mode().Perm() == newPerm:
			default:
				return fmt.Sprintf("%d bytes with mode %v", len(got), fi.Mode().Perm())
			}
			return ""
		}
	}
	t.Run("unsynced chmod after the rename is lost after success", func(t *testing.T) {
		t.Parallel()
		// Only the uninterrupted run counts: a crash before the chmod
		// call loses it under any model.
		_, after := crashAll(t, setup, replaceWithChmod(newData, newPerm, false), 0, check(true))
		assert.NotEmpty(t, after, "some image after success must hold NEW with the temp file's mode")
	})
	t.Run("chmod before the fsync survives", func(t *testing.T) {
		t.Parallel()
		bad, _ := crashAll(t, setup, replaceWithChmod(newData, newPerm, true), 0, check(false))
		assert.Empty(t, bad, "every image holds OLD or NEW, each with its mode")
		_, after := crashAll(t, setup, replaceWithChmod(newData, newPerm, true), 0, check(true))
		assert.Empty(t, after, "after success every image holds NEW with its mode")
	})
}

// TestCrashModeDurability: what makes a mode durable, image by image.
func TestCrashModeDurability(t *testing.T) {
	t.Parallel()
	syncFile := func(t *testing.T, fsys *tempfstest.CrashFs, name string) {
		t.Helper()
		f, err := fsys.Open(name)
		require.NoError(t, err)
		require.NoError(t, f.Sync())
		require.NoError(t, f.Close())
	}
	tests := []struct {
		name    string
		target  string
		setup   func(t *testing.T, fsys *tempfstest.CrashFs)
		want0   fs.FileMode // in the 0 % image
		want100 fs.FileMode // in the 100 % image
	}{
		{"new file: creation mode comes with its name", "/f", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o604))
			require.NoError(t, fsys.SyncDir("/"))
		}, 0o604, 0o604},
		{"unsynced chmod of a file is lost", "/f", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o600))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/f", 0o644))
		}, 0o600, 0o644},
		{"file fsync keeps the chmod", "/f", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o600))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/f", 0o644))
			syncFile(t, fsys, "/f")
		}, 0o644, 0o644},
		{"directory sync does not keep a file's chmod", "/f", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o600))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/f", 0o644))
			require.NoError(t, fsys.SyncDir("/"))
		}, 0o600, 0o644},
		{"unsynced chmod of a directory is lost", "/d", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, fsys.Mkdir("/d", 0o755))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/d", 0o700))
		}, 0o755, 0o700},
		{"directory sync keeps its chmod", "/d", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, fsys.Mkdir("/d", 0o755))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/d", 0o700))
			require.NoError(t, fsys.SyncDir("/d"))
		}, 0o700, 0o700},
		{"hard links share the mode", "/g", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o600))
			require.NoError(t, fsys.Link("/f", "/g"))
			fsys.SyncAll()
			require.NoError(t, fsys.Chmod("/f", 0o644))
			syncFile(t, fsys, "/g")
		}, 0o644, 0o644},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := tempfstest.NewCrashFs()
			tc.setup(t, fsys)
			for _, c := range []struct {
				retain float64
				want   fs.FileMode
			}{{0, tc.want0}, {1, tc.want100}} {
				fi, err := crashImage(t, fsys, c.retain, 1).Stat(tc.target)
				require.NoError(t, err)
				assert.Equal(t, c.want, fi.Mode().Perm(), "retain %v", c.retain)
			}
		})
	}
}
