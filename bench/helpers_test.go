package bench

import (
	"fmt"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// backend is one afero.Fs under test with a directory to work in.
type backend struct {
	name string
	new  func(b testing.TB) (afero.Fs, string)
}

// backends are the two file systems every benchmark compares: the real
// disk and memory.
var backends = []backend{
	{"OsFs", func(tb testing.TB) (afero.Fs, string) { return afero.NewOsFs(), tb.TempDir() }},
	{"MemMapFs", func(tb testing.TB) (afero.Fs, string) {
		fsys := afero.NewMemMapFs()
		if err := fsys.MkdirAll("/work", 0o700); err != nil {
			tb.Fatal(err)
		}
		return fsys, "/work"
	}},
}

// sizeName names a byte size for a benchmark: 4KiB, 1MiB, 64MiB.
func sizeName(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%dMiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%dKiB", n>>10)
	}
	return fmt.Sprintf("%dB", n)
}

// cpuClock measures the CPU time (user + system, all threads) the process
// spends in a benchmark loop. On a shared machine wall time also counts
// time spent waiting for a CPU; CPU time does not, so it is reported next
// to ns/op as cpu-ns/op.
type cpuClock struct{ start time.Duration }

func startCPU() cpuClock { return cpuClock{processCPU()} }

// report adds cpu-ns/op to b; call it after the loop.
func (c cpuClock) report(b *testing.B) {
	if b.N > 0 {
		b.ReportMetric(float64(processCPU()-c.start)/float64(b.N), "cpu-ns/op")
	}
}
