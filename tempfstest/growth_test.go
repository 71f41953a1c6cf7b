package tempfstest_test

import (
	"fmt"
	"path"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// growthOthers is how many other files a grown Fs holds (issue 18).
const growthOthers = 100_000

// growthOp is one operation whose cost must not grow with the Fs.
type growthOp struct {
	name string
	dir  string // where the op works: the "same" directory
	run  func(fsys afero.Fs) error
}

var growthPayload = make([]byte, 4096)

var growthOps = []growthOp{
	{"WriteFile", "/data", func(fsys afero.Fs) error {
		return tempfs.WriteFile(fsys, "/data/target", growthPayload, 0o644)
	}},
	{"WithTempDir10", "/tmp", func(fsys afero.Fs) error {
		return tempfs.WithTempDir(fsys, "", func(dir string) error {
			for i := range 10 {
				if err := afero.WriteFile(fsys, path.Join(dir, fmt.Sprint(i)), growthPayload[:100], 0o600); err != nil {
					return err
				}
			}
			return nil
		})
	}},
}

// growthKinds are the memory file systems whose costs must stay flat:
// tempfstest's CrashFs (what NewFs hands out) and memfs.
var growthKinds = []struct {
	name string
	new  func() afero.Fs
}{
	{"CrashFs", func() afero.Fs { return tempfstest.NewCrashFs() }},
	{"memfs", func() afero.Fs { return memfs.New() }},
}

// growthFs returns an Fs made by newFs holding /data and /tmp (durable on a
// CrashFs) and n other files: in dir where "same", or spread over 100
// directories under /other where "elsewhere".
func growthFs(tb testing.TB, newFs func() afero.Fs, dir, where string, n int) afero.Fs {
	tb.Helper()
	fsys := newFs()
	require.NoError(tb, fsys.MkdirAll("/data", 0o755))
	require.NoError(tb, fsys.MkdirAll("/tmp", 0o700))
	for i := range n {
		name := path.Join(dir, fmt.Sprintf("other-%06d", i))
		if where == "elsewhere" {
			d := fmt.Sprintf("/other/d%03d", i%100)
			if i < 100 {
				require.NoError(tb, fsys.MkdirAll(d, 0o755))
			}
			name = path.Join(d, fmt.Sprintf("f%06d", i))
		}
		require.NoError(tb, afero.WriteFile(fsys, name, nil, 0o644))
	}
	if c, ok := fsys.(*tempfstest.CrashFs); ok {
		c.SyncAll()
	}
	return fsys
}

// BenchmarkMemoryGrowth measures WriteFile and WithTempDir (10 files) on a
// CrashFs and on memfs with no other files and with growthOthers of them
// in the same directory and elsewhere, side by side: each iteration runs the op once on
// each Fs, in rotating order, and times each call. It reports the median
// time of one call per Fs (<fs>-p50-ns/op; medians, as the machine is
// shared and one preempted call would swing a mean) and the ratios of the
// medians same/none and elsewhere/none (issue 18 asks ≤ 1.5).
func BenchmarkMemoryGrowth(b *testing.B) {
	for _, g := range growthKinds {
		for _, op := range growthOps {
			b.Run("fs="+g.name+"/op="+op.name, func(b *testing.B) { benchGrowth(b, g.new, op) })
		}
	}
}

// benchGrowth times op side by side on three Fs made by newFs: empty, and
// with growthOthers files in op's directory and elsewhere.
func benchGrowth(b *testing.B, newFs func() afero.Fs, op growthOp) {
	kinds := []string{"none", "same", "elsewhere"}
	fss := []afero.Fs{
		growthFs(b, newFs, op.dir, "none", 0),
		growthFs(b, newFs, op.dir, "same", growthOthers),
		growthFs(b, newFs, op.dir, "elsewhere", growthOthers),
	}
	times := make([][]time.Duration, len(fss))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		for j := range fss {
			k := (i + j) % len(fss)
			start := time.Now()
			if err := op.run(fss[k]); err != nil {
				b.Fatal(err)
			}
			times[k] = append(times[k], time.Since(start))
		}
	}
	b.StopTimer()
	med := make([]float64, len(fss))
	for k, kind := range kinds {
		slices.Sort(times[k])
		med[k] = float64(times[k][len(times[k])/2].Nanoseconds())
		b.ReportMetric(med[k], kind+"-p50-ns/op")
	}
	b.ReportMetric(med[1]/med[0], "same/none")
	b.ReportMetric(med[2]/med[0], "elsewhere/none")
}

// TestMemoryFlatCost: WriteFile and WithTempDir (10 files) allocate no
// more with growthOthers other files in the Fs, in the same directory or
// elsewhere, than with none, on CrashFs and on memfs (allocation is what a
// cost that grows with the Fs shows first, and unlike time it does not
// depend on the machine).
func TestMemoryFlatCost(t *testing.T) {
	if testing.Short() {
		t.Skip("fills a CrashFs and a memfs with 100,000 files")
	}
	for _, g := range growthKinds {
		for _, op := range growthOps {
			t.Run(g.name+"/"+op.name, func(t *testing.T) { flatCost(t, g.new, op) })
		}
	}
}

// flatCost checks that op allocates no more per call on a grown Fs made
// by newFs than on an empty one.
func flatCost(t *testing.T, newFs func() afero.Fs, op growthOp) {
	const runs = 50
	perOp := func(fsys afero.Fs) float64 {
		require.NoError(t, op.run(fsys)) // warm up: the target exists
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		for range runs {
			require.NoError(t, op.run(fsys))
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc-before.TotalAlloc) / runs
	}
	none := perOp(growthFs(t, newFs, op.dir, "none", 0))
	for _, where := range []string{"same", "elsewhere"} {
		got := perOp(growthFs(t, newFs, op.dir, where, growthOthers))
		t.Logf("%s: %.0f B/op with none, %.0f B/op with %d %s", op.name, none, got, growthOthers, where)
		assert.LessOrEqual(t, got, 1.5*none, "%s: bytes allocated per op, %d other files %s", op.name, growthOthers, where)
	}
}
