//go:build unix

package bench

import (
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/renameio/v2"
	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/bench/internal/seq"
)

// pairedImpl is one contender of a paired benchmark.
type pairedImpl struct {
	name string
	op   func() error
}

// runPaired measures the contenders side by side in one loop: each
// iteration runs batch ops of every contender in turn, the order rotating
// from one iteration to the next, and times each batch. It reports the
// wall time per op of each contender as "<name>-ns/op".
//
// On a shared machine the cost of file operations jumps between states
// (fsync queues, journal contention) that last seconds, longer than one
// sub-benchmark. Sub-benchmarks run one after another then land in
// different states and their ratio says more about the machine than the
// code; in a paired loop every contender sees the same states, so the
// ratio of the paired metrics is the fair one.
func runPaired(b *testing.B, batch int, impls []pairedImpl) {
	total := make([]time.Duration, len(impls))
	rounds := 0
	b.ReportAllocs()
	for b.Loop() {
		for k := range impls {
			i := (k + rounds) % len(impls)
			start := time.Now()
			for range batch {
				if err := impls[i].op(); err != nil {
					b.Fatalf("%s: %v", impls[i].name, err)
				}
			}
			total[i] += time.Since(start)
		}
		rounds++
	}
	for i, im := range impls {
		b.ReportMetric(float64(total[i])/float64(rounds*batch), im.name+"-ns/op")
	}
}

// createRemove wraps a createTempImpls entry as one create + close +
// remove.
func createRemove(fsys afero.Fs, dir string, create func(afero.Fs, string) (string, error)) func() error {
	return func() error {
		name, err := create(fsys, dir)
		if err != nil {
			return err
		}
		return fsys.Remove(name)
	}
}

func BenchmarkPaired(b *testing.B) {
	for _, be := range backends {
		b.Run("op=CreateTemp/fs="+be.name, func(b *testing.B) {
			fsys, dir := be.new(b)
			var impls []pairedImpl
			for _, impl := range createTempImpls {
				if !impl.osOnly || be.name == "OsFs" {
					impls = append(impls, pairedImpl{impl.name, createRemove(fsys, dir, impl.create)})
				}
			}
			batch := 4
			if be.name == "MemMapFs" {
				batch = 64 // amortise the clock reads over ~1 µs ops
			}
			runPaired(b, batch, impls)
		})
	}
	b.Run("op=WriteFile/mode=durable", func(b *testing.B) {
		dir := b.TempDir()
		data := make([]byte, 4<<10)
		target := func(name string) string {
			t := filepath.Join(dir, name)
			if err := os.WriteFile(t, []byte("old"), 0o600); err != nil {
				b.Fatal(err)
			}
			return t
		}
		t1, t2, t3 := target("tempfs"), target("minimal"), target("renameio")
		runPaired(b, 1, []pairedImpl{
			{"tempfs", func() error { return tempfs.WriteFile(osFs, t1, data, 0o600) }},
			{"minimal", func() error {
				return seq.MinimalReplace(t2, func(f *os.File) error { _, err := f.Write(data); return err }, true)
			}},
			{"renameio+dirsync", func() error {
				if err := renameio.WriteFile(t3, data, 0o600); err != nil {
					return err
				}
				return seq.SyncDir(dir)
			}},
		})
	})
	b.Run("op=WriteReader/size=64MiB", func(b *testing.B) {
		const size = 64 << 20
		dir := b.TempDir()
		t1, t2 := filepath.Join(dir, "tempfs"), filepath.Join(dir, "io.Copy")
		runPaired(b, 1, []pairedImpl{
			{"tempfs", func() error { return tempfs.WriteReader(osFs, t1, seq.NewGenReader(size), 0o600) }},
			{"io.Copy", func() error {
				return seq.MinimalReplace(t2, func(f *os.File) error { _, err := io.Copy(f, seq.NewGenReader(size)); return err }, true)
			}},
		})
	})
	b.Run("op=WriteReader/src=file/size=64MiB/mode=nosync", func(b *testing.B) {
		// Copying a file: io.Copy from an *os.File into an *os.File uses
		// copy_file_range (no copy through user space). NoSync on both
		// sides isolates the copy.
		const size = 64 << 20
		dir := b.TempDir()
		src := filepath.Join(dir, "src")
		if err := os.WriteFile(src, make([]byte, size), 0o600); err != nil {
			b.Fatal(err)
		}
		t1, t2 := filepath.Join(dir, "tempfs"), filepath.Join(dir, "io.Copy")
		withSrc := func(fn func(r *os.File) error) func() error {
			return func() error {
				r, err := os.Open(src)
				if err != nil {
					return err
				}
				defer r.Close()
				return fn(r)
			}
		}
		runPaired(b, 1, []pairedImpl{
			{"tempfs", withSrc(func(r *os.File) error {
				return tempfs.WriteReader(osFs, t1, r, 0o600, tempfs.NoSync())
			})},
			{"io.Copy", withSrc(func(r *os.File) error {
				return seq.MinimalReplace(t2, func(f *os.File) error { _, err := io.Copy(f, r); return err }, false)
			})},
		})
	})
}
