package tempfstest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestSuiteCrashFs runs the whole cross-backend suite on the crash
// simulator: it must behave as a faithful Fs, not only track durability.
func TestSuiteCrashFs(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name:               "CrashFs",
		IgnoresPermissions: true,
		New: func(t testing.TB) (afero.Fs, string) {
			fsys := tempfstest.NewCrashFs()
			require.NoError(t, fsys.MkdirAll("/work", 0o700))
			return fsys, "/work"
		},
	})
}

func crashImage(t *testing.T, fsys *tempfstest.CrashFs, retain float64, seed uint64) afero.Fs {
	t.Helper()
	img, err := fsys.Crash(tempfstest.CrashOptions{Retain: retain, Seed: seed})
	require.NoError(t, err)
	return img
}

func TestCrashDurability(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		setup    func(t *testing.T, fsys *tempfstest.CrashFs)
		want0    string // content of /f in the 0 % image, "" meaning absent
		want100  string
		wantSize int // -1: absent in the 0 % image
	}{
		{"unsynced new file is lost", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", []byte("data"), 0o600))
		}, "", "data", -1},
		{"synced dir entry, unsynced data: empty file", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", []byte("data"), 0o600))
			require.NoError(t, fsys.SyncDir("/"))
		}, "", "data", 0},
		{"synced data, unsynced entry: lost", func(t *testing.T, fsys *tempfstest.CrashFs) {
			f, err := fsys.Create("/f")
			require.NoError(t, err)
			_, err = f.Write([]byte("data"))
			require.NoError(t, err)
			require.NoError(t, f.Sync())
			require.NoError(t, f.Close())
		}, "", "data", -1},
		{"both synced, via Open(dir).Sync", func(t *testing.T, fsys *tempfstest.CrashFs) {
			f, err := fsys.Create("/f")
			require.NoError(t, err)
			_, err = f.Write([]byte("data"))
			require.NoError(t, err)
			require.NoError(t, f.Sync())
			require.NoError(t, f.Close())
			d, err := fsys.Open("/")
			require.NoError(t, err)
			require.NoError(t, d.Sync())
			require.NoError(t, d.Close())
		}, "data", "data", 4},
		{"unsynced remove is undone", func(t *testing.T, fsys *tempfstest.CrashFs) {
			require.NoError(t, afero.WriteFile(fsys, "/f", []byte("data"), 0o600))
			fsys.SyncAll()
			require.NoError(t, fsys.Remove("/f"))
		}, "data", "", 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := tempfstest.NewCrashFs()
			tc.setup(t, fsys)
			got, err := afero.ReadFile(crashImage(t, fsys, 0, 1), "/f")
			if tc.wantSize < 0 {
				assert.ErrorIs(t, err, fs.ErrNotExist)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want0, string(got))
			}
			got, err = afero.ReadFile(crashImage(t, fsys, 1, 1), "/f")
			if tc.want100 == "" {
				assert.ErrorIs(t, err, fs.ErrNotExist)
			} else {
				require.NoError(t, err)
				assert.Equal(t, tc.want100, string(got), "100 %% keeps everything")
			}
		})
	}
}

// TestCrashPartialSectors: with 50 % retention unsynced data survives in
// whole 512-byte sectors, gaps read as zeros, a 4 KiB page can hold both,
// and the same seed gives the same image.
func TestCrashPartialSectors(t *testing.T) {
	t.Parallel()
	const sector = tempfstest.CrashSectorSize
	fsys := tempfstest.NewCrashFs()
	data := bytes.Repeat([]byte{0xAB}, 16*4096)
	require.NoError(t, afero.WriteFile(fsys, "/f", data, 0o600))
	require.NoError(t, fsys.SyncDir("/"))
	kinds := map[string]bool{}
	for seed := range uint64(50) {
		got, err := afero.ReadFile(crashImage(t, fsys, 0.5, seed), "/f")
		require.NoError(t, err)
		again, err := afero.ReadFile(crashImage(t, fsys, 0.5, seed), "/f")
		require.NoError(t, err)
		assert.Equal(t, got, again, "a seed makes the same image")
		for off := 0; off < len(got); off += sector {
			blk := got[off:min(off+sector, len(got))]
			switch {
			case bytes.Equal(blk, data[:len(blk)]):
				kinds["kept"] = true
			case bytes.Count(blk, []byte{0}) == len(blk):
				kinds["zero"] = true
			default:
				t.Fatalf("seed %d: sector at %d is torn", seed, off)
			}
		}
		for off := 0; off+4096 <= len(got); off += 4096 {
			page := got[off : off+4096]
			if n := bytes.Count(page, []byte{0}); n > 0 && n < len(page) {
				kinds["torn page"] = true
			}
		}
		kinds[fmt.Sprintf("len%v", len(got) == len(data))] = true
	}
	assert.Equal(t, map[string]bool{"kept": true, "zero": true, "torn page": true, "lentrue": true, "lenfalse": true}, kinds)
}

