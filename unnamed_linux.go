//go:build linux

package tempfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"unsafe"

	"github.com/spf13/afero"
)

// This file holds Linux's unnamed files: open(dir, O_TMPFILE) and
// linkat(2) of /proc/self/fd/N, for the host ([afero.OsFs], an
// [afero.BasePathFs] over it) and for [RootFs]. Package syscall lacks
// O_TMPFILE and linkat, so both are spelled here.

// oTmpfile is O_TMPFILE: __O_TMPFILE (020000000 on every Linux port Go
// supports) with O_DIRECTORY, whose value differs between ports.
const oTmpfile = 0x400000 | syscall.O_DIRECTORY

const (
	atFdcwd         = -0x64  // AT_FDCWD
	atSymlinkFollow = 0x400  // AT_SYMLINK_FOLLOW
	atEmptyPath     = 0x1000 // AT_EMPTY_PATH
)

var _ UnnamedCreator = (*RootFs)(nil)

// unnamedFile is an open file with no name, made by O_TMPFILE. Its Name is
// the directory it was made in, as the caller named it (os.OpenFile names
// such a file so too); so are the paths of its errors.
type unnamedFile struct {
	*os.File
	fd  int
	dir *os.File // RootFs: the directory, held for the link (if linkable)
	// dirName is the directory as the caller named it.
	dirName string
}

// Close closes the file (and the directory held with it): a file never
// linked is freed.
func (f *unnamedFile) Close() error {
	err := f.File.Close()
	if f.dir != nil {
		f.dir.Close()
	}
	return err
}

// takeDir hands over the directory the file holds, if any: the file's
// Close no longer closes it.
func (f *unnamedFile) takeDir() syncCloser {
	d := f.dir
	f.dir = nil
	if d == nil {
		return nil
	}
	return d
}

// openTmpfile opens an unnamed file in the directory path (relative to
// dirfd). linkable false adds O_EXCL: the file can then never get a name.
func openTmpfile(dirfd int, path string, perm fs.FileMode, linkable bool) (int, error) {
	flag := oTmpfile | syscall.O_RDWR | syscall.O_CLOEXEC
	if !linkable {
		flag |= syscall.O_EXCL
	}
	for {
		fd, err := syscall.Openat(dirfd, path, flag, uint32(perm.Perm()))
		if err != syscall.EINTR {
			return fd, err
		}
	}
}

// linkFd names the open file fd newpath (relative to dirfd): linkat of its
// /proc/self/fd link, which needs no privilege; where /proc is missing,
// linkat with AT_EMPTY_PATH, which needs CAP_DAC_READ_SEARCH.
func linkFd(fd, dirfd int, newpath string) error {
	err := linkat(atFdcwd, "/proc/self/fd/"+strconv.Itoa(fd), dirfd, newpath, atSymlinkFollow)
	if err == syscall.ENOENT {
		if _, serr := os.Lstat("/proc/self/fd"); serr != nil {
			if lerr := linkat(fd, "", dirfd, newpath, atEmptyPath); lerr == nil {
				return nil
			}
		}
	}
	return err
}

func linkat(olddirfd int, oldpath string, newdirfd int, newpath string, flags int) error {
	op, err := syscall.BytePtrFromString(oldpath)
	if err != nil {
		return err
	}
	np, err := syscall.BytePtrFromString(newpath)
	if err != nil {
		return err
	}
	for {
		_, _, e := syscall.Syscall6(syscall.SYS_LINKAT, uintptr(olddirfd), uintptr(unsafe.Pointer(op)),
			uintptr(newdirfd), uintptr(unsafe.Pointer(np)), uintptr(flags), 0)
		switch e {
		case 0:
			return nil
		case syscall.EINTR:
			continue
		}
		return e
	}
}

// hostUnnamed makes unnamed files on the host, for [afero.OsFs] (base nil)
// and an [afero.BasePathFs] over it, whose names it maps to host paths
// (after the caller's checkInside).
type hostUnnamed struct{ base *afero.BasePathFs }

// newHostUnnamed returns the host's UnnamedCreator.
func newHostUnnamed(base *afero.BasePathFs) UnnamedCreator { return hostUnnamed{base: base} }

func (h hostUnnamed) real(name string) (string, error) {
	if h.base == nil {
		return name, nil
	}
	return h.base.RealPath(name)
}

func (h hostUnnamed) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	real, err := h.real(dir)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: cause(err)}
	}
	fd, err := openTmpfile(atFdcwd, real, perm, linkable)
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return &unnamedFile{File: os.NewFile(uintptr(fd), dir), fd: fd, dirName: dir}, nil
}

func (h hostUnnamed) LinkUnnamed(f afero.File, newname string) error {
	uf, ok := f.(*unnamedFile)
	if !ok || uf.dir != nil {
		return &fs.PathError{Op: "link", Path: newname, Err: fs.ErrInvalid}
	}
	real, err := h.real(newname)
	if err == nil {
		err = linkFd(uf.fd, atFdcwd, real)
	}
	if err != nil {
		return &fs.PathError{Op: "link", Path: newname, Err: cause(err)}
	}
	return nil
}

// OpenUnnamed opens a new file with no name in dir, inside the root (see
// [UnnamedCreator]): the directory is opened through the root, the file
// relative to it, and the directory is held until the file is closed.
func (fsys *RootFs) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	root, err := fsys.open()
	if err != nil {
		return nil, rootPathErr("open", dir, err)
	}
	d, err := root.Open(rel(dir))
	if err != nil {
		return nil, rootPathErr("open", dir, err)
	}
	fd, err := openTmpfile(int(d.Fd()), ".", perm, linkable)
	if err != nil || !linkable {
		// A file that can never be linked does not need its directory.
		d.Close()
		d = nil
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: dir, Err: err}
	}
	return &unnamedFile{File: os.NewFile(uintptr(fd), dir), fd: fd, dir: d, dirName: dir}, nil
}

// LinkUnnamed names f, a file of [RootFs.OpenUnnamed], newname, which must
// be in the directory f was made in (see [UnnamedCreator]). The link is
// made relative to that directory's descriptor, with newname's last
// element only, so it cannot leave the root.
func (fsys *RootFs) LinkUnnamed(f afero.File, newname string) error {
	uf, ok := f.(*unnamedFile)
	if !ok || uf.dir == nil || filepath.Clean(rel(filepath.Dir(newname))) != filepath.Clean(rel(uf.dirName)) {
		return &fs.PathError{Op: "link", Path: newname, Err: fs.ErrInvalid}
	}
	if err := linkFd(uf.fd, int(uf.dir.Fd()), filepath.Base(newname)); err != nil {
		return &fs.PathError{Op: "link", Path: newname, Err: err}
	}
	return nil
}
