package tempfstest

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"time"
)

// crashFile is an open file or directory of a CrashFs. Its fields after
// fsys, name and n are guarded by fsys.mu, like the inode.
type crashFile struct {
	fsys *CrashFs
	name string
	n    *inode
	flag int

	off     int64
	closed  bool
	dirents []string // directory listing, taken at the first Readdir
	dirPos  int
}

var errWriteAtInAppendMode = errors.New("invalid use of WriteAt on file opened with O_APPEND")

func (f *crashFile) readable() bool { return f.flag&os.O_WRONLY == 0 }
func (f *crashFile) writable() bool { return f.flag&(os.O_WRONLY|os.O_RDWR) != 0 }

// lock takes the Fs lock and checks that f is open.
func (f *crashFile) lock(op string) error {
	f.fsys.mu.Lock()
	if f.closed {
		f.fsys.mu.Unlock()
		return &fs.PathError{Op: op, Path: f.name, Err: fs.ErrClosed}
	}
	return nil
}

func (f *crashFile) unlock() { f.fsys.mu.Unlock() }

func (f *crashFile) Name() string { return f.name }

func (f *crashFile) Close() error {
	if err := f.lock("close"); err != nil {
		return err
	}
	defer f.unlock()
	f.closed = true
	return nil
}

func (f *crashFile) Read(p []byte) (int, error) {
	if err := f.lock("read"); err != nil {
		return 0, err
	}
	defer f.unlock()
	n, err := f.readAt("read", p, f.off)
	f.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

func (f *crashFile) ReadAt(p []byte, off int64) (int, error) {
	if err := f.lock("readat"); err != nil {
		return 0, err
	}
	defer f.unlock()
	if off < 0 {
		return 0, &fs.PathError{Op: "readat", Path: f.name, Err: errors.New("negative offset")}
	}
	return f.readAt("readat", p, off)
}

// readAt reads like pread: io.EOF when fewer than len(p) bytes are read.
func (f *crashFile) readAt(op string, p []byte, off int64) (int, error) {
	switch {
	case f.n.dir:
		return 0, &fs.PathError{Op: op, Path: f.name, Err: syscall.EISDIR}
	case !f.readable():
		return 0, &fs.PathError{Op: op, Path: f.name, Err: syscall.EBADF}
	case len(p) == 0:
		return 0, nil
	case off >= int64(len(f.n.data)):
		return 0, io.EOF
	}
	n := copy(p, f.n.data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

func (f *crashFile) Write(p []byte) (int, error) {
	if err := f.lock("write"); err != nil {
		return 0, err
	}
	defer f.unlock()
	off := f.off
	if f.flag&os.O_APPEND != 0 {
		off = int64(len(f.n.data))
	}
	n, err := f.writeAt("write", p, off)
	f.off = off + int64(n)
	return n, err
}

func (f *crashFile) WriteString(s string) (int, error) {
	return f.Write([]byte(s))
}

func (f *crashFile) WriteAt(p []byte, off int64) (int, error) {
	if err := f.lock("writeat"); err != nil {
		return 0, err
	}
	defer f.unlock()
	switch {
	case f.flag&os.O_APPEND != 0:
		return 0, &fs.PathError{Op: "writeat", Path: f.name, Err: errWriteAtInAppendMode}
	case off < 0:
		return 0, &fs.PathError{Op: "writeat", Path: f.name, Err: errors.New("negative offset")}
	}
	return f.writeAt("writeat", p, off)
}

// writeAt writes like pwrite, filling a gap with zeros.
func (f *crashFile) writeAt(op string, p []byte, off int64) (int, error) {
	switch {
	case f.n.dir:
		return 0, &fs.PathError{Op: op, Path: f.name, Err: syscall.EISDIR}
	case !f.writable():
		return 0, &fs.PathError{Op: op, Path: f.name, Err: syscall.EBADF}
	}
	end := off + int64(len(p))
	if end > int64(len(f.n.data)) {
		f.n.data = grow(f.n.data, end)
	}
	copy(f.n.data[off:], p)
	f.n.modTime = time.Now()
	return len(p), nil
}

// grow returns b extended with zeros to size.
func grow(b []byte, size int64) []byte {
	if size <= int64(cap(b)) {
		old := len(b)
		b = b[:size]
		clear(b[old:])
		return b
	}
	nb := make([]byte, size, max(size, 2*int64(cap(b))))
	copy(nb, b)
	return nb
}

func (f *crashFile) Seek(offset int64, whence int) (int64, error) {
	if err := f.lock("seek"); err != nil {
		return 0, err
	}
	defer f.unlock()
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = f.off
	case io.SeekEnd:
		base = int64(len(f.n.data))
	default:
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: syscall.EINVAL}
	}
	pos := base + offset
	if pos < 0 {
		return 0, &fs.PathError{Op: "seek", Path: f.name, Err: syscall.EINVAL}
	}
	f.off = pos
	if f.n.dir && pos == 0 {
		f.dirents, f.dirPos = nil, 0
	}
	return pos, nil
}

func (f *crashFile) Readdir(count int) ([]os.FileInfo, error) {
	names, err := f.readdirnames("readdir", count)
	if err != nil && len(names) == 0 {
		return nil, err
	}
	f.fsys.mu.Lock()
	defer f.fsys.mu.Unlock()
	infos := make([]os.FileInfo, 0, len(names))
	for _, name := range names {
		if child, ok := f.n.children[name]; ok {
			infos = append(infos, child.info(name))
		}
	}
	return infos, nil
}

func (f *crashFile) Readdirnames(n int) ([]string, error) {
	return f.readdirnames("readdirnames", n)
}

// readdirnames returns the next names of a directory, sorted, as
// os.File.Readdirnames does: n <= 0 means all that are left.
func (f *crashFile) readdirnames(op string, n int) ([]string, error) {
	if err := f.lock(op); err != nil {
		return nil, err
	}
	defer f.unlock()
	if !f.n.dir {
		return nil, &fs.PathError{Op: op, Path: f.name, Err: syscall.ENOTDIR}
	}
	if f.dirents == nil {
		f.dirents = f.n.sortedNames()
	}
	rest := f.dirents[f.dirPos:]
	if n <= 0 {
		f.dirPos = len(f.dirents)
		return append([]string{}, rest...), nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	rest = rest[:min(n, len(rest))]
	f.dirPos += len(rest)
	return append([]string{}, rest...), nil
}

func (f *crashFile) Stat() (os.FileInfo, error) {
	if err := f.lock("stat"); err != nil {
		return nil, err
	}
	defer f.unlock()
	return f.n.info(f.name), nil
}

// Sync makes the file's data durable, or a directory's entries.
func (f *crashFile) Sync() error {
	if err := f.lock("sync"); err != nil {
		return err
	}
	defer f.unlock()
	f.n.sync()
	return nil
}

func (f *crashFile) Truncate(size int64) error {
	if err := f.lock("truncate"); err != nil {
		return err
	}
	defer f.unlock()
	switch {
	case f.n.dir:
		return &fs.PathError{Op: "truncate", Path: f.name, Err: syscall.EISDIR}
	case size < 0, !f.writable():
		return &fs.PathError{Op: "truncate", Path: f.name, Err: syscall.EINVAL}
	}
	if size <= int64(len(f.n.data)) {
		f.n.data = f.n.data[:size:size]
	} else {
		f.n.data = grow(f.n.data, size)
	}
	f.n.modTime = time.Now()
	return nil
}
