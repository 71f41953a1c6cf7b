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

// maxSpoolSize is the largest size of a SpooledFile and the largest offset
// it seeks to: ext4's s_maxbytes with 4 KiB blocks.
const maxSpoolSize = 1<<44 - 4096

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
// int64) wrap syscall.EINVAL, as os.File's Seek and Truncate do on Unix,
// and fs.ErrInvalid as well;
// os.File's ReadAt and WriteAt refuse a negative offset with an error of no
// class, SpooledFile with syscall.EINVAL there too.
//
// A SpooledFile holds at most 16 TiB − 4 KiB (ext4's largest file with
// 4 KiB blocks), in memory and on every backing Fs, and answers beyond it
// as [os.File] does on ext4: Seek to a larger offset fails with
// syscall.EINVAL and leaves the offset; a write or Truncate that would end
// beyond fails with syscall.EFBIG and changes nothing. So a far offset
// never reaches a backing file that would try to allocate it (afero's
// MemMapFs keeps a file in one slice). Within the limit memory is the
// caller's to budget: in memory a Truncate that grows the file stores no
// zeros, but with a maxSize beyond what the machine holds, a write far
// past the end that asks for more memory than there is ends the program,
// as any allocation does. After Close every
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
	size    int64 // the file's size; in memory len(buf) and zeros Truncate added
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
	return &SpooledFile{fsys: fsys, maxSize: maxSize, memMax: int(min(maxSize, math.MaxInt, maxSpoolSize))}
}

// Rolled reports whether the content has moved to a file on the Fs. It
// keeps its value after Close.
func (s *SpooledFile) Rolled() bool { return s != nil && s.file != nil }

// Name returns "" while the content is in memory and the disk file's path
// in the Fs once rolled over (also after Close, when the file is gone).
func (s *SpooledFile) Name() string {
	if s == nil || s.file == nil {
		return ""
	}
	return s.file.Name()
}

// Size returns the size of the file in bytes, or 0 after Close.
func (s *SpooledFile) Size() int64 {
	if s == nil || s.closed {
		return 0
	}
	return s.size
}

// Rollover moves the content to a new temporary file on the Fs now, keeping
// the offset; it does nothing if the file has rolled over already. If it
// fails, the content stays in memory, nothing is left on the Fs and the
// error is an [*fs.PathError] with Op "rollover" (Path the temp file
// pattern if the file could not be created, else its name).
func (s *SpooledFile) Rollover() error {
	if s == nil || s.closed {
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
	_, err = writeFullAt(f, s.buf, 0)
	if err == nil && s.size > int64(len(s.buf)) {
		err = f.Truncate(s.size) // the zeros Truncate added in memory
	}
	if err != nil {
		return errors.Join(wrapErr("rollover", f.Name(), err), f.Close())
	}
	s.file, s.buf = f, nil
	return nil
}

// Close releases the memory, or closes and removes the disk file. Calls
// after the first return nil.
func (s *SpooledFile) Close() error {
	if s == nil {
		return s.errClosed("close")
	}
	if s.closed {
		return nil
	}
	s.closed, s.buf = true, nil
	if s.file != nil {
		return s.file.Close()
	}
	return nil
}

// errClosed is the error of a call after Close; on a nil *SpooledFile it
// wraps fs.ErrInvalid, as os.File's methods do.
func (s *SpooledFile) errClosed(op string) error {
	if s == nil {
		return &fs.PathError{Op: op, Err: fs.ErrInvalid}
	}
	return &fs.PathError{Op: op, Path: s.Name(), Err: fs.ErrClosed}
}

func (s *SpooledFile) errInvalid(op string) error {
	return &fs.PathError{Op: op, Path: s.Name(), Err: errInvalidArg}
}

// errTooLarge is the error of a write or Truncate that would make the file
// larger than maxSpoolSize.
func (s *SpooledFile) errTooLarge(op string) error {
	return &fs.PathError{Op: op, Path: s.Name(), Err: syscall.EFBIG}
}

// Seek sets the offset for the next Read or Write, like [os.File.Seek]:
// whence is io.SeekStart, io.SeekCurrent or io.SeekEnd. A resulting
// negative offset, one beyond the size limit (see [SpooledFile]) or
// another whence is an error wrapping syscall.EINVAL that leaves the
// offset as it was.
func (s *SpooledFile) Seek(offset int64, whence int) (int64, error) {
	if s == nil || s.closed {
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
	if pos := base + offset; pos < 0 || pos > maxSpoolSize {
		return 0, s.errInvalid("seek")
	}
	s.off = base + offset
	return s.off, nil
}
