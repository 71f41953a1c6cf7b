package sftpfs

import (
	"fmt"
	"io/fs"
	"os"
)

// Rename renames oldname to newname. With the server's
// posix-rename@openssh.com extension it is rename(2) on the server: an
// existing newname is replaced atomically. Without it, a plain SFTP rename
// is sent, which OpenSSH refuses when newname exists; Rename then fails
// with an error naming the missing extension and wrapping both
// [errors.ErrUnsupported] and fs.ErrExist, and changes nothing.
// Errors are [*os.LinkError] with Op "rename".
func (fsys *Fs) Rename(oldname, newname string) error {
	const op = "rename"
	ro, rn := remote(oldname), remote(newname)
	if fsys.posixRename {
		return linkErr(op, oldname, newname, fsys.c.PosixRename(ro, rn))
	}
	err := fsys.c.Rename(ro, rn)
	if err != nil && isFailure(err) && fsys.exists(rn) {
		return &os.LinkError{Op: op, Old: oldname, New: newname,
			Err: fmt.Errorf("%w (%w)", errNoPosixRename, fs.ErrExist)}
	}
	return linkErr(op, oldname, newname, err)
}

// Link creates newname as a hard link to oldname through the server's
// hardlink@openssh.com extension. It fails with an error wrapping
// fs.ErrExist if newname exists (atomically: link(2) on the server), and
// with one naming the extension and wrapping [errors.ErrUnsupported] if the
// server lacks it. Errors are [*os.LinkError] with Op "link".
func (fsys *Fs) Link(oldname, newname string) error {
	const op = "link"
	if !fsys.hardlink {
		return &os.LinkError{Op: op, Old: oldname, New: newname, Err: errNoHardlink}
	}
	rn := remote(newname)
	err := fsys.c.Link(remote(oldname), rn)
	if err != nil && isFailure(err) && fsys.exists(rn) {
		return &os.LinkError{Op: op, Old: oldname, New: newname, Err: existErr(err)}
	}
	return linkErr(op, oldname, newname, err)
}

// SymlinkIfPossible creates newname as a symbolic link to oldname on the
// server. It implements [afero.Linker]. Errors are [*os.LinkError] with Op
// "symlink"; an existing newname fails wrapping fs.ErrExist.
func (fsys *Fs) SymlinkIfPossible(oldname, newname string) error {
	const op = "symlink"
	rn := remote(newname)
	err := fsys.c.Symlink(remote(oldname), rn)
	if err != nil && isFailure(err) && fsys.exists(rn) {
		return &os.LinkError{Op: op, Old: oldname, New: newname, Err: existErr(err)}
	}
	return linkErr(op, oldname, newname, err)
}

// ReadlinkIfPossible returns the target of the symbolic link name. It
// implements [afero.LinkReader]. Errors are [*fs.PathError] with Op
// "readlink".
func (fsys *Fs) ReadlinkIfPossible(name string) (string, error) {
	target, err := fsys.c.ReadLink(remote(name))
	if err != nil {
		return "", pathErr("readlink", name, err)
	}
	return target, nil
}
