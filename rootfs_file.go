package tempfs

import (
	"io/fs"
	"os"
)

// rootFile is a file opened in a [RootFs]: an [*os.File] whose Name and
// errors show the virtual name instead of the host path os gives it.
// It is as safe for concurrent use as *os.File.
type rootFile struct {
	f    *os.File
	name string
}

// fileErr replaces the host path in err by the file's virtual name. Errors
// without a path (io.EOF) are returned as they are.
func (f *rootFile) fileErr(err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: pe.Op, Path: f.name, Err: rootCause(pe.Err)}
	}
	return err
}

// Name returns the virtual name the file was opened with.
func (f *rootFile) Name() string { return f.name }

func (f *rootFile) Close() error { return f.fileErr(f.f.Close()) }

func (f *rootFile) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	return n, f.fileErr(err)
}

func (f *rootFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.f.ReadAt(p, off)
	return n, f.fileErr(err)
}

func (f *rootFile) Seek(offset int64, whence int) (int64, error) {
	n, err := f.f.Seek(offset, whence)
	return n, f.fileErr(err)
}

func (f *rootFile) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	return n, f.fileErr(err)
}

func (f *rootFile) WriteAt(p []byte, off int64) (int, error) {
	n, err := f.f.WriteAt(p, off)
	return n, f.fileErr(err)
}

func (f *rootFile) WriteString(s string) (int, error) {
	n, err := f.f.WriteString(s)
	return n, f.fileErr(err)
}

// Readdir reads the directory's entries, like [os.File.Readdir].
func (f *rootFile) Readdir(count int) ([]fs.FileInfo, error) {
	fis, err := f.f.Readdir(count)
	return fis, f.fileErr(err)
}

// Readdirnames reads the directory's entry names, like
// [os.File.Readdirnames].
func (f *rootFile) Readdirnames(n int) ([]string, error) {
	names, err := f.f.Readdirnames(n)
	return names, f.fileErr(err)
}

// ReadDir reads the directory's entries, like [os.File.ReadDir].
func (f *rootFile) ReadDir(n int) ([]fs.DirEntry, error) {
	des, err := f.f.ReadDir(n)
	return des, f.fileErr(err)
}

func (f *rootFile) Stat() (fs.FileInfo, error) {
	fi, err := f.f.Stat()
	return fi, f.fileErr(err)
}

// Sync commits the file's contents (or a directory's entries) to stable
// storage, like [os.File.Sync].
func (f *rootFile) Sync() error { return f.fileErr(f.f.Sync()) }

func (f *rootFile) Truncate(size int64) error { return f.fileErr(f.f.Truncate(size)) }
