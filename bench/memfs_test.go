package bench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// memBackendsCmp are the in-memory file systems compared with each other.
var memBackendsCmp = []struct {
	name string
	new  func() afero.Fs
}{
	{"memfs", func() afero.Fs { return memfs.New() }},
	{"MemMapFs", func() afero.Fs { return afero.NewMemMapFs() }},
}

// BenchmarkMemfs compares memfs with MemMapFs on what the memfs issue
// asks: a temp file created, closed and removed (tempfs.CreateTemp on
// both, and afero.TempFile on MemMapFs), and tempfs.WriteFile of 4 KiB
// replacing an existing file.
func BenchmarkMemfs(b *testing.B) {
	data := make([]byte, 4<<10)
	type op struct {
		name string
		run  func(fsys afero.Fs) error
	}
	ops := []op{
		{"CreateTemp/impl=tempfs", func(fsys afero.Fs) error {
			f, err := tempfs.CreateTemp(fsys, "/work", "bench-*")
			if err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return fsys.Remove(f.Name())
		}},
		{"CreateTemp/impl=afero", func(fsys afero.Fs) error {
			f, err := afero.TempFile(fsys, "/work", "bench-*")
			if err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return fsys.Remove(f.Name())
		}},
		{"WriteFile4KiB/impl=tempfs", func(fsys afero.Fs) error {
			return tempfs.WriteFile(fsys, "/work/target", data, 0o600)
		}},
	}
	for _, o := range ops {
		for _, be := range memBackendsCmp {
			b.Run(o.name+"/fs="+be.name, func(b *testing.B) {
				fsys := be.new()
				if err := fsys.MkdirAll("/work", 0o755); err != nil {
					b.Fatal(err)
				}
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					if err := o.run(fsys); err != nil {
						b.Fatal(err)
					}
				}
				cpu.report(b)
			})
		}
	}
}

// fill puts n empty files in dir, in subdirectories of 1,000 when spread.
func fill(b *testing.B, fsys afero.Fs, dir string, n int, spread bool) {
	b.Helper()
	for i := range n {
		d := dir
		if spread {
			d = filepath.Join(dir, fmt.Sprintf("d%d", i/1000))
			if i%1000 == 0 {
				if err := fsys.MkdirAll(d, 0o755); err != nil {
					b.Fatal(err)
				}
			}
		}
		f, err := fsys.OpenFile(filepath.Join(d, fmt.Sprintf("f%d", i)), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			b.Fatal(err)
		}
		if err := f.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMemfsGrowth times tempfs.WriteFile (4 KiB) and WithTempDir (10
// files) on memfs and MemMapFs holding 0 or 100,000 other files, in the
// same directory ("same") or in a tree of 100 directories elsewhere
// ("elsewhere").
func BenchmarkMemfsGrowth(b *testing.B) {
	data := make([]byte, 4<<10)
	ops := []struct {
		name string
		run  func(fsys afero.Fs) error
	}{
		{"WriteFile", func(fsys afero.Fs) error { return tempfs.WriteFile(fsys, "/work/target", data, 0o600) }},
		{"WithTempDir10", func(fsys afero.Fs) error {
			return tempfs.WithTempDir(fsys, "bench-*", func(dir string) error {
				for i := range 10 {
					if err := afero.WriteFile(fsys, filepath.Join(dir, fmt.Sprint(i)), data[:100], 0o600); err != nil {
						return err
					}
				}
				return nil
			})
		}},
	}
	for _, o := range ops {
		for _, be := range memBackendsCmp {
			for _, others := range []struct {
				name   string
				n      int
				dir    string
				spread bool
			}{{"0", 0, "/work", false}, {"100000same", 100_000, "/work", false}, {"100000elsewhere", 100_000, "/other", true}} {
				b.Run(o.name+"/fs="+be.name+"/others="+others.name, func(b *testing.B) {
					fsys := be.new()
					if err := fsys.MkdirAll("/work", 0o755); err != nil {
						b.Fatal(err)
					}
					fill(b, fsys, others.dir, others.n, others.spread)
					b.ReportAllocs()
					b.ResetTimer()
					cpu := startCPU()
					for b.Loop() {
						if err := o.run(fsys); err != nil {
							b.Fatal(err)
						}
					}
					cpu.report(b)
				})
			}
		}
	}
}

// BenchmarkMemfsRemoveAll removes a tree of 100,000 files (100 directories
// of 1,000) with tempfs.RemoveAll and with the Fs's own RemoveAll; the
// tree is rebuilt, untimed, before each removal. cpu-ns/op is the CPU time
// of the removals alone.
func BenchmarkMemfsRemoveAll(b *testing.B) {
	for _, be := range memBackendsCmp {
		for _, impl := range []string{"fs", "tempfs"} {
			b.Run("fs="+be.name+"/impl="+impl, func(b *testing.B) {
				fsys := be.new()
				var cpu time.Duration
				for b.Loop() {
					b.StopTimer()
					fill(b, fsys, "/tree", 100_000, true)
					runtime.GC() // the fill's garbage is not the removal's cost
					b.StartTimer()
					start := processCPU()
					var err error
					if impl == "fs" {
						err = fsys.RemoveAll("/tree")
					} else {
						err = tempfs.RemoveAll(fsys, "/tree")
					}
					cpu += processCPU() - start
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cpu)/float64(b.N), "cpu-ns/op")
			})
		}
	}
}

// TestSuiteMemfs runs the whole cross-backend suite on memfs;
// BenchmarkSuiteMemfs times it next to MemMapFs and OsFs.
func TestSuiteMemfs(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name: "memfs",
		New: func(t testing.TB) (afero.Fs, string) {
			fsys := memfs.New()
			if err := fsys.MkdirAll("/work", 0o700); err != nil {
				t.Fatal(err)
			}
			return fsys, "/work"
		},
	})
}

