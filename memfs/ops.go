package memfs

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero"
)

// Create creates or truncates name with mode 0o666 (before umask) and opens
// it for reading and writing, as [os.Create].
func (f *Fs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens name for reading, as [os.Open].
func (f *Fs) Open(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens name as [os.OpenFile] does on Linux: O_CREATE makes a
// file with perm minus the umask (the opener gets the access it asked for
// whatever perm says), O_EXCL with O_CREATE fails atomically on any
// existing name (a symbolic link included), O_TRUNC empties the file,
// O_APPEND makes every Write go to the end. Opening needs read permission
// for reading and write permission for writing or O_TRUNC; a directory
// can only be opened read-only (else syscall.EISDIR). The handle is a
// [*File].
func (f *Fs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	// No defer: this is the hottest path, and a conditional defer is not
	// open-coded.
	if flag&(os.O_CREATE|os.O_TRUNC) != 0 {
		f.mu.Lock()
		h, err := f.openFile(name, flag, perm)
		f.mu.Unlock()
		return h, err
	}
	f.mu.RLock()
	h, err := f.openFile(name, flag, perm)
	f.mu.RUnlock()
	return h, err
}

// openFile is OpenFile with f.mu held: for writing if flag has O_CREATE or
// O_TRUNC. It returns a nil interface on error.
func (f *Fs) openFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	create := flag&os.O_CREATE != 0
	excl := create && flag&os.O_EXCL != 0
	trunc := flag&os.O_TRUNC != 0
	acc := flag & (os.O_RDONLY | os.O_WRONLY | os.O_RDWR)
	var r resolved
	var err error
	if create && strings.HasSuffix(toSlash(name), "/") {
		// open(2) refuses O_CREAT on a name ending in a slash once the
		// parent resolves, whatever the last component is.
		if r, err = f.resolve(path.Dir(strings.TrimRight(toSlash(name), "/"))+"/x", neverFollow); err == nil {
			err = syscall.EISDIR
		}
	} else {
		mode := follow
		if excl {
			mode = noFollow // O_EXCL: a link, even dangling, exists
		}
		r, err = f.resolve(name, mode)
	}
	if err != nil {
		return nil, pathErr("open", name, err)
	}
	n := r.n
	var h *File
	if n == nil {
		switch {
		case !create:
			return nil, pathErr("open", name, syscall.ENOENT)
		case r.slash:
			return nil, pathErr("open", name, syscall.EISDIR)
		case !f.may(r.dir, mayWrite|mayExec):
			return nil, pathErr("open", name, syscall.EACCES)
		}
		// The new file and its first handle are one allocation.
		both := new(struct {
			n node
			h File
		})
		n, h = &both.n, &both.h
		f.initNode(n, f.createMode(perm))
		r.dir.children.add(r.base, n)
		r.dir.mtime = n.mtime
	} else {
		var want fs.FileMode
		if acc != os.O_WRONLY {
			want |= mayRead
		}
		if acc != os.O_RDONLY || trunc {
			want |= mayWrite
		}
		switch {
		case excl:
			return nil, pathErr("open", name, syscall.EEXIST)
		case n.isDir() && (create || want&mayWrite != 0):
			return nil, pathErr("open", name, syscall.EISDIR)
		case !f.may(n, want):
			return nil, pathErr("open", name, syscall.EACCES)
		}
		if trunc && n.isRegular() {
			f.resize(n, 0)
			f.touch(n)
		}
	}
	n.opens.Add(1)
	f.opens.Add(1)
	if h == nil {
		h = new(File)
	}
	h.fsys, h.n, h.name = f, n, name
	h.read, h.write, h.append = acc != os.O_WRONLY, acc != os.O_RDONLY, flag&os.O_APPEND != 0
	return h, nil
}

// createMode is the mode of a new file or directory asked for with perm.
func (f *Fs) createMode(perm fs.FileMode) fs.FileMode {
	return perm&(fs.ModeDir|fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) | perm.Perm()&^f.opts.Umask
}

// Mkdir creates the directory name with mode perm minus the umask, as
// [os.Mkdir]: an existing name (a dangling symbolic link included) fails
// with syscall.EEXIST, a missing parent with syscall.ENOENT.
func (f *Fs) Mkdir(name string, perm fs.FileMode) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	// mkdir(2) does not follow a final symbolic link, even before a slash.
	trimmed := strings.TrimRight(toSlash(name), "/")
	if trimmed == "" {
		trimmed = "/"
	}
	r, err := f.resolve(trimmed, neverFollow)
	switch {
	case err != nil:
		return pathErr("mkdir", name, err)
	case r.n != nil:
		return pathErr("mkdir", name, syscall.EEXIST)
	case !f.may(r.dir, mayWrite|mayExec):
		return pathErr("mkdir", name, syscall.EACCES)
	}
	d := f.newNode(fs.ModeDir | f.createMode(perm))
	d.parent = r.dir
	if f.isRestricted(d) {
		f.restricted++
	}
	r.dir.children.add(r.base, d)
	r.dir.nlink++
	r.dir.mtime = d.mtime
	return nil
}

