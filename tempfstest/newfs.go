package tempfstest

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// TestFs is the Fs [NewFs] hands a test: a [CrashFs] (so the test can
// crash it, with no type assertion) that records every temp file and
// directory tempfs makes in it ([tempfs.TempRecorder]), for the leak check.
// It is safe for concurrent use.
type TestFs struct {
	*CrashFs
	mu    sync.Mutex
	temps map[string]bool
}

// RecordTemp notes that tempfs made name as temporary.
func (f *TestFs) RecordTemp(name string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.temps[filepath.Clean(name)] = true
}

// NewFs returns a fresh, empty in-memory Fs for one test: a [CrashFs]
// inside a [TestFs], so that the test sees POSIX semantics (atomic O_EXCL,
// no files in missing directories, no rename of a file onto a directory)
// rather than MemMapFs's, and can call Crash on it. What the test writes
// is not durable until synced: after setting up the state to crash from,
// call fsys.SyncAll() once.
//
// At t.Cleanup (after the test and the cleanups registered after NewFs was
// called, since cleanups run last-in first-out), NewFs fails the test with
// t.Errorf if it left temporary files behind anywhere in the Fs: anything
// under [tempfs.TempDir](fsys); every temp file or directory that tempfs
// made (CreateTemp, MkdirTemp, NewFile, NewDir, the scoped helpers) and
// that still exists, wherever it is; and every temp file of an atomic
// write (a [tempfs.PendingFile] neither committed nor cleaned up, see
// [tempfs.IsTempName]). The message names the test and each leaked path.
// Nothing needs to be cleaned up by the caller.
func NewFs(t testing.TB) *TestFs {
	t.Helper()
	fsys := &TestFs{CrashFs: NewCrashFs(), temps: map[string]bool{}}
	t.Cleanup(func() {
		t.Helper()
		if err := fsys.checkLeaks(); err != nil {
			t.Errorf("tempfstest.NewFs: %s: %v", t.Name(), err)
		}
	})
	return fsys
}

// errLeak is wrapped by the leak report of NewFs.
var errLeak = errors.New("temporary files left behind")

// checkLeaks returns an error naming every leaked temp entry, or nil.
func (f *TestFs) checkLeaks() error {
	dir, err := tempfs.TempDir(f.CrashFs)
	if err != nil {
		return err
	}
	leaked := map[string]bool{}
	f.mu.Lock()
	for name := range f.temps {
		if _, err := f.Stat(name); err == nil {
			leaked[filepath.ToSlash(name)] = true
		}
	}
	f.mu.Unlock()
	err = afero.Walk(f.CrashFs, string(filepath.Separator), func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		inTemp := p != dir && strings.HasPrefix(p, dir+string(filepath.Separator))
		if inTemp || (fi.Mode().IsRegular() && tempfs.IsTempName(fi.Name())) {
			leaked[filepath.ToSlash(p)] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(leaked) == 0 {
		return nil
	}
	names := make([]string, 0, len(leaked))
	for n := range leaked {
		names = append(names, n)
	}
	sort.Strings(names)
	return &leakError{names: names}
}

type leakError struct{ names []string }

func (e *leakError) Error() string {
	return errLeak.Error() + ": " + strings.Join(e.names, " ")
}

func (e *leakError) Unwrap() error { return errLeak }
