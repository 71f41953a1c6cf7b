package memfs

import (
	"errors"
	"io"
	"io/fs"
	"sync"
	"syscall"
)

// maxFileSize is the largest size a file may reach (ext4's limit); beyond
// it Write and Truncate fail with syscall.EFBIG.
const maxFileSize = 1 << 44

// errWriteAtInAppendMode is what [*os.File.WriteAt] returns on a file
// opened with O_APPEND (same text; os does not export its value).
var errWriteAtInAppendMode = errors.New("os: invalid use of WriteAt on file opened with O_APPEND")

var errNegativeOffset = errors.New("negative offset")

// File is an open file or directory of an [Fs], with the behaviour of an
// [*os.File] on Linux: Read and Write move the offset, ReadAt and WriteAt
// do not, a short ReadAt returns io.EOF, Seek before the start fails with
// syscall.EINVAL, Write on a read-only handle fails with syscall.EBADF.
// It keeps working after its name is removed or renamed over. Like an
// *os.File it is safe for concurrent use; Close it to free it.
type File struct {
	fsys                *Fs
	name                string
	read, write, append bool

	mu   sync.Mutex // guards the fields below
	n    *node      // nil once closed
	off  int64
	list *listing // a directory's listing in progress; nil for a file
}

// listing is a directory listing in progress, from the first Readdir to a
// Seek to the start: the entries of the directory up to upto (its last
// sequence number at the first Readdir), given up to after. It lives
// apart from the File, so that a file's handle and its node stay one
// allocation of 176 bytes.
type listing struct{ after, upto uint64 }

// Name returns the name the file was opened with.
func (h *File) Name() string { return h.name }

// Close releases the handle; a second Close fails with fs.ErrClosed.
func (h *File) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		return pathErr("close", h.name, fs.ErrClosed)
	}
	h.fsys.opens.Add(-1)
	if h.n.opens.Add(-1) == 0 && h.n.gone.Load() {
		h.fsys.mu.Lock()
		h.fsys.forget(h.n)
		h.fsys.mu.Unlock()
	}
	h.n = nil
	return nil
}

// Read reads from the offset and advances it; at the end it returns 0 and
// io.EOF.
func (h *File) Read(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, err := h.readAt("read", p, h.off)
	h.off += int64(n)
	if err == io.EOF && n > 0 {
		err = nil
	}
	return n, err
}

// ReadAt reads len(p) bytes at off without moving the offset; fewer bytes
// come with io.EOF.
func (h *File) ReadAt(p []byte, off int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case off < 0:
		return 0, pathErr("readat", h.name, errNegativeOffset)
	case len(p) == 0:
		return 0, nil
	}
	return h.readAt("read", p, off)
}

func (h *File) readAt(op string, p []byte, off int64) (int, error) {
	switch {
	case h.n == nil:
		return 0, pathErr(op, h.name, fs.ErrClosed)
	case len(p) == 0:
		return 0, nil
	case h.n.isDir():
		return 0, pathErr(op, h.name, syscall.EISDIR)
	case !h.read:
		return 0, pathErr(op, h.name, syscall.EBADF)
	}
	h.fsys.mu.RLock()
	defer h.fsys.mu.RUnlock()
	data := h.n.data
	if off >= int64(len(data)) {
		return 0, io.EOF
	}
	n := copy(p, data[off:])
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// Write writes at the offset (at the end with O_APPEND) and advances it.
func (h *File) Write(p []byte) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	n, err := h.writeAt(p, h.off, h.append)
	h.off += int64(n)
	return n, err
}

// WriteString writes s as Write does.
func (h *File) WriteString(s string) (int, error) { return h.Write([]byte(s)) }

// WriteAt writes p at off without moving the offset; on a file opened with
// O_APPEND it fails, as on an *os.File.
func (h *File) WriteAt(p []byte, off int64) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.append:
		return 0, errWriteAtInAppendMode
	case off < 0:
		return 0, pathErr("writeat", h.name, errNegativeOffset)
	case len(p) == 0:
		return 0, nil
	}
	return h.writeAt(p, off, false)
}

