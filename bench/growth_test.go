package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// growthFs is a backend of the growth benchmarks. new returns the Fs and
// its root (where the fixture and the work directory "tmp" go): host-backed
// ones are made over the host directory host, which holds the fixture
// already; memory ones get the fixture made in them (fill).
type growthFs struct {
	name string
	new  func(tb testing.TB, host string) (fsys afero.Fs, root string)
	// memory: the fixture must be made inside the Fs, not on the host.
	memory bool
}

// growthBackends are the columns of the growth table.
var growthBackends = []growthFs{
	{"OsFs", func(_ testing.TB, host string) (afero.Fs, string) { return afero.NewOsFs(), host }, false},
	{"BasePathFs(OsFs)", func(_ testing.TB, host string) (afero.Fs, string) {
		return afero.NewBasePathFs(afero.NewOsFs(), host), "/"
	}, false},
	{"RootFs", func(tb testing.TB, host string) (afero.Fs, string) {
		r, err := tempfs.OpenRoot(host)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { r.Close() })
		return r, "/"
	}, false},
	{"MemMapFs", func(testing.TB, string) (afero.Fs, string) { return afero.NewMemMapFs(), "/" }, true},
	{"CrashFs", func(testing.TB, string) (afero.Fs, string) { return tempfstest.NewCrashFs(), "/" }, true},
	{"memfs", func(testing.TB, string) (afero.Fs, string) { return memfs.New(), "/" }, true},
}

// growthFixture is how many other entries the Fs holds, and where: in the
// work directory itself ("same") or in another one ("elsewhere").
type growthFixture struct {
	n     int
	where string
}

func (f growthFixture) String() string { return fmt.Sprintf("n=%d/where=%s", f.n, f.where) }

var growthFixtures = []growthFixture{
	{0, "none"}, {10_000, "same"}, {10_000, "elsewhere"}, {100_000, "same"}, {100_000, "elsewhere"},
}

// fillFixture makes root/tmp and root/other, and f.n empty files in one of
// them (1,000 a directory when elsewhere, as a real tree would have).
func fillFixture(tb testing.TB, fsys afero.Fs, root string, f growthFixture) {
	tb.Helper()
	work, other := filepath.Join(root, "tmp"), filepath.Join(root, "other")
	for _, d := range []string{work, other} {
		if err := fsys.MkdirAll(d, 0o755); err != nil {
			tb.Fatal(err)
		}
	}
	dir := work
	for i := range f.n {
		if f.where == "elsewhere" && i%1000 == 0 {
			dir = filepath.Join(other, strconv.Itoa(i/1000))
			if err := fsys.Mkdir(dir, 0o755); err != nil {
				tb.Fatal(err)
			}
		}
		fh, err := fsys.OpenFile(filepath.Join(dir, "f"+strconv.Itoa(i)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
		if err != nil {
			tb.Fatal(err)
		}
		if err := fh.Close(); err != nil {
			tb.Fatal(err)
		}
	}
}

// growthOps are the rows: what one iteration does in the work directory.
var growthOps = []struct {
	name string
	op   func(fsys afero.Fs, work string) error
}{
	{"WriteFile", func(fsys afero.Fs, work string) error {
		return tempfs.WriteFile(fsys, filepath.Join(work, "target"), []byte("hello"), 0o644, tempfs.NoSync())
	}},
	{"CreateTemp", func(fsys afero.Fs, work string) error {
		f, err := tempfs.CreateTemp(fsys, work, "g-*")
		if err != nil {
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		return fsys.Remove(f.Name())
	}},
	{"WithTempDir10", func(fsys afero.Fs, _ string) error {
		return tempfs.WithTempDir(fsys, "g-*", func(dir string) error {
			for i := range 10 {
				if err := afero.WriteFile(fsys, filepath.Join(dir, strconv.Itoa(i)), []byte("x"), 0o600); err != nil {
					return err
				}
			}
			return nil
		})
	}},
	{"Sweep", func(fsys afero.Fs, work string) error {
		_, err := tempfs.Sweep(fsys, work, time.Hour)
		return err
	}},
}

// BenchmarkGrowth measures what WriteFile (NoSync: the Fs's own cost, not
// the disk's), CreateTemp, WithTempDir with 10 files and Sweep cost when
// the Fs holds 0, 10,000 or 100,000 other entries, in the work directory
// or elsewhere, on every backend of growthBackends. Besides time and
// allocations per op it reports peak-heap-B: the highest heap (live and
// not yet collected objects) above the start, sampled during an untimed
// run of the op. Run: go test -run '^$' -bench Growth -benchtime 200ms.
func BenchmarkGrowth(b *testing.B) {
	for _, fx := range growthFixtures {
		b.Run(fx.String(), func(b *testing.B) {
			host := b.TempDir()
			fillFixture(b, afero.NewOsFs(), host, fx)
			b.Setenv("TMPDIR", filepath.Join(host, "tmp")) // OsFs's TempDir
			for _, g := range growthBackends {
				fsys, root := g.new(b, host)
				if g.memory {
					fillFixture(b, fsys, root, fx)
				}
				work := filepath.Join(root, "tmp")
				for _, op := range growthOps {
					b.Run("op="+op.name+"/fs="+g.name, func(b *testing.B) {
						if err := op.op(fsys, work); err != nil { // warm up, and creates the target
							b.Fatal(err)
						}
						peak := peakHeap(func() {
							if err := op.op(fsys, work); err != nil {
								b.Fatal(err)
							}
						})
						b.ReportAllocs()
						b.ResetTimer()
						for b.Loop() {
							if err := op.op(fsys, work); err != nil {
								b.Fatal(err)
							}
						}
						b.StopTimer()
						b.ReportMetric(float64(peak), "peak-heap-B")
					})
				}
			}
		})
	}
}

// heapBytes is the heap objects' bytes, live or not yet swept: what a
// memory limit sees.
func heapBytes() uint64 {
	var s [1]metrics.Sample
	s[0].Name = "/memory/classes/heap/objects:bytes"
	metrics.Read(s[:])
	return s[0].Value.Uint64()
}

// peakHeap runs fn (after a GC) while a goroutine samples the heap every
// 50 µs, and returns the highest sample above the heap at the start.
func peakHeap(fn func()) uint64 {
	runtime.GC()
	start := heapBytes()
	peak := start
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(50 * time.Microsecond)
		defer t.Stop()
		for {
			if h := heapBytes(); h > peak {
				peak = h
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	fn()
	close(done)
	wg.Wait()
	if h := heapBytes(); h > peak {
		peak = h
	}
	return peak - start
}
