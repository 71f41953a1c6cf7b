package tempfs

import (
	"errors"
	"io"
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
//
// Sweep reads the names of dir a page at a time and looks up (Lstat) only
// those named as temp files, so its time is that of listing the names and
// its memory does not grow with the directory, only with the temp files
// found.
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
	candidates, err := tempNamesIn(fsys, dir)
	if err != nil {
		return nil, wrapErr(op, dir, err)
	}
	cutoff := time.Now().Add(-olderThan)
	var removed []string
	for _, base := range candidates {
		name := filepath.Join(dir, base)
		fi, err := lstat(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue // renamed into place or swept by another
		}
		if err != nil {
			return removed, wrapErr(op, name, err)
		}
		if !fi.Mode().IsRegular() || fi.ModTime().After(cutoff) {
			continue
		}
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

// tempNamesIn returns the names in dir that [IsTempName] accepts, reading
// the directory a page at a time (see pageSize). The directory is read to its end
// before anything is removed, so that no removal can make the listing skip
// a name. A backend that does not page (afero's sftpfs returns the first n
// names on every call, never io.EOF) shows itself by starting a page with
// the name that started the page before; its directory is then read in
// one call.
func tempNamesIn(fsys afero.Fs, dir string) ([]string, error) {
	d, err := fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	var found []string
	n, prev := pageSize(d), ""
	for {
		names, err := d.Readdirnames(n)
		if n > 0 && len(names) > 0 && names[0] == prev {
			if err := d.Close(); err != nil {
				return nil, err
			}
			if d, err = fsys.Open(dir); err != nil {
				return nil, err
			}
			found, n = found[:0], -1
			continue
		}
		for _, name := range names {
			if IsTempName(name) {
				found = append(found, name)
			}
		}
		if err != nil && err != io.EOF {
			d.Close()
			return nil, err
		}
		if err == io.EOF || n < 0 || len(names) == 0 {
			break
		}
		prev = names[0]
	}
	return found, d.Close()
}