// writeAt writes p at off, or at the end if atEnd, and returns how much it
// wrote. When atEnd, h.off is set to the end first. h.mu held.
func (h *File) writeAt(p []byte, off int64, atEnd bool) (int, error) {
	switch {
	case h.n == nil:
		return 0, pathErr("write", h.name, fs.ErrClosed)
	case !h.write:
		return 0, pathErr("write", h.name, syscall.EBADF)
	}
	h.fsys.mu.Lock()
	defer h.fsys.mu.Unlock()
	n := h.n
	if len(p) == 0 {
		return 0, nil
	}
	if atEnd {
		off = int64(len(n.data))
		h.off = off
	}
	end := off + int64(len(p))
	if end > maxFileSize || end < off {
		return 0, pathErr("write", h.name, syscall.EFBIG)
	}
	h.fsys.resizeFor(n, max(end, int64(len(n.data))), off)
	copy(n.data[off:], p)
	h.fsys.touch(n)
	return len(p), nil
}

// resize makes n's data size bytes long: new bytes are zero, and memory is
// given back when the data shrinks a lot. f.mu held for writing.
func (f *Fs) resize(n *node, size int64) { f.resizeFor(n, size, size) }

// resizeFor is resize for a write of the bytes from on, up to size: the
// caller overwrites them at once, so only the new bytes before from are
// zeroed. f.mu held for writing.
func (f *Fs) resizeFor(n *node, size, from int64) {
	old := int64(len(n.data))
	zeroTo := min(max(from, old), size)
	switch {
	case size == 0 && cap(n.data) > 1<<maxPooledShift:
		n.data = nil // a big file emptied gives its memory back
	case size == 0:
		n.data = n.data[:0]
	case size <= int64(cap(n.data)):
		n.data = n.data[:size]
		if size > old {
			clear(n.data[old:zeroTo])
		} else if c := int64(cap(n.data)); c > 1<<maxPooledShift && c > 4*size {
			n.data = append([]byte(nil), n.data...)
		}
	default:
		grown := f.bufs.get(max(size, 2*int64(cap(n.data))))[:size]
		copy(grown, n.data)
		clear(grown[old:zeroTo])
		f.bufs.put(n.data)
		n.data = grown
	}
}

// Seek sets the offset as [io.Seeker] says; a negative result or an
// unknown whence fails with syscall.EINVAL. On a directory, Seek(0,
// io.SeekStart) restarts Readdir.
func (h *File) Seek(offset int64, whence int) (int64, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		return 0, pathErr("seek", h.name, fs.ErrClosed)
	}
	var pos int64
	switch whence {
	case io.SeekStart:
		pos = offset
	case io.SeekCurrent:
		pos = h.off + offset
	case io.SeekEnd:
		h.fsys.mu.RLock()
		pos = int64(len(h.n.data)) + offset
		h.fsys.mu.RUnlock()
	default:
		return 0, pathErr("seek", h.name, syscall.EINVAL)
	}
	if pos < 0 {
		return 0, pathErr("seek", h.name, syscall.EINVAL)
	}
	if h.n.isDir() {
		if pos != 0 {
			return 0, pathErr("seek", h.name, syscall.EISDIR)
		}
		h.list = nil
	}
	h.off = pos
	return pos, nil
}

// Stat returns the file's [fs.FileInfo], also after its name is gone.
func (h *File) Stat() (fs.FileInfo, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		return nil, pathErr("stat", h.name, fs.ErrClosed)
	}
	h.fsys.mu.RLock()
	defer h.fsys.mu.RUnlock()
	return h.n.info(baseName(h.name)), nil
}

// Sync makes the file's data and mode durable, or a directory's entries
// and mode, as fsync(2) does, on an Fs with [Options.TrackSync]; without
// it there is nothing to keep and Sync returns nil at once (fs.ErrClosed
// after Close).
func (h *File) Sync() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.n == nil {
		return pathErr("sync", h.name, fs.ErrClosed)
	}
	if h.fsys.opts.TrackSync {
		h.fsys.mu.Lock()
		h.fsys.sync(h.n)
		h.fsys.mu.Unlock()
	}
	return nil
}

// Truncate sets the file's size, zero-filling any growth, without moving
// the offset. A handle not open for writing or a negative size fails with
// syscall.EINVAL.
func (h *File) Truncate(size int64) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.n == nil:
		return pathErr("truncate", h.name, fs.ErrClosed)
	case !h.write || size < 0:
		return pathErr("truncate", h.name, syscall.EINVAL)
	case size > maxFileSize:
		return pathErr("truncate", h.name, syscall.EFBIG)
	}
	h.fsys.mu.Lock()
	defer h.fsys.mu.Unlock()
	h.fsys.resize(h.n, size)
	h.fsys.touch(h.n)
	return nil
}
