package memfs

import (
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
