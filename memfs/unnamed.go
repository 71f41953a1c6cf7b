package memfs

import (
	"io/fs"
	"syscall"

	"github.com/spf13/afero"
)

// unnamedFile is a file of [Fs.OpenUnnamed]: a [File] on a node that no
// directory names (link count 0) until [Fs.LinkUnnamed] gives it one.
type unnamedFile struct {
	*File
	linkable bool
}

// OpenUnnamed opens a new regular file with no name in directory dir, for
// reading and writing, with mode perm minus the umask, as Linux's
// open(dir, O_TMPFILE|O_RDWR) does (tempfs's UnnamedCreator): the user
// needs write and search permission on dir. Closing it frees it unless
// it was linked. Its Name is dir. With linkable false (O_EXCL) it can
// never be linked.
func (f *Fs) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.lookup(dir, follow)
	switch {
	case err != nil:
	case !r.n.isDir():
		err = syscall.ENOTDIR
	case !f.may(r.n, mayWrite|mayExec):
		err = syscall.EACCES
	}
	if err != nil {
		return nil, pathErr("open", dir, err)
	}
	// The file, its handle and the handle's wrapper are one allocation.
	all := new(struct {
		n node
		h File
		u unnamedFile
	})
	n, h, u := &all.n, &all.h, &all.u
	f.initNode(n, f.createMode(perm.Perm()))
	n.nlink = 0
	n.gone.Store(true) // freed at the last Close, unless linked
	n.opens.Add(1)
	f.opens.Add(1)
	h.fsys, h.n, h.name, h.read, h.write = f, n, dir, true, true
	u.File, u.linkable = h, linkable
	return u, nil
}

// LinkUnnamed gives h, an open linkable file of [Fs.OpenUnnamed], the name
// newname, as linkat(2) of /proc/self/fd/N does (tempfs's
// UnnamedCreator): an existing newname fails with syscall.EEXIST, a
// directory the user may not write or search with syscall.EACCES; an
// unlinkable or closed file with syscall.ENOENT, as Linux answers.
func (f *Fs) LinkUnnamed(h afero.File, newname string) error {
	u, ok := h.(*unnamedFile)
	if !ok || u.fsys != f {
		return linkErr("link", "", newname, fs.ErrInvalid)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	f.mu.Lock()
	defer f.mu.Unlock()
	to, err := f.resolve(newname, neverFollow)
	switch {
	case err != nil:
	case u.n == nil || !u.linkable:
		err = syscall.ENOENT
	case to.n != nil:
		err = syscall.EEXIST
	case to.slash:
		err = syscall.ENOENT
	case !f.may(to.dir, mayWrite|mayExec):
		err = syscall.EACCES
	}
	if err != nil {
		return linkErr("link", u.name, newname, err)
	}
	n := u.n
	n.nlink++
	if n.nlink > 1 {
		f.extraLinks++
	}
	n.gone.Store(false)
	to.dir.children.add(to.base, n)
	f.touch(to.dir)
	return nil
}

// Chmod sets the file's permission bits, as [os.File.Chmod] (fchmod): only
// the owner may, unless the Fs acts as root.
func (u *unnamedFile) Chmod(mode fs.FileMode) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.n == nil {
		return pathErr("chmod", u.name, fs.ErrClosed)
	}
	f := u.fsys
	f.mu.Lock()
	defer f.mu.Unlock()
	n := u.n
	if !f.owns(n) {
		return pathErr("chmod", u.name, syscall.EPERM)
	}
	const bits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	f.setMeta(n, func() { n.mode = n.mode&^bits | mode&bits })
	return nil
}

// Chown sets the file's owner and group, as [os.File.Chown] (fchown), with
// the rules of [Fs.Chown].
func (u *unnamedFile) Chown(uid, gid int) error {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.n == nil {
		return pathErr("chown", u.name, fs.ErrClosed)
	}
	f := u.fsys
	f.mu.Lock()
	defer f.mu.Unlock()
	n := u.n
	if !f.mayChown(n, uid, gid) {
		return pathErr("chown", u.name, syscall.EPERM)
	}
	f.setMeta(n, func() { setOwner(n, uid, gid) })
	return nil
}
