package tempfs

import (
	"errors"
	"io/fs"

	"github.com/spf13/afero"
)

// virtualFile is a file of a sandbox (a [RootFs], or an [afero.BasePathFs]
// as tempfs hands it out) whose Name and errors show the caller's virtual
// name instead of the host path the backend puts there. It is as safe for
// concurrent use as the file it wraps.
type virtualFile struct {
	f    afero.File
	name string
}

// fileErr replaces the host path in err by the file's virtual name. Errors
// without a path (io.EOF) are returned as they are.
func (f *virtualFile) fileErr(err error) error {
	if err == nil {
		return nil
	}
	if pe, ok := err.(*fs.PathError); ok {
		return &fs.PathError{Op: pe.Op, Path: f.name, Err: cause(pe.Err)}
	}
	return err
}

// Name returns the virtual name the file was opened with.
func (f *virtualFile) Name() string { return f.name }

func (f *virtualFile) Close() error { return f.fileErr(f.f.Close()) }

func (f *virtualFile) Read(p []byte) (int, error) {
	n, err := f.f.Read(p)
	return n, f.fileErr(err)
}

func (f *virtualFile) ReadAt(p []byte, off int64) (int, error) {
	n, err := f.f.ReadAt(p, off)
	return n, f.fileErr(err)
}

func (f *virtualFile) Seek(offset int64, whence int) (int64, error) {
	n, err := f.f.Seek(offset, whence)
	return n, f.fileErr(err)
}

func (f *virtualFile) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	return n, f.fileErr(err)
}

func (f *virtualFile) WriteAt(p []byte, off int64) (int, error) {
	n, err := f.f.WriteAt(p, off)
	return n, f.fileErr(err)
}

func (f *virtualFile) WriteString(s string) (int, error) {
	n, err := f.f.WriteString(s)
	return n, f.fileErr(err)
}

// Readdir reads the directory's entries, like os.File's.
func (f *virtualFile) Readdir(count int) ([]fs.FileInfo, error) {
	fis, err := f.f.Readdir(count)
	return fis, f.fileErr(err)
}

// Readdirnames reads the directory's entry names, like
// os.File's.
func (f *virtualFile) Readdirnames(n int) ([]string, error) {
	names, err := f.f.Readdirnames(n)
	return names, f.fileErr(err)
}

// ReadDir reads the directory's entries, like [os.File.ReadDir].
func (f *virtualFile) ReadDir(n int) ([]fs.DirEntry, error) {
	rd, ok := f.f.(fs.ReadDirFile)
	if !ok {
		return nil, &fs.PathError{Op: "readdir", Path: f.name, Err: errors.ErrUnsupported}
	}
	des, err := rd.ReadDir(n)
	return des, f.fileErr(err)
}

func (f *virtualFile) Stat() (fs.FileInfo, error) {
	fi, err := f.f.Stat()
	return fi, f.fileErr(err)
}

// Sync commits the file's contents (or a directory's entries) to stable
// storage, like os.File's.
func (f *virtualFile) Sync() error { return f.fileErr(f.f.Sync()) }

func (f *virtualFile) Truncate(size int64) error { return f.fileErr(f.f.Truncate(size)) }
