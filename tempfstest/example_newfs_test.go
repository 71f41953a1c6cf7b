package tempfstest_test

import (
	"fmt"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// exportReport is the user's code under test: it leaks its pending file
// when the report is empty.
func exportReport(fsys afero.Fs, rows []string) error {
	p, err := tempfs.NewPendingFile(fsys, "/out/report.csv")
	if err != nil {
		return err
	}
	if len(rows) == 0 {
		return nil // bug: neither Commit nor Cleanup
	}
	defer p.Cleanup()
	for _, r := range rows {
		if _, err := p.WriteString(r + "\n"); err != nil {
			return err
		}
	}
	return p.Commit()
}

// testExport is what the user's test looks like: NewFs gives it a fresh
// in-memory Fs with disk semantics, and fails it at cleanup if anything
// temporary is left anywhere in the Fs.
func testExport(t testing.TB, rows []string) {
	fsys := tempfstest.NewFs(t)
	if err := fsys.MkdirAll("/out", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := exportReport(fsys, rows); err != nil {
		t.Fatal(err)
	}
}

// NewFs's leak check catches the pending file the buggy path leaves, and
// names the test and the file. (A real test passes its *testing.T; this
// example passes a small recorder so that it can print what the test
// would report.)
func ExampleNewFs() {
	for _, rows := range [][]string{{"a,1"}, nil} {
		t := &recorder{name: fmt.Sprintf("TestExport/rows=%d", len(rows))}
		testExport(t, rows)
		t.finish()
		fmt.Println(t.name, "failed:", t.failed)
	}
	// Output:
	// TestExport/rows=1 failed: false
	// TestExport/rows=0 failed: true
}

// recorder is a testing.TB that records failures and runs cleanups.
type recorder struct {
	testing.TB
	name     string
	failed   bool
	cleanups []func()
}

func (r *recorder) Helper()               {}
func (r *recorder) Name() string          { return r.name }
func (r *recorder) Cleanup(f func())      { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatal(args ...any)     { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }
func (r *recorder) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}
