package sftpfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/pkg/sftp"
)

// Names of the OpenSSH protocol extensions this package relies on.
const (
	extPosixRename = "posix-rename@openssh.com"
	extFsync       = "fsync@openssh.com"
	extHardlink    = "hardlink@openssh.com"
)

// Status codes that pkg/sftp does not map to a standard error.
const (
	codeFailure       = 4  // SSH_FX_FAILURE: OpenSSH's answer for EEXIST, ENOTEMPTY, ...
	codeOpUnsupported = 8  // SSH_FX_OP_UNSUPPORTED
	codeAlreadyExists = 11 // SSH_FX_FILE_ALREADY_EXISTS (protocol version 6)
)

// missingExt is the error for an operation that needs an extension the
// server did not advertise. It wraps [errors.ErrUnsupported].
func missingExt(ext, what string) error {
	return fmt.Errorf("server lacks %s, so %s: %w", ext, what, errors.ErrUnsupported)
}

var (
	errNoPosixRename = missingExt(extPosixRename, "rename cannot replace an existing file atomically")
	errNoFsync       = missingExt(extFsync, "data cannot be made durable")
	errNoHardlink    = missingExt(extHardlink, "hard links cannot be made")
)

// stripPath removes the *fs.PathError that pkg/sftp puts around some of its
// errors (it holds the server's path, not necessarily the caller's).
func stripPath(err error) error {
	for {
		switch e := err.(type) {
		case *fs.PathError:
			err = e.Err
		case *os.LinkError:
			err = e.Err
		default:
			return err
		}
	}
}

// statusCode returns the SFTP status code in err, or -1 if err holds none.
func statusCode(err error) int64 {
	var se *sftp.StatusError
	if errors.As(err, &se) {
		return int64(se.Code)
	}
	return -1
}

// mapErr turns the cause of a pkg/sftp error into one that errors.Is
// recognises as a standard sentinel where the status code says which one.
// pkg/sftp already maps SSH_FX_NO_SUCH_FILE to fs.ErrNotExist and
// SSH_FX_PERMISSION_DENIED to fs.ErrPermission. SSH_FX_FAILURE is left as it
// is: its meaning depends on the request, see [Fs.exists].
func mapErr(err error) error {
	err = stripPath(err)
	switch statusCode(err) {
	case codeAlreadyExists:
		return fmt.Errorf("%w: %w", fs.ErrExist, err)
	case codeOpUnsupported:
		return fmt.Errorf("%w: %w", errors.ErrUnsupported, err)
	}
	return err
}

// isFailure reports whether err is OpenSSH's generic SSH_FX_FAILURE.
func isFailure(err error) bool { return statusCode(err) == codeFailure }

func pathErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: name, Err: mapErr(err)}
}

func linkErr(op, oldname, newname string, err error) error {
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: op, Old: oldname, New: newname, Err: mapErr(err)}
}
