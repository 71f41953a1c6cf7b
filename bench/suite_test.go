package bench

import (
	"os"
	"os/exec"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// suiteBackends are the two backends whose suite times are compared,
// set up as the core module's own suite tests set them up.
var suiteBackends = []tempfstest.Backend{
	{
		Name:               "MemMapFs",
		IgnoresPermissions: true,
		New: func(t testing.TB) (afero.Fs, string) {
			fsys := afero.NewMemMapFs()
			if err := fsys.MkdirAll("/work", 0o700); err != nil {
				t.Fatal(err)
			}
			return fsys, "/work"
		},
	},
	{
		Name: "OsFs",
		New: func(t testing.TB) (afero.Fs, string) {
			return afero.NewOsFs(), t.TempDir()
		},
	},
}

// TestSuite runs the whole cross-backend suite on each backend. The
// benchmark below times it.
func TestSuite(t *testing.T) {
	for _, b := range suiteBackends {
		t.Run(b.Name, func(t *testing.T) { tempfstest.RunSuite(t, b) })
	}
}

// BenchmarkSuite times one whole run of the cross-backend suite on
// MemMapFs and on OsFs. Each iteration runs this test binary again as
// `-test.run '^TestSuite$/^<fs>$'`, in a fresh process, as `go test` would;
// fs=none runs no test at all and measures the process start, which the
// two others include. The suite's own t.Parallel subtests run with the
// default -test.parallel (GOMAXPROCS).
func BenchmarkSuite(b *testing.B) {
	for _, fs := range []string{"none", "MemMapFs", "OsFs"} {
		b.Run("fs="+fs, func(b *testing.B) {
			run := "^$"
			if fs != "none" {
				run = "^TestSuite$/^" + fs + "$"
			}
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run", run, "-test.count=1")
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("%v\n%s", err, out)
				}
			}
		})
	}
}
