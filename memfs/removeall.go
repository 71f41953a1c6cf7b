package memfs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// RemoveAll removes name and everything under it, as [os.RemoveAll] (whose
// algorithm and errors it follows): nil if name does not exist; where
// permissions forbid, it removes what it can and returns the first error.
// Its cost grows with the size of the subtree only.
func (f *Fs) RemoveAll(name string) error {
	if name == "" {
		return nil
	}
	if endsWithDot(name) {
		return pathErr("RemoveAll", name, syscall.EINVAL)
	}
	err := f.Remove(name)
	if err == nil || errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	parentName, base := splitPath(toSlash(name))
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.lookup(parentName, follow)
	if err == nil && !f.may(r.n, mayRead) {
		err = syscall.EACCES
	}
	switch {
	case err == syscall.ENOENT:
		return nil
	case err != nil:
		return pathErr("open", parentName, err)
	}
	return f.removeFrom(r.n, base, parentName+"/"+base)
}

// removeFrom is os's removeAllFrom: it removes the entry base of parent and
// everything under it, as far as permissions allow, and returns the first
// error, naming the entry by name. f.mu held.
func (f *Fs) removeFrom(parent *node, base, name string) error {
	switch {
	case !parent.isDir():
		return pathErr("unlinkat", name, syscall.ENOTDIR)
	case !f.may(parent, mayExec):
		// unlinkat, openat and rmdir all fail to look base up.
		return pathErr("openfdat", name, syscall.EACCES)
	}
	if base == "/" {
		return f.emptyRoot(name)
	}
	s := parent.children.get(base)
	n := s.n
	if n == nil {
		return nil
	}
	canUnlink := f.may(parent, mayWrite|mayExec)
	if !n.isDir() && canUnlink {
		f.detach(parent, base, s)
		return nil
	}
	// Fast path: the whole subtree may go at once. It is walked only to
	// check permissions where some directory is restricted, and to drop
	// links where files have other names or open handles: else it is
	// dropped as it is, whatever its size.
	if canUnlink && (f.restricted == 0 || f.removable(n)) {
		if f.restricted > 0 || f.extraLinks > 0 || f.opens.Load() > 0 || f.opts.TrackSync {
			f.release(n)
		}
		f.detach(parent, base, s)
		return nil
	}
	uErr := syscall.EISDIR
	if !canUnlink {
		uErr = syscall.EACCES
	}
	switch {
	case n.isSymlink():
		// os (Go 1.26) opens the entry as a directory without following
		// it, learns it is a link, reports the unlink's error as
		// openfdat's, and fails to rmdir it.
		return pathErr("openfdat", name, uErr)
	case !n.isDir():
		return pathErr("unlinkat", name, uErr)
	}
	recurseErr := f.removeChildren(n, name)
	err := f.unlink(resolved{dir: parent, base: base, n: n, seq: s.seq})
	switch {
	case err == nil:
		return nil
	case recurseErr != nil:
		return recurseErr
	}
	return pathErr("unlinkat", name, err)
}

// removeChildren removes everything in directory n, named name, as far as
// permissions allow, as os's removeAllFrom does once it has opened n, and
// returns the first error (n unreadable: openfdat). f.mu held.
func (f *Fs) removeChildren(n *node, name string) error {
	if !f.may(n, mayRead) {
		return pathErr("openfdat", name, syscall.EACCES)
	}
	var first error
	for _, c := range n.children.sorted() {
		if err := f.removeFrom(n, c, name+"/"+c); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// emptyRoot is removeFrom for the root, which a name of slashes alone
// names (os splits "/" into "." and "/"): as on the disk, unlinkat fails
// (EISDIR), so everything in the root that may go goes, and rmdir of the
// root fails with EBUSY. f.mu held.
func (f *Fs) emptyRoot(name string) error {
	if err := f.removeChildren(f.root, name); err != nil {
		return err
	}
	return pathErr("unlinkat", name, syscall.EBUSY)
}

// detach removes the entry base, which holds s, from parent. f.mu held.
func (f *Fs) detach(parent *node, base string, s slot) {
	n := s.n
	parent.children.remove(base, s.seq)
	f.unref(n)
	if n.isDir() {
		parent.nlink--
	}
	f.touch(parent)
}

// endsWithDot reports whether the final component of path is ".".
func endsWithDot(path string) bool {
	if path == "." {
		return true
	}
	return len(path) >= 2 && path[len(path)-1] == '.' && os.IsPathSeparator(path[len(path)-2])
}

// splitPath is os's: the parent directory and the base of path.
func splitPath(path string) (string, string) {
	dirname := "."
	for len(path) > 1 && path[0] == '/' && path[1] == '/' {
		path = path[1:]
	}
	i := len(path) - 1
	for ; i > 0 && path[i] == '/'; i-- {
		path = path[:i]
	}
	basename := path
	for i--; i >= 0; i-- {
		if path[i] == '/' {
			if i == 0 {
				dirname = path[:1]
			} else {
				dirname = path[:i]
			}
			basename = path[i+1:]
			break
		}
	}
	return dirname, basename
}

// removable reports whether every directory in the tree at n may be read
// and emptied. f.mu held.
func (f *Fs) removable(n *node) bool {
	if !n.isDir() {
		return true
	}
	if n.children.len() > 0 && !f.may(n, mayRead|mayWrite|mayExec) {
		return false
	}
	ok := true
	n.children.all(func(_ string, c *node) bool {
		ok = f.removable(c)
		return ok
	})
	return ok
}

// release drops the links the files below directory n hold, and empties
// the directories: an open handle of one keeps it, not what was in it. On
// a tracked Fs each directory remembers the entries it lost, as unlinking
// them one by one would leave it until it is synced. f.mu held.
func (f *Fs) release(n *node) {
	if !n.isDir() {
		return
	}
	e := n.children
	e.all(func(name string, c *node) bool {
		f.unref(c)
		f.release(c)
		if e.unsynced != nil {
			e.note(name, c, nil)
		}
		return true
	})
	n.children = newEntries()
	n.children.unsynced = e.unsynced
}
