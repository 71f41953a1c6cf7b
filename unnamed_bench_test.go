package tempfs_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// BenchmarkUnnamed puts the unnamed protocol beside the named one in one
// loop: each iteration runs every contender once, in rotating order, and
// each is timed on its own, so that the machine's slow and fast phases hit
// all of them alike (see BENCHMARKS.md, "Why paired benchmarks"). It
// reports <impl>-ns/op and the ratios the acceptance of issue 16 asks for.
//
//   - op=WriteFile: a durable replace of an existing 4 KiB file: tempfs
//     unnamed (the default on Linux), tempfs named (NamedForTest), and the
//     hand-written minimal named sequence (os.CreateTemp, Write, Sync,
//     Close, Rename, open dir + Sync + Close).
//   - op=TempFile: create a scratch file, write 4 KiB, close it (and
//     remove it where it has a name): TempFileUnnamed vs CreateTemp +
//     Remove (tempfs and os).
func BenchmarkUnnamed(b *testing.B) {
	data := make([]byte, 4096)
	b.Run("op=WriteFile", func(b *testing.B) {
		dir := b.TempDir()
		fsys := afero.NewOsFs()
		target := filepath.Join(dir, "target")
		if err := os.WriteFile(target, data, 0o600); err != nil {
			b.Fatal(err)
		}
		benchPaired(b, []string{"unnamed", "named", "minimal"}, []func() error{
			func() error { return tempfs.WriteFile(fsys, target, data, 0o600) },
			func() error { return tempfs.WriteFile(fsys, target, data, 0o600, tempfs.NamedForTest()) },
			func() error { return minimalDurableWrite(dir, target, data) },
		}, [][2]int{{0, 1}, {0, 2}})
	})
	b.Run("op=TempFile", func(b *testing.B) {
		dir := b.TempDir()
		fsys := afero.NewOsFs()
		benchPaired(b, []string{"unnamed", "createtemp", "os"}, []func() error{
			func() error {
				f, err := tempfs.TempFileUnnamed(fsys, dir)
				if err != nil {
					return err
				}
				if _, err := f.Write(data); err != nil {
					return err
				}
				return f.Close()
			},
			func() error {
				f, err := tempfs.CreateTemp(fsys, dir, "bench*")
				if err != nil {
					return err
				}
				if _, err := f.Write(data); err != nil {
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				return fsys.Remove(f.Name())
			},
			func() error {
				f, err := os.CreateTemp(dir, "bench*")
				if err != nil {
					return err
				}
				if _, err := f.Write(data); err != nil {
					return err
				}
				if err := f.Close(); err != nil {
					return err
				}
				return os.Remove(f.Name())
			},
		}, [][2]int{{0, 1}, {0, 2}})
	})
}

// benchPaired runs fns once per iteration, in rotating order, timing each,
// and reports <name>-ns/op per contender and <a>/<b> for each pair.
func benchPaired(b *testing.B, names []string, fns []func() error, ratios [][2]int) {
	b.Helper()
	total := make([]time.Duration, len(fns))
	n := 0
	for b.Loop() {
		for k := range fns {
			i := (n + k) % len(fns)
			start := time.Now()
			if err := fns[i](); err != nil {
				b.Fatal(err)
			}
			total[i] += time.Since(start)
		}
		n++
	}
	for i, name := range names {
		b.ReportMetric(float64(total[i].Nanoseconds())/float64(n), name+"-ns/op")
	}
	for _, r := range ratios {
		b.ReportMetric(float64(total[r[0]])/float64(total[r[1]]), names[r[0]]+"/"+names[r[1]])
	}
}

// minimalDurableWrite is the hand-written durable replace: temp file in
// the target's directory, write, fsync, close, rename, fsync the
// directory.
func minimalDurableWrite(dir, target string, data []byte) error {
	f, err := os.CreateTemp(dir, ".bench*")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), target); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	if err := d.Sync(); err != nil {
		return err
	}
	return d.Close()
}
