package memfs

import (
	"io/fs"
	"math"
	"syscall"
	"time"
)

// Stat returns the [fs.FileInfo] of name, following symbolic links, as
// [os.Stat]. Its Sys is a *syscall.Stat_t (link count, owner, inode) on
// Linux, macOS and the BSDs, a *[Stat] elsewhere, made when asked for; its
// Owner() (uid, gid int) reports the owner Sys holds without making it
// (tempfs's FileOwner). So do the FileInfos of Lstat, File.Stat and
// Readdir.
func (f *Fs) Stat(name string) (fs.FileInfo, error) {
	return f.stat("stat", name, follow)
}

// LstatIfPossible returns the [fs.FileInfo] of name without following a
// final symbolic link, as [os.Lstat], and true (afero.Lstater).
func (f *Fs) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	fi, err := f.stat("lstat", name, noFollow)
	return fi, true, err
}

func (f *Fs) stat(op, name string, mode int) (fs.FileInfo, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	r, err := f.lookup(name, mode)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return r.n.info(baseName(name)), nil
}

// Chmod sets the permission, setuid, setgid and sticky bits of name
// (following symbolic links) to those of mode, as [os.Chmod]; only the
// owner may (else syscall.EPERM), unless the Fs acts as root.
func (f *Fs) Chmod(name string, mode fs.FileMode) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.lookup(name, follow)
	if err == nil && !f.owns(r.n) {
		err = syscall.EPERM
	}
	if err != nil {
		return pathErr("chmod", name, err)
	}
	const bits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky
	f.setMeta(r.n, func() { r.n.mode = r.n.mode&^bits | mode&bits })
	return nil
}

// Chown sets the owner and group of name (following symbolic links), as
// [os.Chown]; -1 leaves one unchanged. Ids are kept as the kernel keeps
// them, in 32 bits, so 2^32-1 is -1 too. Unless the Fs acts as root, only
// the owner may set either, and only to change the group to its own (else
// syscall.EPERM); setting neither succeeds for anyone.
func (f *Fs) Chown(name string, uid, gid int) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.lookup(name, follow)
	if err == nil && !f.mayChown(r.n, uid, gid) {
		err = syscall.EPERM
	}
	if err != nil {
		return pathErr("chown", name, err)
	}
	f.setMeta(r.n, func() { setOwner(r.n, uid, gid) })
	return nil
}

// chownID reads an id given to Chown as the kernel does: as a uid_t or
// gid_t (32 bits), where (uid_t)-1 (-1, or 2^32-1) leaves it unchanged.
func chownID(id int) (v uint32, set bool) {
	v = uint32(id)
	return v, v != math.MaxUint32
}

// mayChown reports whether the Fs's user may give n the owner uid and the
// group gid (as Chown takes them), as chown(2) decides: root may; a call
// that sets neither needs nothing; else only the owner, keeping its uid,
// and giving the group to its own gid or the file's. f.mu held.
func (f *Fs) mayChown(n *node, uid, gid int) bool {
	u, setUID := chownID(uid)
	g, setGID := chownID(gid)
	switch {
	case f.opts.Root || (!setUID && !setGID):
		return true
	case !f.owns(n):
		return false
	}
	return (!setUID || u == n.uid) && (!setGID || g == n.gid || g == uint32(f.opts.GID))
}

// setOwner sets the ids of uid and gid Chown sets (see chownID). f.mu held
// for writing.
func setOwner(n *node, uid, gid int) {
	if u, ok := chownID(uid); ok {
		n.uid = u
	}
	if g, ok := chownID(gid); ok {
		n.gid = g
	}
}

// Chtimes sets the access and modification times of name (following
// symbolic links), as [os.Chtimes]: a zero time leaves that time
// unchanged. Only the owner may, unless the Fs acts as root. Times are
// kept as os hands them to the kernel, in nanoseconds since the Unix epoch
// (t.UnixNano()), and reported as os.Stat reports them: in the local time
// zone, with no monotonic clock reading.
func (f *Fs) Chtimes(name string, atime, mtime time.Time) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.lookup(name, follow)
	if err == nil && !f.owns(r.n) {
		err = syscall.EPERM
	}
	if err != nil {
		return pathErr("chtimes", name, err)
	}
	if !atime.IsZero() {
		r.n.atime = stampOf(atime)
	}
	if !mtime.IsZero() {
		r.n.mtime = stampOf(mtime)
	}
	return nil
}

// SymlinkIfPossible creates newname as a symbolic link to oldname, as
// [os.Symlink] (afero.Linker). oldname is stored as given and resolved
// when the link is followed: relative to the link's directory, or from the
// root if absolute.
func (f *Fs) SymlinkIfPossible(oldname, newname string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	r, err := f.resolve(newname, neverFollow)
	switch {
	case err != nil:
	case r.n != nil:
		err = syscall.EEXIST
	case oldname == "" || r.slash:
		err = syscall.ENOENT
	case !f.may(r.dir, mayWrite|mayExec):
		err = syscall.EACCES
	}
	if err != nil {
		return linkErr("symlink", oldname, newname, err)
	}
	n := f.newNode(fs.ModeSymlink | 0o777)
	n.target = oldname
	r.dir.children.add(r.base, n)
	f.touch(r.dir)
	return nil
}

// ReadlinkIfPossible returns the target of the symbolic link name, as
// [os.Readlink] (afero.LinkReader): syscall.EINVAL if name is not one.
func (f *Fs) ReadlinkIfPossible(name string) (string, error) {
	f.mu.RLock()
	defer f.mu.RUnlock()
	r, err := f.lookup(name, noFollow)
	if err == nil && !r.n.isSymlink() {
		err = syscall.EINVAL
	}
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return r.n.target, nil
}

// Link creates newname as a hard link to the file oldname, as [os.Link]
// (tempfs's HardLinker): both names then share data, mode and owner, and
// the link count shows in Stat's Sys. An existing newname fails with
// syscall.EEXIST, a directory oldname with syscall.EPERM; a symbolic link
// oldname is linked itself, not followed.
func (f *Fs) Link(oldname, newname string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	from, err := f.lookup(oldname, noFollow)
	var to resolved
	if err == nil {
		to, err = f.resolve(newname, neverFollow)
	}
	switch {
	case err != nil:
	case to.n != nil:
		err = syscall.EEXIST
	case to.slash:
		err = syscall.ENOENT
	case !f.may(to.dir, mayWrite|mayExec):
		err = syscall.EACCES
	case from.n.isDir():
		err = syscall.EPERM
	}
	if err != nil {
		return linkErr("link", oldname, newname, err)
	}
	from.n.nlink++
	f.extraLinks++
	to.dir.children.add(to.base, from.n)
	f.touch(to.dir)
	return nil
}
