package tempfstest

import (
	"errors"
	"io/fs"
	"path/filepath"
	"sort"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// NewFs returns a fresh, empty in-memory Fs for one test: a [CrashFs], so
// that the test sees POSIX semantics (atomic O_EXCL, no files in missing
// directories, no rename of a file onto a directory) rather than
// MemMapFs's.
//
// At t.Cleanup (after the test and the cleanups registered after NewFs was
// called, since cleanups run last-in first-out), NewFs fails the test with t.Errorf if anything is left under
// [tempfs.TempDir](fsys): a leak check for code that forgets to remove its
// temporary files and directories. The message lists the leaked names.
// Nothing needs to be cleaned up by the caller.
func NewFs(t testing.TB) afero.Fs {
	t.Helper()
	fsys := NewCrashFs()
	t.Cleanup(func() {
		t.Helper()
		if err := checkLeaks(fsys); err != nil {
			t.Errorf("tempfstest.NewFs: %v", err)
		}
	})
	return fsys
}

// errLeak is wrapped by the leak report of NewFs.
var errLeak = errors.New("temporary files left behind")

// checkLeaks returns an error naming every entry under the temp dir of
// fsys, or nil if there is none.
func checkLeaks(fsys afero.Fs) error {
	dir, err := tempfs.TempDir(fsys)
	if err != nil {
		return err
	}
	var leaked []string
	err = afero.Walk(fsys, dir, func(p string, _ fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if p != dir {
			leaked = append(leaked, filepath.ToSlash(p))
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(leaked) == 0 {
		return nil
	}
	sort.Strings(leaked)
	return &leakError{dir: dir, names: leaked}
}

type leakError struct {
	dir   string
	names []string
}

func (e *leakError) Error() string {
	s := errLeak.Error() + " in " + filepath.ToSlash(e.dir) + ":"
	for _, n := range e.names {
		s += " " + n
	}
	return s
}

func (e *leakError) Unwrap() error { return errLeak }
