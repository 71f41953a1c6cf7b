package tempfs

import (
	"fmt"
	"io"
	"io/fs"
	"math"

	"github.com/spf13/afero"
)

// Read reads up to len(p) bytes at the offset and advances it. At end of
// file it returns 0, io.EOF.
func (s *SpooledFile) Read(p []byte) (int, error) {
	if s == nil || s.closed {
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
	if s == nil || s.closed {
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
		if off >= s.size {
			return 0, io.EOF
		}
		n := 0
		if off < int64(len(s.buf)) {
			n = copy(p, s.buf[off:])
		}
		if m := int(min(int64(len(p)), s.size-off)); n < m {
			clear(p[n:m]) // the zeros Truncate added
			n = m
		}
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
// and the error has Op "rollover". A write that would end beyond the size
// limit (see [SpooledFile]) writes nothing and fails with an error wrapping
// syscall.EFBIG.
func (s *SpooledFile) Write(p []byte) (int, error) {
	if s == nil {
		return 0, s.errClosed("write")
	}
	return writeAt(s, "write", p, s.off, true)
}

// WriteString is like Write with the bytes of str, without copying them
// while in memory.
func (s *SpooledFile) WriteString(str string) (int, error) {
	if s == nil {
		return 0, s.errClosed("write")
	}
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
	if s == nil || s.closed {
		return 0, s.errClosed(op)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if off > math.MaxInt64-int64(len(p)) {
		return 0, s.errInvalid(op)
	}
	end := off + int64(len(p))
	if end > maxSpoolSize {
		return 0, s.errTooLarge(op)
	}
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
		s.size = max(s.size, end)
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
// syscall.EINVAL, one beyond the size limit (see [SpooledFile]) an error
// wrapping syscall.EFBIG.
func (s *SpooledFile) Truncate(size int64) error {
	const op = "truncate"
	if s == nil || s.closed {
		return s.errClosed(op)
	}
	if size < 0 {
		return s.errInvalid(op)
	}
	if size > maxSpoolSize {
		return s.errTooLarge(op)
	}
	if s.file == nil && size > int64(s.memMax) {
		if err := s.rollover(); err != nil {
			return err
		}
	}
	if s.file == nil {
		if size < int64(len(s.buf)) {
			s.buf = s.buf[:size]
		}
		s.size = size // zeros past len(s.buf) are counted, not stored
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
	if s == nil || s.closed {
		return 0, s.errClosed("write")
	}
	if r == nil {
		return 0, &fs.PathError{Op: "write", Path: s.Name(), Err: errNilReader}
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
		s.size = max(s.size, int64(len(s.buf)))
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
	if s == nil || s.closed {
		return 0, s.errClosed("read")
	}
	if w == nil {
		return 0, &fs.PathError{Op: "read", Path: s.Name(), Err: fmt.Errorf("nil io.Writer: %w", fs.ErrInvalid)}
	}
	if s.off >= s.size {
		return 0, nil
	}
	if s.file == nil && s.size == int64(len(s.buf)) {
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
