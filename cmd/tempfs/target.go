package main

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"
)

// location is a file system and a path in it, opened from one command-line
// argument: a plain path, a file:// URL, an sftp:// or an s3:// URL.
type location struct {
	fsys   afero.Fs
	path   string // the path inside fsys
	remote bool
	// prefix turns a path of fsys back into the form the user typed:
	// "" for local paths, "sftp://user@host:port" for SFTP, "s3://bucket"
	// for S3.
	prefix string
	close  func() error
}

// usageError is a bad argument: the command exits with status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// opener opens the file system a URL names and the path in it.
type opener func(e *env, u *url.URL) (*location, error)

// openerFor is the one place that maps a URL scheme to its file system.
func openerFor(scheme string) (opener, error) {
	switch scheme {
	case "file":
		return openFileURL, nil
	case "sftp":
		return openSFTP, nil
	case "s3":
		return openS3, nil
	}
	return nil, &usageError{fmt.Sprintf("unknown URL scheme %q (want a path, file://, sftp:// or s3://)", scheme+"://")}
}

// openLocation opens arg. The caller closes the location when done.
func openLocation(e *env, arg string) (*location, error) {
	if arg == "" {
		return nil, &usageError{"empty path"}
	}
	scheme, _, ok := strings.Cut(arg, "://")
	if !ok || !isScheme(scheme) {
		return &location{fsys: afero.NewOsFs(), path: arg, close: func() error { return nil }}, nil
	}
	open, err := openerFor(strings.ToLower(scheme))
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(arg)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("bad URL %q: %v", arg, errors.Unwrap(err))}
	}
	return open(e, u)
}

// isScheme reports whether s is a URL scheme (RFC 3986: a letter, then
// letters, digits, "+", "-" or "."), so that a local path holding "://"
// further on stays a path.
func isScheme(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (i == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}

// openFileURL opens file:///path (or file://localhost/path) on the OS.
func openFileURL(_ *env, u *url.URL) (*location, error) {
	if u.Host != "" && u.Host != "localhost" {
		return nil, &usageError{fmt.Sprintf("file URL %q names host %q: only local files are file:// URLs", u.String(), u.Host)}
	}
	p := u.Path
	if p == "" {
		return nil, &usageError{fmt.Sprintf("file URL %q has no path", u.String())}
	}
	// file:///C:/dir on Windows.
	if len(p) >= 3 && p[0] == '/' && p[2] == ':' && filepath.VolumeName(p[1:]) != "" {
		p = p[1:]
	}
	return &location{fsys: afero.NewOsFs(), path: filepath.FromSlash(p), close: func() error { return nil }}, nil
}

// show returns p as the user would write it: the URL for a remote path.
func (l *location) show(p string) string {
	if l.prefix == "" {
		return p
	}
	if !strings.HasPrefix(p, "/") {
		p = "/~/" + p
	}
	return l.prefix + p
}

// explain rewrites the paths in err, which are paths of l.fsys, as the user
// typed them, so an SFTP error names the host too.
func (l *location) explain(err error) error {
	if l.prefix == "" {
		return err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return &fs.PathError{Op: pe.Op, Path: l.show(pe.Path), Err: pe.Err}
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return &os.LinkError{Op: le.Op, Old: l.show(le.Old), New: l.show(le.New), Err: le.Err}
	}
	return fmt.Errorf("%s: %w", l.prefix, err)
}

// exitFor reports err and returns the exit status it calls for.
func (e *env) exitFor(err error) int {
	var ue *usageError
	if errors.As(err, &ue) {
		return e.usageErr("%s", ue.msg)
	}
	return e.fail(err)
}
