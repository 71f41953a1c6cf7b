package tempfs

import (
	"errors"
	"io"
	"io/fs"
	"math"
	"sync"
	"syscall"

	"github.com/spf13/afero"
)

// spoolPattern is the CreateTemp pattern of a rolled-over SpooledFile.
const spoolPattern = "spool-*"

// minSpoolCap is the smallest memory buffer a SpooledFile allocates.
const minSpoolCap = 512

// copyBufSize is the buffer size of ReadFrom and WriteTo on disk.
const copyBufSize = 32 << 10

var errInvalidCount = errors.New("tempfs: reader or writer returned an invalid count")

// SpooledFile is a temporary file that lives in memory while it is small
// and moves ("rolls over") to a temporary file on an [afero.Fs] when it
// grows past a size limit: the model is Python's SpooledTemporaryFile and
// Rust's SpooledTempFile. Small contents cost no system call at all.
//
// It behaves like a file opened with os.O_RDWR on [afero.OsFs]: reads see
// writes; a read at or past the end returns io.EOF; Seek past the end and
// a later write leave a hole of zero bytes; ReadAt and WriteAt do not move
// the offset; Truncate shrinks or grows with zeros. The move to disk is
// invisible except for [SpooledFile.Rolled] and [SpooledFile.Name]: the
// content and the offset carry over, and a rolled-over file never moves
// back to memory.
//
// A SpooledFile rolls over when a write (Write, WriteString, WriteAt,
// ReadFrom) or a Truncate would make it larger than maxSize bytes, or when
// [SpooledFile.Rollover] is called. The disk file is created by
// [CreateTemp](fsys, "", "spool-*") in [TempDir](fsys), mode 0o600 (before
// umask), and removed by Close. Nothing is durable: the content is scratch
// data, never synced. The disk file belongs to the SpooledFile; code that
// changes it behind its back gets undefined results.
//
// Errors are [*fs.PathError] with the Op of the method ("read", "write",
// "seek", "truncate", "rollover", "close"; "readat" and "writeat" for a
// negative offset, as [os.File] does) and Path [SpooledFile.Name]. End of
// file is the bare io.EOF. Invalid arguments (a negative offset or size, a
// resulting negative offset, an unknown whence, an offset overflowing
// int64) wrap syscall.EINVAL, as os.File's Seek and Truncate do on Unix;
// os.File's ReadAt and WriteAt refuse a negative offset with an error of no
// class, SpooledFile with syscall.EINVAL there too. Seek accepts any
// non-negative offset, as on tmpfs: a disk file system's size limit (ext4:
// 16 TiB) shows only at the next read or write on disk. After Close every
// method but Close, Rolled, Name and Size returns an error wrapping
// fs.ErrClosed (ReadAt and WriteAt report a negative offset first, as
// os.File does).
//
// A SpooledFile is not safe for concurrent use, with one exception: ReadAt
// may be called from many goroutines at once while no other method runs,
// as io.ReaderAt asks (so that archive/zip and io.SectionReader may share
// it).
type SpooledFile struct {
	fsys    afero.Fs
	maxSize int64 // size limit in memory, >= 0
	memMax  int   // maxSize as an int: the limit of len(buf)
	buf     []byte
	file    *File // the disk file once rolled over, else nil
	size    int64 // the size of file once rolled over
	off     int64
	closed  bool
	readMu  sync.Mutex // serialises ReadAt on file: mem.File's is not parallel-safe
}

// NewSpooledFile returns an empty SpooledFile that keeps up to maxSize bytes
// in memory and rolls over to a temporary file on fsys beyond that. It
// creates nothing on fsys and cannot fail; a nil fsys or an unusable
// [TempDir] shows as an error from the write that needs the disk.
//
// A maxSize of 0 or less means "keep nothing in memory": the file rolls
// over at the first write of at least one byte or Truncate to a positive
// size, and an empty file costs nothing. Memory use is at most maxSize
// bytes (and at most math.MaxInt on 32-bit platforms).
//
// The caller must Close the SpooledFile, which removes the disk file if
// there is one.
func NewSpooledFile(fsys afero.Fs, maxSize int64) *SpooledFile {
	maxSize = max(maxSize, 0)
	return &SpooledFile{fsys: fsys, maxSize: maxSize, memMax: int(min(maxSize, math.MaxInt))}
}

// Rolled reports whether the content has moved to a file on the Fs. It
// keeps its value after Close.
func (s *SpooledFile) Rolled() bool { return s.file != nil }

// Name returns "" while the content is in memory and the disk file's path
// in the Fs once rolled over (also after Close, when the file is gone).
func (s *SpooledFile) Name() string {
	if s.file == nil {
		return ""
	}
	return s.file.Name()
}

// Size returns the size of the file in bytes, or 0 after Close.
func (s *SpooledFile) Size() int64 {
	switch {
	case s.closed:
		return 0
	case s.file != nil:
		return s.size
	}
	return int64(len(s.buf))
}

