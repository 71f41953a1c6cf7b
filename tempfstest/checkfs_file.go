package tempfstest

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

func checkWriteRead(fsys afero.Fs, dir string) error {
	name := filepath.Join(dir, "f")
	data := bytes.Repeat([]byte("0123456789abcdef"), 1000)
	if err := afero.WriteFile(fsys, name, data, 0o600); err != nil {
		return err
	}
	return wantContent(fsys, name, string(data))
}

func checkOpenTrunc(fsys afero.Fs, dir string) error {
	name := filepath.Join(dir, "f")
	if err := writeFile(fsys, name, "long old content"); err != nil {
		return err
	}
	return errors.Join(writeFile(fsys, name, "new"), wantContent(fsys, name, "new"))
}

func checkOpenAppend(fsys afero.Fs, dir string) error {
	name := filepath.Join(dir, "f")
	if err := writeFile(fsys, name, "abc"); err != nil {
		return err
	}
	f, err := fsys.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte("def"))
	if err = errors.Join(err, f.Close()); err != nil {
		return err
	}
	return wantContent(fsys, name, "abcdef")
}

func checkWriteAtOffset(fsys afero.Fs, dir string) (err error) {
	name := filepath.Join(dir, "f")
	f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if _, err := f.Write([]byte("hello")); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte("J"), 0); err != nil {
		return err
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return err
	}
	if pos != 5 {
		return divergef("WriteAt moved the file offset from 5 to %d", pos)
	}
	return nil
}

// openTen writes "0123456789" to a file in dir and opens it for reading.
func openTen(fsys afero.Fs, dir string) (afero.File, error) {
	name := filepath.Join(dir, "f")
	if err := writeFile(fsys, name, "0123456789"); err != nil {
		return nil, err
	}
	return fsys.Open(name)
}

func checkSeekNegative(fsys afero.Fs, dir string) (err error) {
	f, err := openTen(fsys, dir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	var errs []error
	if pos, err := f.Seek(-1, io.SeekStart); err == nil {
		errs = append(errs, divergef("Seek(-1, io.SeekStart) returned %d and no error", pos))
	}
	if pos, err := f.Seek(-30, io.SeekEnd); err == nil {
		errs = append(errs, divergef("Seek(-30, io.SeekEnd) on 10 bytes returned %d and no error", pos))
	}
	return errors.Join(errs...)
}

func checkReadAtEOF(fsys afero.Fs, dir string) (err error) {
	f, err := openTen(fsys, dir)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	buf := make([]byte, 8)
	n, err := f.ReadAt(buf, 6)
	if n != 4 || !errors.Is(err, io.EOF) || string(buf[:n]) != "6789" {
		return divergef("ReadAt(8 bytes, 6) of 10 bytes gave %d, %v, want 4, io.EOF", n, err)
	}
	return nil
}

func checkReaddir(fsys afero.Fs, dir string) error {
	for _, n := range []string{"a", "b"} {
		if err := writeFile(fsys, filepath.Join(dir, n), n); err != nil {
			return err
		}
	}
	if err := fsys.Mkdir(filepath.Join(dir, "c"), 0o700); err != nil {
		return err
	}
	d, err := fsys.Open(dir)
	if err != nil {
		return err
	}
	names, err := d.Readdirnames(-1)
	if err = errors.Join(err, d.Close()); err != nil {
		return err
	}
	got := map[string]bool{}
	for _, n := range names {
		got[n] = true
	}
	if len(names) != 3 || !got["a"] || !got["b"] || !got["c"] {
		return divergef("Readdirnames gave %q, want a, b and c", names)
	}
	return nil
}

func checkFileSync(fsys afero.Fs, dir string) error {
	f, err := fsys.OpenFile(filepath.Join(dir, "f"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write([]byte("data"))
	if err == nil {
		if err = f.Sync(); err != nil {
			err = divergef("File.Sync: %v", err)
		}
	}
	return errors.Join(err, f.Close())
}

func checkDirSync(fsys afero.Fs, dir string) error {
	if ds, ok := fsys.(tempfs.DirSyncer); ok {
		if err := ds.SyncDir(dir); err != nil {
			return divergef("SyncDir: %v", err)
		}
		return nil
	}
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := fsys.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if err != nil {
		err = divergef("Sync of an opened directory: %v", err)
	}
	return errors.Join(err, d.Close())
}

func checkLinkExisting(fsys afero.Fs, dir string) error {
	l, ok := fsys.(tempfs.HardLinker)
	if !ok {
		return nil
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := errors.Join(writeFile(fsys, a, "a"), writeFile(fsys, b, "b")); err != nil {
		return err
	}
	return errors.Join(wantErr("Link onto an existing file", l.Link(a, b), fs.ErrExist),
		wantContent(fsys, b, "b"))
}
