package tempfs

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/afero"
)

// Sweep removes from dir of fsys the temp files that this package's atomic
// writes left behind when a process died between creating and renaming
// them, and returns their names. It removes only regular files named
// exactly as those temp files are (".<name>.tempfs-<13 letters or
// digits>.tmp") and last modified more than olderThan ago; pick an age
// longer than any write in progress may take (0 removes them all, for use
// when no writer can be running). It does not descend into subdirectories.
// An empty dir, or one holding a NUL byte, is refused with an error
// wrapping fs.ErrInvalid (Sweep has no default directory: it cleans the
// directories of the files you write). On an Fs whose crashed writers
// leave something else behind ([StaleSweeper]: an object store's unfinished
// multipart uploads), Sweep also frees what was started in dir before the
// same cutoff, and returns those names too. Errors are [*fs.PathError] with Op
// "sweep"; names removed before an error are returned with it. It is safe
// for concurrent use.
func Sweep(fsys afero.Fs, dir string, olderThan time.Duration) ([]string, error) {
	const op = "sweep"
	if fsys == nil {
		return nil, &fs.PathError{Op: op, Path: dir, Err: errNilFs}
	}
	if dir == "" || strings.IndexByte(dir, 0) >= 0 {
		return nil, &fs.PathError{Op: op, Path: dir, Err: fs.ErrInvalid}
	}
	if err := checkInside(fsys, op, dir, true); err != nil {
		return nil, err
	}
	d, err := fsys.Open(dir)
	if err != nil {
		return nil, wrapErr(op, dir, err)
	}
	infos, err := d.Readdir(-1)
	d.Close()
	if err != nil {
		return nil, wrapErr(op, dir, err)
	}
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	for _, fi := range infos {
		if !fi.Mode().IsRegular() || !IsTempName(fi.Name()) || fi.ModTime().After(cutoff) {
			continue
		}
		name := filepath.Join(dir, fi.Name())
		if err := fsys.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, wrapErr(op, name, err)
		}
		removed = append(removed, name)
	}
	if ss, ok := fsys.(StaleSweeper); ok {
		stale, err := ss.SweepStale(dir, cutoff)
		removed = append(removed, stale...)
		if err != nil {
			return removed, wrapErr(op, dir, err)
		}
	}
	return removed, nil
}