// Rollover moves the content to a new temporary file on the Fs now, keeping
// the offset; it does nothing if the file has rolled over already. If it
// fails, the content stays in memory, nothing is left on the Fs and the
// error is an [*fs.PathError] with Op "rollover" (Path the temp file
// pattern if the file could not be created, else its name).
func (s *SpooledFile) Rollover() error {
	if s.closed {
		return s.errClosed("rollover")
	}
	return s.rollover()
}

func (s *SpooledFile) rollover() error {
	if s.file != nil {
		return nil
	}
	f, err := NewFile(s.fsys, "", spoolPattern)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			return &fs.PathError{Op: "rollover", Path: pe.Path, Err: pe.Err}
		}
		return &fs.PathError{Op: "rollover", Path: spoolPattern, Err: err}
	}
	if _, err := writeFullAt(f, s.buf, 0); err != nil {
		return errors.Join(wrapErr("rollover", f.Name(), err), f.Close())
	}
	s.file, s.size, s.buf = f, int64(len(s.buf)), nil
	return nil
}

// Close releases the memory, or closes and removes the disk file. Calls
// after the first return nil.
func (s *SpooledFile) Close() error {
	if s.closed {
		return nil
	}
	s.closed, s.buf = true, nil
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}

func (s *SpooledFile) errClosed(op string) error {
	return &fs.PathError{Op: op, Path: s.Name(), Err: fs.ErrClosed}
}

func (s *SpooledFile) errInvalid(op string) error {
	return &fs.PathError{Op: op, Path: s.Name(), Err: syscall.EINVAL}
}

// Seek sets the offset for the next Read or Write, like [os.File.Seek]:
// whence is io.SeekStart, io.SeekCurrent or io.SeekEnd. A resulting
// negative offset or another whence is an error wrapping syscall.EINVAL
// that leaves the offset as it was.
func (s *SpooledFile) Seek(offset int64, whence int) (int64, error) {
	if s.closed {
		return 0, s.errClosed("seek")
	}
	var base int64
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		base = s.off
	case io.SeekEnd:
		base = s.Size()
	default:
		return 0, s.errInvalid("seek")
	}
	if offset > 0 && base > math.MaxInt64-offset {
		return 0, s.errInvalid("seek")
	}
	if base+offset < 0 {
		return 0, s.errInvalid("seek")
	}
	s.off = base + offset
	return s.off, nil
}

// Read reads up to len(p) bytes at the offset and advances it. At end of
// file it returns 0, io.EOF.
func (s *SpooledFile) Read(p []byte) (int, error) {
	if s.closed {
		return 0, s.errClosed("read")
	}
	n, err := s.readAt(p, s.off)
	s.off += int64(n)
	if n > 0 && err == io.EOF {
		err = nil
	}
	return n, err
}

// ReadAt reads len(p) bytes at off without moving the offset. It returns
// io.EOF when fewer bytes are left. See [SpooledFile] for when it may run
// in parallel.
func (s *SpooledFile) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, s.errInvalid("readat")
	}
	if s.closed {
		return 0, s.errClosed("read")
	}
	return s.readAt(p, off)
}

// readAt has io.ReaderAt semantics for off >= 0.
func (s *SpooledFile) readAt(p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if s.file == nil {
		if off >= int64(len(s.buf)) {
			return 0, io.EOF
		}
		n := copy(p, s.buf[off:])
		if n < len(p) {
			return n, io.EOF
		}
		return n, nil
	}
	if off >= s.size {
		return 0, io.EOF
	}
	want := p
	if rest := s.size - off; int64(len(p)) > rest {
		want = p[:rest]
	}
	// Read only within the known size: mem.File answers a read past its
	// end with io.ErrUnexpectedEOF and a short read with no error.
	s.readMu.Lock()
	n, err := 0, error(nil)
	for n < len(want) && err == nil {
		var m int
		m, err = s.file.ReadAt(want[n:], off+int64(n))
		if m < 0 || m > len(want)-n {
			m, err = 0, errInvalidCount
		} else if m == 0 && err == nil {
			err = io.ErrNoProgress
		}
		n += m
	}
	s.readMu.Unlock()
	switch {
	case n == len(want) && err == io.EOF:
		err = nil
	case err == io.EOF:
		return n, err
	case err != nil:
		return n, wrapErr("read", s.Name(), err)
	}
	if len(want) < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Write writes p at the offset and advances it, rolling over first if the
// file would grow past maxSize. If that rollover fails, nothing is written
// and the error has Op "rollover".
func (s *SpooledFile) Write(p []byte) (int, error) {
	return writeAt(s, "write", p, s.off, true)
}

// WriteString is like Write with the bytes of str, without copying them
// while in memory.
func (s *SpooledFile) WriteString(str string) (int, error) {
	return writeAt(s, "write", str, s.off, true)
}

// WriteAt writes p at off without moving the offset, rolling over first if
// the file would grow past maxSize.
func (s *SpooledFile) WriteAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, s.errInvalid("writeat")
	}
	return writeAt(s, "write", p, off, false)
}