// BenchmarkSuiteMemfs times one whole run of the cross-backend suite on
// memfs, MemMapFs and OsFs, each in a fresh process as BenchmarkSuite
// does; fs=none measures the process start the others include.
func BenchmarkSuiteMemfs(b *testing.B) {
	for _, fs := range []struct{ name, run string }{
		{"none", "^$"}, {"memfs", "^TestSuiteMemfs$"},
		{"MemMapFs", "^TestSuite$/^MemMapFs$"}, {"OsFs", "^TestSuite$/^OsFs$"},
	} {
		b.Run("fs="+fs.name, func(b *testing.B) {
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run", fs.run, "-test.count=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			}
		})
	}
}

// contender is one side of a BenchmarkMemfsPaired pair.
type contender struct {
	name string
	op   func() error
}

// BenchmarkMemfsPaired runs BenchmarkMemfs's acceptance pairs in one loop,
// in rotating batches (as BenchmarkPaired does), so that a loaded machine
// weighs on both sides alike. It reports "<name>-ns/op" (wall) and
// "<name>-cpu-ns/op" for each contender.
func BenchmarkMemfsPaired(b *testing.B) {
	newWork := func(fsys afero.Fs) afero.Fs {
		if err := fsys.MkdirAll("/work", 0o755); err != nil {
			b.Fatal(err)
		}
		return fsys
	}
	mem, mm := newWork(memfs.New()), newWork(afero.NewMemMapFs())
	data := make([]byte, 4<<10)
	createRemove := func(fsys afero.Fs, create func() (afero.File, error)) func() error {
		return func() error {
			f, err := create()
			if err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return fsys.Remove(f.Name())
		}
	}
	pairs := []struct {
		name  string
		impls [2]contender
	}{
		{"CreateTemp", [2]contender{
			{"memfs-tempfs", createRemove(mem, func() (afero.File, error) { return tempfs.CreateTemp(mem, "/work", "bench-*") })},
			{"MemMapFs-afero", createRemove(mm, func() (afero.File, error) { return afero.TempFile(mm, "/work", "bench-*") })},
		}},
		{"WriteFile4KiB", [2]contender{
			{"memfs-tempfs", func() error { return tempfs.WriteFile(mem, "/work/target", data, 0o600) }},
			{"MemMapFs-tempfs", func() error { return tempfs.WriteFile(mm, "/work/target", data, 0o600) }},
		}},
	}
	for _, p := range pairs {
		b.Run("op="+p.name, func(b *testing.B) {
			const batch = 500
			var wall, cpu [2]time.Duration
			rounds := 0
			for b.Loop() {
				for k := range 2 {
					i := (k + rounds) % 2
					start, startCPU := time.Now(), processCPU()
					for range batch {
						if err := p.impls[i].op(); err != nil {
							b.Fatalf("%s: %v", p.impls[i].name, err)
						}
					}
					wall[i] += time.Since(start)
					cpu[i] += processCPU() - startCPU
				}
				rounds++
			}
			for i, im := range p.impls {
				b.ReportMetric(float64(wall[i])/float64(rounds*batch), im.name+"-ns/op")
				b.ReportMetric(float64(cpu[i])/float64(rounds*batch), im.name+"-cpu-ns/op")
			}
		})
	}
}
