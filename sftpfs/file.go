package sftpfs

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
	"syscall"

	"github.com/pkg/sftp"
	"github.com/spf13/afero"
)

// File is an open file or directory of an [Fs]; it implements [afero.File].
// Name returns the name it was opened with.
//
// A File is safe for concurrent use as far as an [*os.File] is: ReadAt and
// WriteAt may run in parallel; Read, Write and Seek share one offset. The
// caller closes it. Writes are durable only after Sync returns nil.
type File struct {
	fsys *Fs
	f    *sftp.File
	name string
	flag int

	mu      sync.Mutex // guards the directory listing below
	listed  bool
	entries []fs.FileInfo
}

var _ afero.File = (*File)(nil)

func newFile(fsys *Fs, f *sftp.File, name string, flag int) *File {
	return &File{fsys: fsys, f: f, name: name, flag: flag}
}

var (
	errWriteAtAppend  = fmt.Errorf("invalid use of WriteAt on file opened with O_APPEND: %w", fs.ErrInvalid)
	errNegativeOffset = fmt.Errorf("negative offset: %w", fs.ErrInvalid)
)

// Name returns the name the file was opened with.
func (f *File) Name() string { return f.name }

// Close closes the file. A second Close fails with an error wrapping
// fs.ErrClosed.
func (f *File) Close() error {
	return f.err("close", f.f.Close())
}

// err wraps err as an *fs.PathError for op on f, keeping io.EOF bare.
func (f *File) err(op string, err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return pathErr(op, f.name, err)
}

func (f *File) readOnly() bool { return f.flag&(os.O_WRONLY|os.O_RDWR) == 0 }

// Read reads up to len(b) bytes at the file offset and advances it, as
// [os.File.Read]: a read that reaches the end returns the bytes it got and
// a nil error, and only the next one 0, io.EOF.
func (f *File) Read(b []byte) (int, error) {
	n, err := f.f.Read(b)
	if n > 0 && err == io.EOF {
		err = nil // pkg/sftp says io.EOF with the last bytes
	}
	return n, f.err("read", err)
}

// ReadAt reads len(b) bytes at off without moving the file offset.
func (f *File) ReadAt(b []byte, off int64) (int, error) {
	if off < 0 {
		return 0, &fs.PathError{Op: "read", Path: f.name, Err: errNegativeOffset}
	}
	n, err := f.f.ReadAt(b, off)
	return n, f.err("read", err)
}

// Seek sets the file offset, as [os.File.Seek]. A negative result fails
// with an error wrapping fs.ErrInvalid.
func (f *File) Seek(offset int64, whence int) (int64, error) {
	n, err := f.f.Seek(offset, whence)
	return n, f.err("seek", err)
}

// Write writes b at the file offset (at the end with O_APPEND).
func (f *File) Write(b []byte) (int, error) {
	if f.readOnly() {
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: syscall.EBADF}
	}
	n, err := f.f.Write(b)
	return n, f.err("write", err)
}

// WriteAt writes b at off without moving the file offset, as
// [os.File.WriteAt]; it is refused on a file opened with O_APPEND.
func (f *File) WriteAt(b []byte, off int64) (int, error) {
	switch {
	case f.readOnly():
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: syscall.EBADF}
	case f.flag&os.O_APPEND != 0:
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: errWriteAtAppend}
	case off < 0:
		return 0, &fs.PathError{Op: "write", Path: f.name, Err: errNegativeOffset}
	}
	n, err := f.f.WriteAt(b, off)
	return n, f.err("write", err)
}

// WriteString writes s at the file offset.
func (f *File) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

// Stat returns the FileInfo of the open file.
func (f *File) Stat() (fs.FileInfo, error) {
	fi, err := f.f.Stat()
	if err != nil {
		return nil, f.err("stat", err)
	}
	return fi, nil
}

// Sync makes the file's data durable on the server with
// fsync@openssh.com. Without the extension it fails with an error naming it
// and wrapping [errors.ErrUnsupported]; it never returns nil without
// syncing.
func (f *File) Sync() error {
	if !f.fsys.fsync {
		return &fs.PathError{Op: "sync", Path: f.name, Err: errNoFsync}
	}
	return f.err("sync", f.f.Sync())
}

// Truncate changes the size of the file.
func (f *File) Truncate(size int64) error {
	if size < 0 {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: errNegativeOffset}
	}
	if f.readOnly() {
		return &fs.PathError{Op: "truncate", Path: f.name, Err: syscall.EBADF}
	}
	return f.err("truncate", f.f.Truncate(size))
}

// Readdir reads the directory's entries, as [os.File.Readdir]: with
// count > 0 at most count entries per call and io.EOF at the end; with
// count <= 0 all remaining entries and a nil error. The entries are listed
// from the server by the name the directory was opened with, on the first
// call. On a non-directory it fails with syscall.ENOTDIR.
func (f *File) Readdir(count int) ([]fs.FileInfo, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.listed {
		if err := f.list(); err != nil {
			return nil, err
		}
	}
	n := len(f.entries)
	if count > 0 {
		if n == 0 {
			return nil, io.EOF
		}
		n = min(n, count)
	}
	out := f.entries[:n:n]
	f.entries = f.entries[n:]
	return out, nil
}

// list fetches the directory listing.
func (f *File) list() error {
	const op = "readdir"
	fi, err := f.f.Stat()
	if err != nil {
		return f.err(op, err)
	}
	if !fi.IsDir() {
		return &fs.PathError{Op: op, Path: f.name, Err: syscall.ENOTDIR}
	}
	entries, err := f.fsys.c.ReadDir(remote(f.name))
	if err != nil {
		return f.err(op, err)
	}
	f.entries, f.listed = entries, true
	return nil
}

// Readdirnames is [File.Readdir] returning names only.
func (f *File) Readdirnames(n int) ([]string, error) {
	fis, err := f.Readdir(n)
	names := make([]string, len(fis))
	for i, fi := range fis {
		names[i] = fi.Name()
	}
	return names, err
}