// MkdirAll creates name and every missing parent with mode perm minus the
// umask, as [os.MkdirAll] (whose algorithm it follows): nil if name is
// already a directory, syscall.ENOTDIR if it is something else.
func (f *Fs) MkdirAll(name string, perm fs.FileMode) error {
	fi, err := f.Stat(name)
	if err == nil {
		if fi.IsDir() {
			return nil
		}
		return pathErr("mkdir", name, syscall.ENOTDIR)
	}
	i := len(name) - 1
	for i >= 0 && os.IsPathSeparator(name[i]) {
		i--
	}
	for i >= 0 && !os.IsPathSeparator(name[i]) {
		i--
	}
	if i < 0 {
		i = 0
	}
	if parent := name[:i]; len(parent) > len(filepath.VolumeName(name)) {
		if err := f.MkdirAll(parent, perm); err != nil {
			return err
		}
	}
	if err := f.Mkdir(name, perm); err != nil {
		if fi, _, err1 := f.LstatIfPossible(name); err1 == nil && fi.IsDir() {
			return nil
		}
		return err
	}
	return nil
}

// Remove removes the file, symbolic link or empty directory name, as
// [os.Remove]: a non-empty directory fails with syscall.ENOTEMPTY. Open
// handles of a removed file keep working.
func (f *Fs) Remove(name string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.resolve(name, neverFollow)
	if err == nil && r.n == nil {
		err = syscall.ENOENT
	}
	if err == nil {
		err = f.unlink(r)
	}
	if err != nil {
		return pathErr("remove", name, err)
	}
	return nil
}

// unlink removes r's entry, a file or an empty directory, with the errors
// of unlink(2) then rmdir(2) as os.Remove picks them. f.mu held.
func (f *Fs) unlink(r resolved) error {
	n := r.n
	if r.slash && !n.isDir() {
		return syscall.ENOTDIR
	}
	if n.isDir() {
		switch {
		case r.base == "/":
			return syscall.EBUSY
		case r.base == ".":
			return syscall.EINVAL
		case r.base == "..":
			return syscall.ENOTEMPTY
		case !f.may(r.dir, mayWrite|mayExec):
			return syscall.EACCES
		case n.children.len() > 0:
			return syscall.ENOTEMPTY
		}
		r.dir.nlink--
	} else if !f.may(r.dir, mayWrite|mayExec) {
		return syscall.EACCES
	}
	r.dir.children.remove(r.base, r.seq)
	f.unref(n)
	f.touch(r.dir)
	return nil
}

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
		if f.restricted > 0 || f.extraLinks > 0 || f.opens.Load() > 0 {
			f.release(n)
		}
		f.detach(parent, base, s)
		return nil
	}
	uErr := syscall.EISDIR
	if !canUnlink {
		uErr = syscall.EACCES
	}
	if !n.isDir() {
		return pathErr("unlinkat", name, uErr)
	}
	var recurseErr error
	if !f.may(n, mayRead) {
		recurseErr = pathErr("openfdat", name, syscall.EACCES)
	} else {
		for _, c := range n.children.sorted() {
			if err := f.removeFrom(n, c, name+"/"+c); err != nil && recurseErr == nil {
				recurseErr = err
			}
		}
	}
	err := f.unlink(resolved{dir: parent, base: base, n: n, seq: s.seq})
	switch {
	case err == nil:
		return nil
	case recurseErr != nil:
		return recurseErr
	}
	return pathErr("unlinkat", name, err)
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
// the directories: an open handle of one keeps it, not what was in it.
// f.mu held.
func (f *Fs) release(n *node) {
	if !n.isDir() {
		return
	}
	n.children.all(func(_ string, c *node) bool {
		f.unref(c)
		f.release(c)
		return true
	})
	n.children = newEntries()
}
