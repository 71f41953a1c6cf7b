package tempfs

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Error plumbing: the sentinels of bad input, and the wrapping that gives
// every error the caller's op and path.

var errNilFs = fmt.Errorf("nil afero.Fs: %w", fs.ErrInvalid)

// errInvalidArg is an invalid argument (a negative offset or size, an
// unknown whence) that errors.Is matches both with syscall.EINVAL, as os
// reports it, and with fs.ErrInvalid.
var errInvalidArg error = invalidArg{}

type invalidArg struct{}

func (invalidArg) Error() string { return "invalid argument" }

func (invalidArg) Is(target error) bool {
	return target == syscall.EINVAL || target == fs.ErrInvalid
}

// As lets errors.As find the syscall.Errno (EINVAL) that os would report.
func (invalidArg) As(target any) bool {
	if e, ok := target.(*syscall.Errno); ok {
		*e = syscall.EINVAL
		return true
	}
	return false
}

// ErrEscapes is wrapped by every error that refuses a name because it
// would leave a sandbox: on a [RootFs], ".." climbing above the root, a
// symbolic link pointing out of it, or a symbolic link being created whose
// target would point out; on an [afero.BasePathFs], a name that cleans to
// a path outside the base (afero checks the base as a string prefix, so
// with base /x/001 the name ../0012 reaches /x/0012), which tempfs refuses
// before calling the Fs. It wraps fs.ErrPermission, so code that only
// knows the standard sentinels treats the refusal as a permission error.
var ErrEscapes = fmt.Errorf("path escapes the sandbox: %w", fs.ErrPermission)

// cause strips the path wrappers a backend put around err, which may hold
// host paths (BasePathFs does), and keeps the cause.
func cause(err error) error {
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

// wrapErr returns err as an *fs.PathError with the caller's op and path.
func wrapErr(op, path string, err error) error {
	if err == nil {
		return nil
	}
	return &fs.PathError{Op: op, Path: path, Err: cause(err)}
}
