package tempfs

import (
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

// The methods that make a *File an afero.File. Each passes the call to the
// open temp file; on a nil or zero File each returns an error wrapping
// fs.ErrInvalid rather than panicking.

var _ afero.File = (*File)(nil)

// with calls fn with the open file, or fails op on a nil or zero File.
func with[T any](f *File, op string, fn func(afero.File) (T, error)) (T, error) {
	if f == nil || f.file == nil {
		var zero T
		return zero, &fs.PathError{Op: op, Err: fs.ErrInvalid}
	}
	return fn(f.file)
}

// Read reads from the file, as [os.File.Read].
func (f *File) Read(p []byte) (int, error) {
	return with(f, "read", func(x afero.File) (int, error) { return x.Read(p) })
}

// ReadAt reads from the file at off, as [os.File.ReadAt].
func (f *File) ReadAt(p []byte, off int64) (int, error) {
	return with(f, "read", func(x afero.File) (int, error) { return x.ReadAt(p, off) })
}

// Seek sets the offset of the next Read or Write, as [os.File.Seek].
func (f *File) Seek(offset int64, whence int) (int64, error) {
	return with(f, "seek", func(x afero.File) (int64, error) { return x.Seek(offset, whence) })
}

// Write writes to the file, as [os.File.Write].
func (f *File) Write(p []byte) (int, error) {
	return with(f, "write", func(x afero.File) (int, error) { return x.Write(p) })
}

// WriteAt writes to the file at off, as [os.File.WriteAt].
func (f *File) WriteAt(p []byte, off int64) (int, error) {
	return with(f, "write", func(x afero.File) (int, error) { return x.WriteAt(p, off) })
}

// WriteString writes s to the file, as [os.File.WriteString].
func (f *File) WriteString(s string) (int, error) {
	return with(f, "write", func(x afero.File) (int, error) { return x.WriteString(s) })
}

// Readdir fails: a temp file is not a directory. It is here because
// [afero.File] has it.
func (f *File) Readdir(n int) ([]os.FileInfo, error) {
	return with(f, "readdir", func(x afero.File) ([]os.FileInfo, error) { return x.Readdir(n) })
}

// Readdirnames fails as [File.Readdir] does.
func (f *File) Readdirnames(n int) ([]string, error) {
	return with(f, "readdirnames", func(x afero.File) ([]string, error) { return x.Readdirnames(n) })
}

// Stat returns the file's FileInfo, as [os.File.Stat].
func (f *File) Stat() (os.FileInfo, error) {
	return with(f, "stat", func(x afero.File) (os.FileInfo, error) { return x.Stat() })
}

// Sync commits the file's content to stable storage where the backend can,
// as [os.File.Sync].
func (f *File) Sync() error {
	_, err := with(f, "sync", func(x afero.File) (struct{}, error) { return struct{}{}, x.Sync() })
	return err
}

// Truncate changes the file's size, as [os.File.Truncate].
func (f *File) Truncate(size int64) error {
	_, err := with(f, "truncate", func(x afero.File) (struct{}, error) { return struct{}{}, x.Truncate(size) })
	return err
}
