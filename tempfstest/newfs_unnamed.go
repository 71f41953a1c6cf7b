package tempfstest

import (
	"errors"
	"io/fs"

	"github.com/spf13/afero"
)

// OpenUnnamed refuses, with an error wrapping [errors.ErrUnsupported]: a
// TestFs runs tempfs's named protocol, so that a [tempfs.PendingFile]
// left neither committed nor cleaned up shows as a leak, as it would on
// every backend without unnamed files, and a [tempfs.TempFileUnnamed]
// file has a name until it is closed. The CrashFs inside it models
// unnamed files: crash-test the unnamed protocol on a [NewCrashFs].
func (f *TestFs) OpenUnnamed(dir string, _ fs.FileMode, _ bool) (afero.File, error) {
	return nil, &fs.PathError{Op: "open", Path: dir, Err: errors.ErrUnsupported}
}

// LinkUnnamed refuses: a TestFs makes no unnamed files.
func (f *TestFs) LinkUnnamed(_ afero.File, newname string) error {
	return &fs.PathError{Op: "link", Path: newname, Err: fs.ErrInvalid}
}