func TestCrashHardLinksAndRetainCheck(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewCrashFs()
	require.NoError(t, afero.WriteFile(fsys, "/a", []byte("x"), 0o600))
	require.NoError(t, fsys.Link("/a", "/b"))
	assert.ErrorIs(t, fsys.Link("/a", "/b"), fs.ErrExist)
	fsys.SyncAll()
	img := crashImage(t, fsys, 0, 0)
	f, err := img.OpenFile("/a", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.Write([]byte("y"))
	require.NoError(t, err)
	require.NoError(t, f.Close())
	got, err := afero.ReadFile(img, "/b")
	require.NoError(t, err)
	assert.Equal(t, "xy", string(got), "links share data after a crash too")

	for _, r := range []float64{-0.1, 1.5, math.NaN()} {
		_, err := fsys.Crash(tempfstest.CrashOptions{Retain: r})
		assert.Error(t, err, "Retain %v", r)
	}
	_, err = fsys.Crash(tempfstest.CrashOptions{Sector: -1})
	assert.Error(t, err, "negative Sector")
}

func TestCrashFsPOSIX(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewCrashFs()
	require.NoError(t, fsys.MkdirAll("/d/sub", 0o755))
	require.NoError(t, fsys.Mkdir("/e", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("f"), 0o600))
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"mkdir existing", fsys.Mkdir("/d", 0o755), fs.ErrExist},
		{"mkdir missing parent", fsys.Mkdir("/x/y", 0o755), fs.ErrNotExist},
		{"mkdirall through a file", fsys.MkdirAll("/f/y", 0o755), syscall.ENOTDIR},
		// As os.Rename, which checks the target itself: EEXIST, also for
		// a directory onto an empty directory.
		{"rename file onto dir", fsys.Rename("/f", "/d"), syscall.EEXIST},
		{"rename dir onto empty dir", fsys.Rename("/d/sub", "/e"), syscall.EEXIST},
		{"rename dir onto file", fsys.Rename("/d", "/f"), syscall.ENOTDIR},
		{"rename dir into itself", fsys.Rename("/d", "/d/sub/d"), syscall.EINVAL},
		{"rename missing", fsys.Rename("/nope", "/x"), fs.ErrNotExist},
		{"remove non-empty", fsys.Remove("/d"), syscall.ENOTEMPTY},
		{"remove missing", fsys.Remove("/nope"), fs.ErrNotExist},
		{"open dir for writing", openErr(fsys, "/d", os.O_WRONLY), syscall.EISDIR},
		{"excl existing", openErr(fsys, "/f", os.O_CREATE|os.O_EXCL|os.O_RDWR), fs.ErrExist},
		{"create in missing parent", openErr(fsys, "/x/f", os.O_CREATE|os.O_RDWR), fs.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.want)
			var pe *fs.PathError
			var le *os.LinkError
			assert.True(t, errors.As(tc.err, &pe) || errors.As(tc.err, &le), "%T", tc.err)
		})
	}
}

func openErr(fsys afero.Fs, name string, flag int) error {
	f, err := fsys.OpenFile(name, flag, 0o600)
	if err == nil {
		_ = f.Close()
	}
	return err
}

func TestCrashFsFileOps(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewCrashFs()
	f, err := fsys.Create("/f")
	require.NoError(t, err)
	_, err = f.Write([]byte("hello"))
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("J"), 0)
	require.NoError(t, err)
	pos, err := f.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	assert.Equal(t, int64(5), pos, "WriteAt does not move the offset")
	_, err = f.Seek(-30, io.SeekEnd)
	assert.ErrorIs(t, err, syscall.EINVAL)
	_, err = f.WriteAt([]byte("!"), 7)
	require.NoError(t, err)
	buf := make([]byte, 10)
	n, err := f.ReadAt(buf, 0)
	assert.Equal(t, 8, n)
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, "Jello\x00\x00!", string(buf[:n]))
	require.NoError(t, f.Truncate(2))
	require.NoError(t, f.Close())
	assert.ErrorIs(t, f.Close(), fs.ErrClosed)
	_, err = f.Write([]byte("x"))
	assert.ErrorIs(t, err, fs.ErrClosed)

	r, err := fsys.Open("/f")
	require.NoError(t, err)
	_, err = r.Write([]byte("x"))
	assert.ErrorIs(t, err, syscall.EBADF, "read-only handle")
	require.NoError(t, r.Close())
}

func TestCrashFsConcurrentExcl(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewCrashFs()
	for trial := range 200 {
		name := fmt.Sprintf("/f%d", trial)
		var wins atomic.Int32
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				f, err := fsys.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o600)
				if err == nil {
					wins.Add(1)
					assert.NoError(t, f.Close())
				} else {
					assert.ErrorIs(t, err, fs.ErrExist)
				}
			})
		}
		wg.Wait()
		assert.Equal(t, int32(1), wins.Load(), "trial %d", trial)
	}
}
