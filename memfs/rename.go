package memfs

import (
	"strings"
	"syscall"
)

// Rename renames oldname to newname atomically, as [os.Rename] on Linux:
// an existing file newname is replaced (its open handles keep the old
// data); an existing directory newname fails with syscall.EEXIST (os
// checks this itself); a directory into its own subtree fails with
// syscall.EINVAL, a directory onto a file with syscall.ENOTDIR. Renaming a
// name onto another name of the same file does nothing. Errors are
// [*os.LinkError].
func (f *Fs) Rename(oldname, newname string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.rename(oldname, newname); err != nil {
		return linkErr("rename", oldname, newname, err)
	}
	return nil
}

func (f *Fs) rename(oldname, newname string) error {
	// os.Rename's own check: Lstat(newname) is a directory.
	to, toErr := f.resolve(newname, noFollow)
	if toErr == nil && to.n != nil && to.n.isDir() {
		from, err := f.lookup(oldname, noFollow)
		if err != nil {
			return err
		}
		if newname == oldname || from.n != to.n {
			return syscall.EEXIST
		}
	}
	from, err := f.resolve(oldname, neverFollow)
	if err != nil {
		return err
	}
	// Without a trailing slash, noFollow and neverFollow resolve alike:
	// the lookup above stands.
	if strings.HasSuffix(toSlash(newname), "/") {
		to, toErr = f.resolve(newname, neverFollow)
	}
	if toErr != nil {
		return toErr
	}
	switch {
	case from.base == "." || from.base == ".." || from.base == "/" || to.base == "." || to.base == ".." || to.base == "/":
		return syscall.EBUSY
	case from.n == nil:
		return syscall.ENOENT
	case (from.slash || to.slash) && !from.n.isDir():
		return syscall.ENOTDIR
	}
	n := from.n
	if n.isDir() {
		for p := to.dir; ; p = p.parent {
			if p == n {
				return syscall.EINVAL
			}
			if p == f.root {
				break
			}
		}
	}
	if n == to.n {
		return nil
	}
	switch {
	case !f.may(from.dir, mayWrite|mayExec), !f.may(to.dir, mayWrite|mayExec):
		return syscall.EACCES
	case to.n != nil && n.isDir() && !to.n.isDir():
		return syscall.ENOTDIR
	case to.n != nil && !n.isDir() && to.n.isDir():
		return syscall.EISDIR
	case to.n != nil && to.n.children.len() > 0:
		return syscall.ENOTEMPTY
	case n.isDir() && from.dir != to.dir && !f.may(n, mayWrite):
		return syscall.EACCES
	}
	from.dir.children.remove(from.base, from.seq)
	if to.n != nil {
		f.unref(to.n)
		if to.n.isDir() {
			to.dir.nlink--
		}
		to.dir.children.replace(to.base, to.seq, n)
	} else {
		to.dir.children.add(to.base, n)
	}
	if n.isDir() {
		n.parent = to.dir
		from.dir.nlink--
		to.dir.nlink++
	}
	f.touch(from.dir)
	to.dir.mtime = from.dir.mtime
	return nil
}
