package memfs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

func heapInUse() int64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestSyncGivesBackShrunkData: a file that was big and shrank holds
// no more than its size once synced: its data gives its memory back, and
// so does its synced copy (the old CrashFs copied the data at each sync).
// Not parallel: it measures the heap.
func TestSyncGivesBackShrunkData(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const big = 16 << 20
	for _, track := range []bool{false, true} {
		for _, size := range []int64{10, 0} {
			t.Run(fmt.Sprintf("track=%v/truncate to %d", track, size), func(t *testing.T) {
				fsys := memfs.NewWith(memfs.Options{Root: true, TrackSync: track})
				base := heapInUse()
				h, err := fsys.OpenFile("/f", os.O_CREATE|os.O_RDWR, 0o644)
				require.NoError(t, err)
				defer h.Close()
				_, err = h.Write(make([]byte, big))
				require.NoError(t, err)
				require.NoError(t, h.Sync())
				require.Greater(t, heapInUse()-base, int64(big/2), "the data is held")
				require.NoError(t, h.Truncate(size))
				require.NoError(t, h.Sync())
				assert.Less(t, heapInUse()-base, int64(big/4), "a %d-byte file holds its 16 MiB", size)
				runtime.KeepAlive(fsys)
			})
		}
	}
}

// TestTrackedMemoryBounded: a tracked Fs that keeps replacing and
// removing files, syncing as a careful program does (or never syncing the
// directory), holds no more than what its names refer to now and at the
// last sync: removed files are freed by the GC. Not parallel: it measures
// the heap.
func TestTrackedMemoryBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const size = 1 << 20
	data := make([]byte, size)
	for _, tc := range []struct {
		name    string
		syncDir bool
	}{{"dir synced", true}, {"dir never synced", false}} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := newTrackedFs()
			require.NoError(t, fsys.Mkdir("/d", 0o755))
			base := heapInUse()
			for i := range 64 {
				tmp := fmt.Sprintf("/d/tmp%d", i)
				h, err := fsys.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
				require.NoError(t, err)
				_, err = h.Write(data)
				require.NoError(t, err)
				require.NoError(t, h.Sync())
				require.NoError(t, h.Close())
				require.NoError(t, fsys.Rename(tmp, "/d/target"))
				require.NoError(t, afero.WriteFile(fsys, "/d/scratch", data, 0o644))
				require.NoError(t, fsys.Remove("/d/scratch"))
				if tc.syncDir {
					require.NoError(t, fsys.SyncDir("/d"))
				}
			}
			// At most: the target (data and synced copy), and what the
			// directory named at its last sync.
			assert.Less(t, heapInUse()-base, int64(8*size))
			runtime.KeepAlive(fsys)
		})
	}
}

// TestConcurrentSyncCrash: goroutines create, write, sync, rename,
// link, remove and RemoveAll in shared directories while others sync them
// and crash the Fs; under -race no race, and every image holds together
// and is itself a tracked Fs that crashes again to the same tree.
func TestConcurrentSyncCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("stress: 4 writers, a syncer and a crasher on one tree; skipped with -short")
	}
	t.Parallel()
	const rounds = 200
	fsys := newTrackedFs()
	require.NoError(t, fsys.MkdirAll("/shared/sub", 0o755))
	fsys.SyncAll()
	images := make(chan *memfs.Fs, rounds)
	errs := make(chan error, 64)
	// Writer 0 stops in the middle of each round (its link made, its
	// directory not yet removed) until the crasher has crashed the Fs once:
	// the images are taken while the tree changes, and those that keep
	// everything must hold writer 0's link.
	tick, ack := make(chan struct{}), make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if w == 0 {
				defer close(tick)
			}
			for i := range rounds {
				dir := fmt.Sprintf("/shared/w%d", w)
				tmp := fmt.Sprintf("/shared/tmp%d", w)
				ops := []func() error{
					func() error { return fsys.MkdirAll(dir+"/x", 0o755) },
					func() error {
						h, err := fsys.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_RDWR, 0o644)
						if err != nil {
							return err
						}
						defer h.Close()
						if _, err := h.Write([]byte(fmt.Sprint(w, i))); err != nil {
							return err
						}
						return h.Sync()
					},
					func() error { return fsys.Rename(tmp, "/shared/target") },
					func() error { return fsys.Link("/shared/target", dir+"/x/link") },
					func() error {
						if w == 0 {
							tick <- struct{}{}
							<-ack
						}
						return nil
					},
					func() error { return fsys.SyncDir("/shared") },
					func() error { return fsys.RemoveAll(dir) },
					func() error { return fsys.Rename("/shared/sub", dir+"/sub") },
					func() error { return fsys.Rename(dir+"/sub", "/shared/sub") },
				}
				for _, op := range ops {
					if err := op(); err != nil && !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, fs.ErrExist) {
						errs <- err
						return
					}
				}
			}
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		for range rounds {
			fsys.SyncAll()
			d, err := fsys.Open("/shared")
			if err != nil {
				errs <- err
				return
			}
			if err := d.Sync(); err != nil {
				errs <- err
			}
			d.Close()
		}
	}()
	kept, whole := 0, 0
	go func() {
		defer wg.Done()
		for i := 0; ; i++ {
			if _, ok := <-tick; !ok {
				return
			}
			retain := float64(i%3) / 2
			img, err := fsys.Crash(memfs.CrashOptions{Retain: retain, Seed: uint64(i)})
			if err == nil && retain == 1 {
				whole++
				if _, err = img.Stat("/shared/w0/x/link"); err == nil {
					kept++
				}
			}
			ack <- struct{}{}
			if err != nil {
				errs <- err
				continue
			}
			images <- img
		}
	}()
	wg.Wait()
	close(errs)
	close(images)
	for err := range errs {
		t.Error(err)
	}
	n := 0
	for img := range images {
		if n++; n%5 != 0 {
			continue
		}
		consistent(t, img)
		assert.Equal(t, tree(t, img), tree(t, crash(t, img, 0)))
	}
	assert.Equal(t, rounds, n)
	assert.Positive(t, whole)
	assert.Equal(t, whole, kept, "every image that keeps everything holds writer 0's link")
}
