//go:build linux

package tempfs

import (
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"unsafe"
)

// removeHostTree removes base, in the host directory parent, and everything
// under it, walking by file descriptor as os.RemoveAll does
// ($GOROOT/src/os/removeall_at.go): every directory is opened relative to
// its parent with O_NOFOLLOW|O_DIRECTORY and emptied with unlinkat relative
// to its descriptor, so a directory swapped for a symbolic link is unlinked
// as a link, never followed. Where a removal is refused (EACCES, EPERM), the
// directory is given u+rwx through its descriptor and the removal retried.
// parent itself, outside the tree, is never changed.
func removeHostTree(parent *os.Root, base string) error {
	d, err := parent.Open(".")
	if err != nil {
		return err
	}
	err = removeAt(int(d.Fd()), base, false)
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeAt removes name in the directory open as dirfd. mayChmod says that
// dirfd is inside the tree, so it may be made writable.
func removeAt(dirfd int, name string, mayChmod bool) error {
	err := retryWritable(dirfd, mayChmod, func() error { return unlinkat(dirfd, name, 0) })
	if err == nil || err == syscall.ENOENT {
		return nil
	}
	// EISDIR: a directory, to be emptied first. EACCES, EPERM: dirfd is
	// not writable (and may not be made so), but name may still be a
	// directory whose contents can go.
	if err != syscall.EISDIR && err != syscall.EACCES && err != syscall.EPERM {
		return &fs.PathError{Op: "unlinkat", Path: name, Err: err}
	}
	unlinkErr := err
	var firstErr error
	for {
		fd, err := openDirAt(dirfd, name)
		switch {
		case err == syscall.ENOENT:
			return nil
		case err == syscall.ENOTDIR || err == syscall.ELOOP:
			// Not a directory (any more): a link or file swapped in.
			if err := unlinkat(dirfd, name, 0); err == nil || err == syscall.ENOENT {
				return nil
			}
			return &fs.PathError{Op: "unlinkat", Path: name, Err: unlinkErr}
		case err != nil:
			return &fs.PathError{Op: "openat", Path: name, Err: err}
		}
		d := os.NewFile(uintptr(fd), name)
		var n int
		for {
			names, rerr := d.Readdirnames(dirPage)
			if rerr != nil && rerr != io.EOF {
				d.Close()
				return &fs.PathError{Op: "readdirnames", Path: name, Err: rerr}
			}
			n = len(names)
			failed := 0
			for _, child := range names {
				if err := removeAt(int(d.Fd()), child, true); err != nil {
					if pe, ok := err.(*fs.PathError); ok {
						pe.Path = filepath.Join(name, pe.Path)
					}
					failed++
					if firstErr == nil {
						firstErr = err
					}
				}
			}
			if failed != dirPage || rerr == io.EOF {
				break
			}
		}
		// Removing entries may make a directory stream skip others: open
		// it afresh until a page comes back short (os.RemoveAll does too).
		d.Close()
		if n < dirPage {
			break
		}
	}
	err = retryWritable(dirfd, mayChmod, func() error { return unlinkat(dirfd, name, atRemoveDir) })
	if err == nil || err == syscall.ENOENT {
		return nil
	}
	if firstErr != nil {
		return firstErr
	}
	return &fs.PathError{Op: "unlinkat", Path: name, Err: err}
}

// retryWritable runs remove, and if dirfd refuses it (EACCES, EPERM) and
// may be changed, adds u+rwx to dirfd and runs remove again.
func retryWritable(dirfd int, mayChmod bool, remove func() error) error {
	err := remove()
	if !mayChmod || (err != syscall.EACCES && err != syscall.EPERM) {
		return err
	}
	if addOwnerRWX(dirfd) != nil {
		return err
	}
	return remove()
}

// addOwnerRWX adds u+rwx to the mode of the file open as fd.
func addOwnerRWX(fd int) error {
	var st syscall.Stat_t
	if err := syscall.Fstat(fd, &st); err != nil {
		return err
	}
	if st.Mode&0o700 == 0o700 {
		return syscall.EACCES // nothing to add: the refusal has another cause
	}
	return syscall.Fchmod(fd, st.Mode&0o7777|0o700)
}

const (
	atRemoveDir = 0x200    // AT_REMOVEDIR
	oPath       = 0x200000 // O_PATH, on every architecture Go runs Linux on
)

func unlinkat(dirfd int, name string, flags int) error {
	p, err := syscall.BytePtrFromString(name)
	if err != nil {
		return err
	}
	for {
		_, _, e := syscall.Syscall(syscall.SYS_UNLINKAT, uintptr(dirfd), uintptr(unsafe.Pointer(p)), uintptr(flags))
		if e != syscall.EINTR {
			if e != 0 {
				return e
			}
			return nil
		}
	}
}

// openDirAt opens the directory name in dirfd for reading, never through a
// symbolic link. A directory we may not read (mode 0o300, say) is given
// u+rwx first: it is opened with O_PATH, which needs no permission, and
// changed through /proc/self/fd, which names that very directory (fchmod
// refuses O_PATH descriptors, and fchmodat cannot refuse links on older
// kernels).
func openDirAt(dirfd int, name string) (int, error) {
	const flags = syscall.O_RDONLY | syscall.O_NOFOLLOW | syscall.O_DIRECTORY | syscall.O_CLOEXEC
	fd, err := openat(dirfd, name, flags)
	if err != syscall.EACCES {
		return fd, err
	}
	pfd, perr := openat(dirfd, name, oPath|syscall.O_NOFOLLOW|syscall.O_DIRECTORY|syscall.O_CLOEXEC)
	if perr != nil {
		return -1, err
	}
	var st syscall.Stat_t
	if perr = syscall.Fstat(pfd, &st); perr == nil {
		perr = syscall.Chmod("/proc/self/fd/"+strconv.Itoa(pfd), st.Mode&0o7777|0o700)
	}
	syscall.Close(pfd)
	if perr != nil {
		return -1, err
	}
	return openat(dirfd, name, flags)
}

func openat(dirfd int, name string, flags int) (int, error) {
	for {
		fd, err := syscall.Openat(dirfd, name, flags, 0)
		if err != syscall.EINTR {
			return fd, err
		}
	}
}
