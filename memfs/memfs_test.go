package memfs_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

var (
	_ afero.Fs          = (*memfs.Fs)(nil)
	_ afero.Lstater     = (*memfs.Fs)(nil)
	_ afero.Symlinker   = (*memfs.Fs)(nil)
	_ afero.LinkReader  = (*memfs.Fs)(nil)
	_ tempfs.DirSyncer  = (*memfs.Fs)(nil)
	_ tempfs.HardLinker = (*memfs.Fs)(nil)
	_ tempfs.StrictFs   = (*memfs.Fs)(nil)
)

// TestConcurrentOneDirectory has 16 goroutines create, rename, remove and
// list in one directory. Every goroutine owns its names, so at the end the
// directory must hold exactly the names each one left, once; listings
// taken meanwhile must never show a name twice.
func TestConcurrentOneDirectory(t *testing.T) {
	const workers, rounds = 16, 100
	fsys := memfs.New()
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Go(func() {
			for i := range rounds {
				a, b := fmt.Sprintf("/d/w%d-a%d", w, i), fmt.Sprintf("/d/w%d-b%d", w, i)
				err := errors.Join(
					afero.WriteFile(fsys, a, []byte("x"), 0o644),
					fsys.Rename(a, b),
					fsys.Mkdir(a, 0o755),
					fsys.Rename(a, b+"dir"),
					fsys.Remove(b+"dir"),
				)
				if i%2 == 1 {
					err = errors.Join(err, fsys.Remove(b))
				}
				names, rerr := readNames(fsys, "/d", 64)
				if err = errors.Join(err, rerr); err == nil && len(slices.Compact(names)) != len(names) {
					err = fmt.Errorf("a listing holds a name twice: %d names", len(names))
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	var want []string
	for w := range workers {
		for i := 0; i < rounds; i += 2 {
			want = append(want, fmt.Sprintf("w%d-b%d", w, i))
		}
	}
	slices.Sort(want)
	got, err := readNames(fsys, "/d", 0)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// readNames lists dir in pages of n (all at once if n <= 0), sorted.
func readNames(fsys afero.Fs, dir string, n int) ([]string, error) {
	d, err := fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	var all []string
	for {
		names, err := d.Readdirnames(n)
		all = append(all, names...)
		if err != nil || n <= 0 {
			slices.Sort(all)
			if errors.Is(err, io.EOF) {
				err = nil
			}
			return all, err
		}
	}
}

// TestConcurrentExclAndRename races O_EXCL creators of one name, then
// renamers of it: exactly one of each wins every round.
func TestConcurrentExclAndRename(t *testing.T) {
	const workers, rounds = 8, 200
	fsys := memfs.New()
	race := func(fn func(w int) error) (wins int) {
		var wg sync.WaitGroup
		results := make([]error, workers)
		start := make(chan struct{})
		for w := range workers {
			wg.Go(func() {
				<-start
				results[w] = fn(w)
			})
		}
		close(start)
		wg.Wait()
		for _, err := range results {
			if err == nil {
				wins++
			}
		}
		return wins
	}
	for r := range rounds {
		name := fmt.Sprintf("/f%d", r)
		created := race(func(int) error {
			f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			if err == nil {
				err = f.Close()
			} else if !errors.Is(err, fs.ErrExist) {
				t.Error(err)
			}
			return err
		})
		renamed := race(func(w int) error { return fsys.Rename(name, fmt.Sprintf("%s-%d", name, w)) })
		require.Equal(t, 1, created, "creators winning round %d", r)
		require.Equal(t, 1, renamed, "renamers winning round %d", r)
	}
}

// TestMemoryFreed checks that the data of a removed file is freed once its
// last handle is closed, and not before.
func TestMemoryFreed(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const size = 64 << 20
	fsys := memfs.New()
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	before := heap()
	require.NoError(t, afero.WriteFile(fsys, "/big", make([]byte, size), 0o644))
	f, err := fsys.Open("/big")
	require.NoError(t, err)
	require.NoError(t, fsys.Remove("/big"))
	assert.Greater(t, heap(), before+size/2, "an open handle keeps the data")
	buf := make([]byte, 4)
	n, err := f.ReadAt(buf, size-4)
	assert.NoError(t, err)
	assert.Equal(t, 4, n)
	require.NoError(t, f.Close())
	assert.Less(t, heap(), before+size/2, "the data is freed after Remove and Close")
	runtime.KeepAlive(fsys)
}

// TestRemoveAllFreesUnderOpenDir checks that RemoveAll frees the files
// of a tree (none of them open) while a handle of one of its directories
// stays open, as Linux does: the handle keeps the directory, not what was
// in it.
func TestRemoveAllFreesUnderOpenDir(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const files = 50_000
	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	for _, open := range []string{"/t", "/t/sub"} {
		t.Run("handle of "+open, func(t *testing.T) {
			fsys := memfs.New()
			require.NoError(t, fsys.MkdirAll("/t/sub", 0o755))
			d, err := fsys.Open(open)
			require.NoError(t, err)
			before := heap()
			for i := range files {
				f, err := fsys.Create(fmt.Sprintf("/t/sub/f%d", i))
				require.NoError(t, err)
				require.NoError(t, f.Close())
			}
			full := heap()
			require.NoError(t, fsys.RemoveAll("/t"))
			after := heap()
			require.Greater(t, full, before+files*64, "the files take memory")
			assert.Less(t, int64(after)-int64(before), int64(256<<10),
				"bytes kept after RemoveAll of %d files (they took %d) while a handle of %s is open", files, full-before, open)
			require.NoError(t, d.Close())
			runtime.KeepAlive(fsys)
		})
	}
}

// TestErrnos spot-checks the errors the issue names, on a non-root memfs.
func TestErrnos(t *testing.T) {
	fsys := memfs.New()
	require.NoError(t, fsys.MkdirAll("/d/sub", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("x"), 0o400))
	require.NoError(t, fsys.Mkdir("/ro", 0o500))
	require.NoError(t, fsys.Mkdir("/wx", 0o300))
	require.NoError(t, fsys.SymlinkIfPossible("loop", "/loop"))
	_, err := fsys.OpenFile("/f", os.O_WRONLY, 0)
	ro := err
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"remove non-empty", fsys.Remove("/d"), syscall.ENOTEMPTY},
		{"rename file onto dir", fsys.Rename("/f", "/d"), syscall.EEXIST},
		{"rename dir into itself", fsys.Rename("/d", "/d/sub/x"), syscall.EINVAL},
		{"mkdir existing", fsys.Mkdir("/d", 0o755), fs.ErrExist},
		{"write 0400 file", ro, syscall.EACCES},
		{"create in 0500 dir", afero.WriteFile(fsys, "/ro/x", nil, 0o644), syscall.EACCES},
		{"list 0300 dir", func() error { _, err := fsys.Open("/wx"); return err }(), syscall.EACCES},
		{"symlink loop", func() error { _, err := fsys.Stat("/loop"); return err }(), syscall.ELOOP},
		{"link existing", fsys.Link("/f", "/d/sub"), fs.ErrExist},
		{"link dir", fsys.Link("/d", "/d2"), syscall.EPERM},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.ErrorIs(t, tc.err, tc.want)
		})
	}
}
