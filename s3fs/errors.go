package s3fs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"syscall"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// S3 error codes this package maps or acts on.
const (
	codeNoSuchKey        = "NoSuchKey"
	codeNotFound         = "NotFound"
	codeNoSuchUpload     = "NoSuchUpload"
	codeNoSuchBucket     = "NoSuchBucket"
	codePrecondition     = "PreconditionFailed"
	codeConditionalRetry = "ConditionalRequestConflict"
	codeAccessDenied     = "AccessDenied"
)

// errNoRename is what [Fs.Guarantees] reports for AtomicReplace.
var errNoRename = fmt.Errorf("s3 has no rename: Rename is CopyObject + DeleteObject, two requests a crash can split: %w", errors.ErrUnsupported)

// apiCode returns the S3 error code of err ("" if it carries none) and the
// HTTP status of the response (0 if there was none).
func apiCode(err error) (string, int) {
	code := ""
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	status := 0
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

// isNotFound reports whether err says that the key (or upload) is missing.
func isNotFound(err error) bool {
	code, status := apiCode(err)
	return code == codeNoSuchKey || code == codeNotFound || code == codeNoSuchUpload || status == http.StatusNotFound
}

// isPrecondition reports whether err is 412 Precondition Failed: the key
// exists and the request said If-None-Match: *.
func isPrecondition(err error) bool {
	code, status := apiCode(err)
	return code == codePrecondition || status == http.StatusPreconditionFailed
}

// isConflict reports whether err is 409 ConditionalRequestConflict: a
// conditional write raced with another one on the same key; retry.
func isConflict(err error) bool {
	code, _ := apiCode(err)
	return code == codeConditionalRetry
}

// mapErr returns err so that errors.Is matches the fs sentinel its S3 code
// or HTTP status means, keeping the SDK's error (and its cause) wrapped.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	code, status := apiCode(err)
	switch {
	case code == codeNoSuchKey || code == codeNotFound || code == codeNoSuchUpload || code == codeNoSuchBucket || status == http.StatusNotFound:
		return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
	case code == codePrecondition || status == http.StatusPreconditionFailed:
		return fmt.Errorf("%w: %w", fs.ErrExist, err)
	case code == codeAccessDenied || status == http.StatusForbidden:
		return fmt.Errorf("%w: %w", fs.ErrPermission, err)
	}
	return err
}

// pathErr wraps err as an *fs.PathError with the caller's op and name,
// mapping S3 errors to fs sentinels.
func pathErr(op, name string, err error) error {
	if err == nil {
		return nil
	}
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Op == op && pe.Path == name {
		return err
	}
	return &fs.PathError{Op: op, Path: name, Err: mapErr(stripPath(err))}
}

// stripPath removes path wrappers so that only the caller's path shows.
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

// Errors for names and states S3 cannot hold the POSIX way.
var (
	errIsDir    = syscall.EISDIR
	errNotDir   = syscall.ENOTDIR
	errNotEmpty = syscall.ENOTEMPTY
	errBadFd    = syscall.EBADF
)
