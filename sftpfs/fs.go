// Package sftpfs is an [afero.Fs] over SFTP ([github.com/pkg/sftp]) with the
// semantics tempfs relies on, tested against OpenSSH's sftp-server:
//
//   - Rename replaces an existing target atomically through the
//     posix-rename@openssh.com extension; File.Sync and [Fs.SyncDir] send
//     fsync@openssh.com; [Fs.Link] sends hardlink@openssh.com.
//   - When the server lacks one of them the operation fails with an error
//     naming the extension and wrapping [errors.ErrUnsupported], and
//     [Fs.Guarantees] reports it up front so that tempfs's atomic writes
//     refuse before writing anything. There is never a silent fallback.
//   - Errors are [*fs.PathError] (or [*os.LinkError]) with the caller's path;
//     SFTP status codes map to fs.ErrNotExist, fs.ErrPermission and
//     fs.ErrExist (OpenSSH answers SSH_FX_FAILURE for an existing target; the
//     Fs then looks whether the target exists), so errors.Is works.
//   - O_EXCL is sent to the server (SSH_FXF_EXCL), so it is atomic there;
//     RemoveAll really removes; File.WriteAt really writes.
//
// Names are server paths with "/" separators; a relative name is resolved
// by the server against its start directory (usually the user's home). On
// Windows, names are converted with [filepath.ToSlash] first, so that paths
// built with path/filepath work.
//
// The SFTP protocol (version 3, as pkg/sftp speaks it) has no way to pass a
// mode with pkg/sftp's open and mkdir requests, so a new file or directory
// first gets the server's default mode (0o666 or 0o777 masked by the
// server's umask) and is then changed to the mode asked for, masked by the
// same umask, through its handle (files) or path (directories). Run the
// server with "-u 077" (sshd_config: "Subsystem sftp internal-sftp -u 077")
// if a new file must never be readable by others, not even for that
// moment.
package sftpfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pkg/sftp"
	"github.com/spf13/afero"
	"github.com/tempfs-go/tempfs"
)

// Fs is an [afero.Fs] over one SFTP connection. It also implements
// [afero.Symlinker] (Lstat, symlink, readlink), [tempfs.DirSyncer], [tempfs.HardLinker] and
// [tempfs.GuaranteeReporter].
//
// An Fs is safe for concurrent use by many goroutines, as the [sftp.Client]
// is. It does not own the client: the caller closes the client (and the SSH
// connection under it) when done, after which every call fails.
//
// Durability: nothing is durable until File.Sync (for a file's data) and
// SyncDir (for a directory's entries) return nil; both need the server's
// fsync@openssh.com extension.
type Fs struct {
	c           *sftp.Client
	posixRename bool
	fsync       bool
	hardlink    bool
}

var (
	_ afero.Fs                 = (*Fs)(nil)
	_ afero.Symlinker          = (*Fs)(nil)
	_ tempfs.DirSyncer         = (*Fs)(nil)
	_ tempfs.HardLinker        = (*Fs)(nil)
	_ tempfs.GuaranteeReporter = (*Fs)(nil)
)

// New returns an Fs over c. The extensions the server advertised when c
// connected (posix-rename, fsync and hardlink @openssh.com) decide what the
// Fs can promise; see [Fs.Guarantees].
func New(c *sftp.Client) *Fs {
	has := func(name string) bool {
		data, ok := c.HasExtension(name)
		return ok && data == "1"
	}
	return &Fs{
		c:           c,
		posixRename: has(extPosixRename),
		fsync:       has(extFsync),
		hardlink:    has(extHardlink),
	}
}

// remote turns a caller's name into the server's path.
func remote(name string) string { return filepath.ToSlash(name) }

// Name returns "sftpfs".
func (fsys *Fs) Name() string { return "sftpfs" }

// StrictPOSIX returns true: creating in a missing directory, Mkdir of an
// existing name and renaming a file onto a directory all fail on the
// server, as on the OS, so tempfs skips its own checks of these and the
// round trips they cost ([tempfs.StrictFs]).
func (fsys *Fs) StrictPOSIX() bool { return true }

// Guarantees reports which properties of an atomic, durable write the
// server cannot give: AtomicReplace is set without posix-rename@openssh.com,
// Sync without fsync@openssh.com. Each error names the missing extension and
// wraps [errors.ErrUnsupported].
func (fsys *Fs) Guarantees() tempfs.Guarantees {
	var g tempfs.Guarantees
	if !fsys.posixRename {
		g.AtomicReplace = errNoPosixRename
	}
	if !fsys.fsync {
		g.Sync = errNoFsync
	}
	return g
}

// exists reports whether the server has an entry (of any kind) at r. It
// resolves OpenSSH's SSH_FX_FAILURE, which is all it answers for EEXIST.
func (fsys *Fs) exists(r string) bool {
	_, err := fsys.c.Lstat(r)
	return err == nil
}

