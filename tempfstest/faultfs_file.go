package tempfstest

import (
	"io/fs"
	"os"

	"github.com/spf13/afero"
)

// faultFile wraps a file opened through a FaultFs.
type faultFile struct {
	fsys *FaultFs
	file afero.File
}

func (f *faultFile) check(op string) error {
	name := f.file.Name()
	if err := f.fsys.enter(op, name, ""); err != nil {
		return &fs.PathError{Op: op, Path: name, Err: err}
	}
	return nil
}

func (f *faultFile) Name() string { return f.file.Name() }

func (f *faultFile) Close() error {
	if err := f.check("close"); err != nil {
		return err
	}
	return f.file.Close()
}

func (f *faultFile) Read(p []byte) (int, error) {
	if err := f.check("read"); err != nil {
		return 0, err
	}
	return f.file.Read(p)
}

func (f *faultFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.check("readat"); err != nil {
		return 0, err
	}
	return f.file.ReadAt(p, off)
}

func (f *faultFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.check("seek"); err != nil {
		return 0, err
	}
	return f.file.Seek(offset, whence)
}

func (f *faultFile) Write(p []byte) (int, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	return f.file.Write(p)
}

func (f *faultFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.check("writeat"); err != nil {
		return 0, err
	}
	return f.file.WriteAt(p, off)
}

func (f *faultFile) WriteString(s string) (int, error) {
	if err := f.check("write"); err != nil {
		return 0, err
	}
	return f.file.WriteString(s)
}

func (f *faultFile) Readdir(count int) ([]os.FileInfo, error) {
	if err := f.check("readdir"); err != nil {
		return nil, err
	}
	return f.file.Readdir(count)
}

func (f *faultFile) Readdirnames(n int) ([]string, error) {
	if err := f.check("readdirnames"); err != nil {
		return nil, err
	}
	return f.file.Readdirnames(n)
}

func (f *faultFile) Stat() (os.FileInfo, error) {
	if err := f.check("fstat"); err != nil {
		return nil, err
	}
	return f.file.Stat()
}

func (f *faultFile) Sync() error {
	if err := f.check("sync"); err != nil {
		return err
	}
	return f.file.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if err := f.check("truncate"); err != nil {
		return err
	}
	return f.file.Truncate(size)
}

var _ afero.File = (*faultFile)(nil)
