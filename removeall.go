package tempfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
)

// dirPage is how many directory entries RemoveAll and Sweep read at a time,
// so that their memory does not grow with the directory (os.RemoveAll
// reads 1024). 1023 names (16 bytes each) and the allocator's 8-byte header
// fill a 16 KiB block exactly; 1024 would take the next size, 18 KiB.
const dirPage = (16<<10 - 8) / 16

// RemoveAll removes path and everything under it from fsys, like
// [os.RemoveAll], and also removes trees that hold read-only files and
// directories: where the backend refuses, it makes the directories of the
// tree writable (adding u+rwx) and tries again, as Python's
// TemporaryDirectory does. It never follows a symbolic link out of the
// tree, and never changes anything outside path.
//
// On the host ([afero.OsFs], [afero.BasePathFs] directly over OsFs, and
// [RootFs]) the retry walks the tree by file descriptor, as os.RemoveAll
// does: each directory is opened relative to its parent without following
// links, made writable through its descriptor and emptied relative to it,
// so a directory swapped for a symbolic link while RemoveAll runs is
// removed as a link, never followed. On Linux this uses openat and
// unlinkat; elsewhere the walk runs inside an [os.Root] opened on the tree,
// which refuses any link that leads out of it. Other backends are walked by
// name: a backend with symbolic links and no such confinement (a remote
// one) cannot rule out a swap between two calls.
//
// A path that does not exist is not an error. An empty path, or one holding
// a NUL byte, is refused with an error wrapping fs.ErrInvalid. It also
// checks that the path is really gone afterwards, for backends whose
// RemoveAll does nothing. Directories are read dirPage entries at a time,
// so memory does not grow with the size of a directory. Errors are
// [*fs.PathError] with Op "removeall" and the caller's path.
func RemoveAll(fsys afero.Fs, path string) error {
	return removeAll(fsys, path, removeHostTree)
}

// removeAll is RemoveAll with the host walk given (tests run both walks).
func removeAll(fsys afero.Fs, path string, walk func(parent *os.Root, base string) error) error {
	const op = "removeall"
	if fsys == nil {
		return &fs.PathError{Op: op, Path: path, Err: errNilFs}
	}
	if path == "" {
		return &fs.PathError{Op: op, Path: path, Err: fs.ErrInvalid}
	}
	if strings.IndexByte(path, 0) >= 0 {
		return &fs.PathError{Op: op, Path: path, Err: errNameHasNUL}
	}
	if err := checkInside(fsys, op, path, false); err != nil {
		return err
	}
	err := fsys.RemoveAll(path)
	if err == nil {
		if _, err = lstat(fsys, path); errors.Is(err, fs.ErrNotExist) {
			return nil
		}
	}
	// The fast way failed or left something behind: walk the tree.
	parent, base, ok, err := hostParent(fsys, path)
	if ok {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // no parent, no tree
		}
		if err != nil {
			return wrapErr(op, path, err)
		}
		err = walk(parent, base)
		if cerr := parent.Close(); err == nil {
			err = cerr
		}
		return wrapErr(op, path, err)
	}
	return wrapErr(op, path, removeTree(fsys, path))
}

// removeTree removes name and what is under it one entry at a time, by
// name, making directories writable on the way: the walk for backends that
// are not the host.
func removeTree(fsys afero.Fs, name string) error {
	fi, err := lstat(fsys, name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		if fi.Mode().Perm()&0o700 != 0o700 {
			if err := fsys.Chmod(name, fi.Mode().Perm()|0o700); err != nil {
				return err
			}
		}
		if err := clearDir(fsys, name); err != nil {
			return err
		}
	}
	if err := fsys.Remove(name); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// clearDir removes what is in dir, reading it a page at a time. As
// in os.RemoveAll, the directory is opened afresh after each page that
// removed something, since removing entries may make a directory stream
// skip others; a page where every removal failed is stepped over.
func clearDir(fsys afero.Fs, dir string) error {
	var firstErr error
	for {
		d, err := fsys.Open(dir)
		if err != nil {
			return err
		}
		page, n, prev := pageSize(d), 0, ""
		for {
			names, rerr := d.Readdirnames(page)
			if rerr != nil && rerr != io.EOF {
				d.Close()
				return rerr
			}
			if len(names) > 0 && names[0] == prev {
				// The backend does not page (see tempNamesIn): this page
				// failed already.
				d.Close()
				return firstErr
			}
			n = len(names)
			failed := 0
			for _, child := range names {
				if err := removeTree(fsys, filepath.Join(dir, child)); err != nil {
					failed++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			if page < 0 || failed != page || rerr == io.EOF {
				break
			}
			prev = names[0]
		}
		if err := d.Close(); err != nil && firstErr == nil {
			firstErr = err
		}
		if page < 0 || n < page {
			return firstErr
		}
	}
}