// existErr is the error for a request that failed because its target exists.
func existErr(err error) error {
	return fmt.Errorf("%w: %w", fs.ErrExist, stripPath(err))
}

// Create creates or truncates the named file, opened for reading and
// writing, with mode 0o666 (before the server's umask) if it is new, like
// [os.Create].
func (fsys *Fs) Create(name string) (afero.File, error) {
	return fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open opens the named file or directory for reading.
func (fsys *Fs) Open(name string) (afero.File, error) {
	return fsys.OpenFile(name, os.O_RDONLY, 0)
}

// OpenFile opens the named file with flag (os.O_RDONLY, O_WRONLY or O_RDWR,
// with O_APPEND, O_CREATE, O_EXCL and O_TRUNC; other flags are ignored). A
// file it creates gets mode perm (before the server's umask); an existing
// file keeps its mode, as with [os.OpenFile]. O_CREATE|O_EXCL is atomic on
// the server and fails with an error wrapping fs.ErrExist if the name
// exists; O_CREATE in a missing directory fails with fs.ErrNotExist.
//
// Errors are [*fs.PathError] with Op "open". The caller closes the file.
func (fsys *Fs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	const op = "open"
	r := remote(name)
	switch {
	case flag&os.O_CREATE == 0:
		f, err := fsys.c.OpenFile(r, flag)
		if err != nil {
			return nil, pathErr(op, name, err)
		}
		return newFile(fsys, f, name, flag), nil
	case flag&os.O_EXCL != 0:
		return fsys.create(name, flag, perm)
	}
	// O_CREATE alone: create exclusively, so that perm is set on a new file
	// only, else open the existing one. Retry if it vanishes in between.
	var err error
	for range 3 {
		var f afero.File
		f, err = fsys.create(name, flag|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
		var sf *sftp.File
		sf, err = fsys.c.OpenFile(r, flag&^(os.O_CREATE|os.O_EXCL))
		if err == nil {
			return newFile(fsys, sf, name, flag), nil
		}
		if !errors.Is(mapErr(err), fs.ErrNotExist) {
			break
		}
	}
	return nil, pathErr(op, name, err)
}

// create opens a new file with flag, which holds O_CREATE|O_EXCL, and sets
// its mode.
func (fsys *Fs) create(name string, flag int, perm fs.FileMode) (afero.File, error) {
	const op = "open"
	r := remote(name)
	f, err := fsys.c.OpenFile(r, flag)
	if err != nil {
		if isFailure(err) && fsys.exists(r) {
			return nil, &fs.PathError{Op: op, Path: name, Err: existErr(err)}
		}
		return nil, pathErr(op, name, err)
	}
	if err := setNewMode(f, perm, 0o666); err != nil {
		// The file is ours (O_EXCL): do not leave it behind.
		_ = f.Close()
		_ = fsys.c.Remove(r)
		return nil, pathErr("chmod", name, err)
	}
	return newFile(fsys, f, name, flag), nil
}

// modeBits are the bits of a mode that chmod sets.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// newMode is the mode an entry created with perm gets: perm masked by the
// server's umask, inferred from got, the mode the server gave an entry it
// created with its default mode def.
func newMode(perm, got, def fs.FileMode) fs.FileMode {
	umask := def &^ got.Perm()
	return perm & modeBits &^ umask
}

// modeSetter is what setNewMode needs: an *sftp.File.
type modeSetter interface {
	Stat() (fs.FileInfo, error)
	Chmod(fs.FileMode) error
}

// setNewMode changes the mode of a just-created file to perm, masked as the
// server's umask masked the default mode def.
func setNewMode(f modeSetter, perm, def fs.FileMode) error {
	if perm&modeBits == def {
		return nil // the server applied def and its umask already
	}
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	want := newMode(perm, fi.Mode(), def)
	if fi.Mode()&modeBits == want {
		return nil
	}
	return f.Chmod(want)
}

// pathModeSetter sets modes by path.
type pathModeSetter struct {
	c *sftp.Client
	r string
}

func (p pathModeSetter) Stat() (fs.FileInfo, error)   { return p.c.Lstat(p.r) }
func (p pathModeSetter) Chmod(mode fs.FileMode) error { return p.c.Chmod(p.r, mode) }

// Mkdir creates the directory name with mode perm (before the server's
// umask), like [os.Mkdir]. It fails with an error wrapping fs.ErrExist if
// name exists and fs.ErrNotExist if its parent does not. Errors are
// [*fs.PathError] with Op "mkdir".
func (fsys *Fs) Mkdir(name string, perm fs.FileMode) error {
	const op = "mkdir"
	r := remote(name)
	if err := fsys.c.Mkdir(r); err != nil {
		if isFailure(err) && fsys.exists(r) {
			return &fs.PathError{Op: op, Path: name, Err: existErr(err)}
		}
		return pathErr(op, name, err)
	}
	return pathErr("chmod", name, setNewMode(pathModeSetter{fsys.c, r}, perm, 0o777))
}

// MkdirAll creates the directory name and any missing parents with mode
// perm (before the server's umask), like [os.MkdirAll]. An existing
// directory is not an error; an existing non-directory is (syscall.ENOTDIR).
func (fsys *Fs) MkdirAll(name string, perm fs.FileMode) error {
	return fsys.mkdirAll(remote(name), perm)
}

func (fsys *Fs) mkdirAll(r string, perm fs.FileMode) error {
	fi, err := fsys.c.Stat(r)
	if err == nil {
		if fi.IsDir() {
			return nil
		}
		return &fs.PathError{Op: "mkdir", Path: r, Err: syscall.ENOTDIR}
	}
	if parent := path.Dir(strings.TrimRight(r, "/")); parent != r {
		if err := fsys.mkdirAll(parent, perm); err != nil {
			return err
		}
	}
	err = fsys.Mkdir(r, perm)
	if err != nil {
		// Lost a race with another creator, or r ends in "/.".
		if fi, lerr := fsys.c.Lstat(r); lerr == nil && fi.IsDir() {
			return nil
		}
	}
	return err
}

// Remove removes the named file or empty directory. Errors are
// [*fs.PathError] with Op "remove".
func (fsys *Fs) Remove(name string) error {
	return pathErr("remove", name, fsys.c.Remove(remote(name)))
}

// RemoveAll removes name and everything under it, like [os.RemoveAll],
// without following symbolic links. A name that does not exist is not an
// error. Errors are [*fs.PathError] with Op "removeall" and the path that
// could not be removed.
func (fsys *Fs) RemoveAll(name string) error {
	if name == "" {
		return nil // as os.RemoveAll
	}
	if r := remote(name); r == "." || strings.HasSuffix(r, "/.") {
		return &fs.PathError{Op: "removeall", Path: name, Err: syscall.EINVAL}
	}
	return fsys.removeAll(remote(name))
}

func (fsys *Fs) removeAll(r string) error {
	const op = "removeall"
	fi, err := fsys.c.Lstat(r)
	if err != nil {
		if errors.Is(mapErr(err), fs.ErrNotExist) {
			return nil
		}
		return pathErr(op, r, err)
	}
	if !fi.IsDir() {
		err = fsys.c.Remove(r)
	} else {
		entries, lerr := fsys.c.ReadDir(r)
		if lerr != nil && !errors.Is(mapErr(lerr), fs.ErrNotExist) {
			return pathErr(op, r, lerr)
		}
		for _, e := range entries {
			if err := fsys.removeAll(path.Join(r, e.Name())); err != nil {
				return err
			}
		}
		err = fsys.c.RemoveDirectory(r)
	}
	if err != nil && !errors.Is(mapErr(err), fs.ErrNotExist) {
		return pathErr(op, r, err)
	}
	return nil
}

// SyncDir makes the entries of directory name durable: it opens the
// directory read-only and sends fsync@openssh.com on the handle, which is
// fsync(2) of the directory on the server. Without the extension it fails
// with an error naming it and wrapping [errors.ErrUnsupported]. Errors are
// [*fs.PathError] with Op "syncdir".
func (fsys *Fs) SyncDir(name string) error {
	const op = "syncdir"
	if !fsys.fsync {
		return &fs.PathError{Op: op, Path: name, Err: errNoFsync}
	}
	d, err := fsys.c.Open(remote(name))
	if err != nil {
		return pathErr(op, name, err)
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return pathErr(op, name, err)
}

// Stat returns the FileInfo of name, following symbolic links. Errors are
// [*fs.PathError] with Op "stat".
func (fsys *Fs) Stat(name string) (fs.FileInfo, error) {
	fi, err := fsys.c.Stat(remote(name))
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	return fi, nil
}

// LstatIfPossible returns the FileInfo of name without following a final
// symbolic link; the bool is always true. It implements [afero.Lstater].
func (fsys *Fs) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	fi, err := fsys.c.Lstat(remote(name))
	if err != nil {
		return nil, true, pathErr("lstat", name, err)
	}
	return fi, true, nil
}

// Chmod changes the mode of name to mode (permission, setuid, setgid and
// sticky bits; no umask applies).
func (fsys *Fs) Chmod(name string, mode fs.FileMode) error {
	return pathErr("chmod", name, fsys.c.Chmod(remote(name), mode))
}

// Chown changes the numeric owner and group of name on the server.
func (fsys *Fs) Chown(name string, uid, gid int) error {
	return pathErr("chown", name, fsys.c.Chown(remote(name), uid, gid))
}

// Chtimes changes the access and modification times of name. SFTP version 3
// carries whole seconds: the sub-second part is dropped.
func (fsys *Fs) Chtimes(name string, atime, mtime time.Time) error {
	return pathErr("chtimes", name, fsys.c.Chtimes(remote(name), atime, mtime))
}
