package memfs_test

// afero v1.15.0's own tests, ported to run on memfs (afero_compat_*_test.go).
//
// The test code is afero's, as published under the Apache License 2.0
// (attribution at the top of each file). What changed:
//   - The package is memfs_test; the names of package afero the tests use
//     come from the aliases below, so the tests' text stays as upstream.
//   - Fss and testFS are a memfs (newCompatFs) instead of MemMapFs and OsFs.
//     Its os.TempDir() exists (mode 0o1777), as on a real system: afero's
//     TempDir/TempFile put files there and, unlike MemMapFs, memfs does not
//     create missing parents.
//   - Tests of MemMapFs internals (normalizePath, mem.File fields, the
//     MemMapFs type itself), of the other Fs types (BasePathFs, OsFs
//     symlinks, CopyOnWriteFs) and of helpers that take no Fs are left out;
//     tests that assert MemMapFs's own divergences from the disk are
//     changed to assert the disk's behaviour, each marked "memfs:".

import (
	"io"
	"os"
	"sort"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/memfs"
)

type (
	Fs   = afero.Fs
	File = afero.File
)

var (
	TempDir         = afero.TempDir
	TempFile        = afero.TempFile
	WriteFile       = afero.WriteFile
	ReadFile        = afero.ReadFile
	ReadDir         = afero.ReadDir
	Exists          = afero.Exists
	DirExists       = afero.DirExists
	IsDir           = afero.IsDir
	IsEmpty         = afero.IsEmpty
	Walk            = afero.Walk
	WriteReader     = afero.WriteReader
	SafeWriteReader = afero.SafeWriteReader
	GetTempDir      = afero.GetTempDir
)

// newCompatFs is a memfs with os.TempDir() made, world-writable and sticky.
func newCompatFs() Fs {
	fsys := memfs.New()
	if err := fsys.MkdirAll(os.TempDir(), 0o777); err != nil {
		panic(err)
	}
	if err := fsys.Chmod(os.TempDir(), 0o1777); err != nil {
		panic(err)
	}
	return fsys
}

// ReadAll is afero's (io.ReadAll).
var ReadAll = io.ReadAll

// readDirNames is afero's unexported helper: the sorted names in dirname.
func readDirNames(fsys Fs, dirname string) ([]string, error) {
	f, err := fsys.Open(dirname)
	if err != nil {
		return nil, err
	}
	names, err := f.Readdirnames(-1)
	f.Close()
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// FilePathSeparator is afero's.
const FilePathSeparator = afero.FilePathSeparator

// Afero is afero's.
type Afero = afero.Afero