// writeAt writes p at off >= 0, and moves the offset past it if advance.
func writeAt[T []byte | string](s *SpooledFile, op string, p T, off int64, advance bool) (int, error) {
	if s.closed {
		return 0, s.errClosed(op)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if off > math.MaxInt64-int64(len(p)) {
		return 0, s.errInvalid(op)
	}
	end := off + int64(len(p))
	if s.file == nil && end > int64(s.memMax) {
		if err := s.rollover(); err != nil {
			return 0, err
		}
	}
	var n int
	var err error
	if s.file == nil {
		s.grow(int(end), int(off))
		n = copy(s.buf[off:end], p)
	} else {
		n, err = writeFullAt(s.file, []byte(p), off)
		s.size = max(s.size, off+int64(n))
		err = wrapErr(op, s.Name(), err)
	}
	if advance {
		s.off = off + int64(n)
	}
	return n, err
}

// grow makes len(s.buf) at least n <= s.memMax; the new bytes before dirty
// are zeroed, those from dirty on are the caller's to fill.
func (s *SpooledFile) grow(n, dirty int) {
	old := len(s.buf)
	switch {
	case n <= old:
	case n <= cap(s.buf):
		s.buf = s.buf[:n]
		if dirty > old {
			clear(s.buf[old:min(dirty, n)])
		}
	default:
		c := min(max(n, 2*cap(s.buf), minSpoolCap), s.memMax)
		buf := make([]byte, n, c)
		copy(buf, s.buf)
		s.buf = buf
	}
}

// writeFullAt writes all of p at off or returns an error, also for
// backends that report a short write without one.
func writeFullAt(f afero.File, p []byte, off int64) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := f.WriteAt(p, off)
	if n < 0 || n > len(p) {
		return 0, errInvalidCount
	}
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, err
}

// Truncate changes the size of the file without moving the offset,
// like [os.File.Truncate]: it cuts the end off or adds zero bytes. Growing
// past maxSize rolls over first. A negative size is an error wrapping
// syscall.EINVAL.
func (s *SpooledFile) Truncate(size int64) error {
	const op = "truncate"
	if s.closed {
		return s.errClosed(op)
	}
	if size < 0 {
		return s.errInvalid(op)
	}
	if s.file == nil && size > int64(s.memMax) {
		if err := s.rollover(); err != nil {
			return err
		}
	}
	if s.file == nil {
		if size <= int64(len(s.buf)) {
			s.buf = s.buf[:size]
		} else {
			s.grow(int(size), int(size))
		}
		return nil
	}
	if err := s.file.Truncate(size); err != nil {
		return wrapErr(op, s.Name(), err)
	}
	s.size = size
	return nil
}

// ReadFrom writes what it reads from r at the offset until io.EOF, advances
// the offset and returns how many bytes it wrote, like io.Copy(s, r). While
// in memory it reads straight into its buffer when appending at the end.
// It rolls over as Write does, only once more data than fits arrives. An
// error from r is returned as is.
func (s *SpooledFile) ReadFrom(r io.Reader) (int64, error) {
	if s.closed {
		return 0, s.errClosed("write")
	}
	var total int64
	for s.file == nil && s.off == int64(len(s.buf)) && len(s.buf) < s.memMax {
		if len(s.buf) == cap(s.buf) { // make spare capacity, keep the length
			s.grow(len(s.buf)+1, len(s.buf)+1)
			s.buf = s.buf[:len(s.buf)-1]
		}
		free := s.buf[len(s.buf):cap(s.buf)]
		n, err := r.Read(free)
		if n < 0 || n > len(free) {
			return total, errInvalidCount
		}
		s.buf = s.buf[:len(s.buf)+n]
		s.off += int64(n)
		total += int64(n)
		if err == io.EOF {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	n, err := io.Copy(spoolWriter{s}, r)
	return total + n, err
}

// spoolWriter hides ReadFrom from io.Copy.
type spoolWriter struct{ s *SpooledFile }

func (w spoolWriter) Write(p []byte) (int, error) { return w.s.Write(p) }

// WriteTo writes the content from the offset to the end to w, advances the
// offset by what w took, and returns that count, like io.Copy(w, s). While
// in memory it hands w the buffer directly, in one Write.
func (s *SpooledFile) WriteTo(w io.Writer) (int64, error) {
	if s.closed {
		return 0, s.errClosed("read")
	}
	if s.file == nil {
		if s.off >= int64(len(s.buf)) {
			return 0, nil
		}
		p := s.buf[s.off:]
		n, err := w.Write(p)
		if n < 0 || n > len(p) {
			return 0, errInvalidCount
		}
		s.off += int64(n)
		if err == nil && n < len(p) {
			err = io.ErrShortWrite
		}
		return int64(n), err
	}
	buf := make([]byte, min(copyBufSize, max(s.size-s.off, 1)))
	var total int64
	for {
		n, rerr := s.readAt(buf, s.off)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			if m < 0 || m > n {
				return total, errInvalidCount
			}
			s.off += int64(m)
			total += int64(m)
			if werr == nil && m < n {
				werr = io.ErrShortWrite
			}
			if werr != nil {
				return total, werr
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}

var _ interface {
	io.ReadWriteSeeker
	io.ReaderAt
	io.WriterAt
	io.Closer
	io.StringWriter
	io.ReaderFrom
	io.WriterTo
} = (*SpooledFile)(nil)
