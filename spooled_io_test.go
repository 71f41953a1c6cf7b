package tempfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sync"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// TestSpooledParallelReadAt reads from many goroutines at once, in memory
// and on disk; run with -race.
func TestSpooledParallelReadAt(t *testing.T) {
	t.Parallel()
	content := bytes.Repeat([]byte("0123456789abcdef"), 256)
	for _, tc := range []struct {
		name    string
		fsys    afero.Fs
		maxSize int64
	}{
		{"memory", afero.NewMemMapFs(), 1 << 20},
		{"MemMapFs", afero.NewMemMapFs(), 0},
		{"BasePathFs over OsFs", afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tempfs.NewSpooledFile(tc.fsys, tc.maxSize)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			_, err := s.Write(content)
			require.NoError(t, err)
			require.Equal(t, tc.maxSize == 0, s.Rolled())
			var wg sync.WaitGroup
			errs := make([]error, 8)
			for g := range errs {
				wg.Go(func() {
					p := make([]byte, 16)
					for i := range 200 {
						off := int64((i*7+g)%256) * 16
						if _, err := s.ReadAt(p, off); err != nil {
							errs[g] = err
							return
						}
						if !bytes.Equal(p, content[off:off+16]) {
							errs[g] = fmt.Errorf("ReadAt(%d) = %q", off, p)
							return
						}
					}
				})
			}
			wg.Wait()
			for _, err := range errs {
				assert.NoError(t, err)
			}
		})
	}
}

// oddReader returns its data a few bytes at a time and then err.
type oddReader struct {
	data []byte
	err  error
}

func (r *oddReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p[:min(len(p), 3)], r.data)
	r.data = r.data[n:]
	return n, nil
}

// TestSpooledReadFrom covers the in-memory fast path and the switch to disk
// in the middle of a read.
func TestSpooledReadFrom(t *testing.T) {
	t.Parallel()
	errRead := errors.New("connection reset")
	data := []byte("the quick brown fox jumps over the lazy dog")
	tests := []struct {
		name    string
		maxSize int64
		seek    int64
		err     error
		rolled  bool
	}{
		{"fits", 64, 0, io.EOF, false},
		{"exactly fits", int64(len(data)), 0, io.EOF, false},
		{"rolls over midway", 10, 0, io.EOF, true},
		{"reader error in memory", 64, 0, errRead, false},
		{"reader error after rollover", 10, 0, errRead, true},
		{"after a hole", 64, 5, io.EOF, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := &countingFs{Fs: afero.NewMemMapFs()}
			s := tempfs.NewSpooledFile(fsys, tc.maxSize)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			_, err := s.Seek(tc.seek, io.SeekStart)
			require.NoError(t, err)
			n, err := s.ReadFrom(&oddReader{data: data, err: tc.err})
			assert.Equal(t, int64(len(data)), n)
			if tc.err == io.EOF {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.err)
			}
			assert.Equal(t, tc.rolled, s.Rolled())
			_, created := fsys.counts()
			assert.Equal(t, map[bool]int{false: 0, true: 1}[tc.rolled], created)
			want := append(make([]byte, tc.seek), data...)
			off, err := s.Seek(0, io.SeekCurrent)
			require.NoError(t, err)
			assert.Equal(t, int64(len(want)), off)
			got, err := io.ReadAll(io.NewSectionReader(s, 0, 1<<20))
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}

// TestSpooledWriteTo covers a writer that fails or stops short.
func TestSpooledWriteTo(t *testing.T) {
	t.Parallel()
	errWrite := errors.New("broken pipe")
	for _, rolled := range []bool{false, true} {
		t.Run(fmt.Sprintf("rolled=%v", rolled), func(t *testing.T) {
			t.Parallel()
			s := tempfs.NewSpooledFile(afero.NewMemMapFs(), 1<<20)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			_, err := s.WriteString("0123456789")
			require.NoError(t, err)
			if rolled {
				require.NoError(t, s.Rollover())
			}
			_, err = s.Seek(2, io.SeekStart)
			require.NoError(t, err)

			n, err := s.WriteTo(&limitWriter{n: 3, err: errWrite})
			assert.Equal(t, int64(3), n)
			require.ErrorIs(t, err, errWrite)
			off, err := s.Seek(0, io.SeekCurrent)
			require.NoError(t, err)
			assert.Equal(t, int64(5), off, "offset moves by what the writer took")

			n, err = s.WriteTo(&limitWriter{n: 2})
			assert.Equal(t, int64(2), n)
			require.ErrorIs(t, err, io.ErrShortWrite)

			var b bytes.Buffer
			n, err = s.WriteTo(&b)
			require.NoError(t, err)
			assert.Equal(t, int64(3), n)
			assert.Equal(t, "789", b.String())
			n, err = s.WriteTo(&b)
			assert.NoError(t, err)
			assert.Zero(t, n, "at EOF")
		})
	}
}

// limitWriter takes n bytes, then stops with err (nil: a short write).
type limitWriter struct {
	n   int
	err error
}

func (w *limitWriter) Write(p []byte) (int, error) {
	if len(p) <= w.n {
		w.n -= len(p)
		return len(p), nil
	}
	n := w.n
	w.n = 0
	return n, w.err
}

// TestSpooledInvalidErrno: an invalid argument is syscall.EINVAL for
// errors.Is and errors.As, as os reports it, and fs.ErrInvalid too.
func TestSpooledInvalidErrno(t *testing.T) {
	s := tempfs.NewSpooledFile(afero.NewMemMapFs(), 10)
	defer s.Close()
	_, err := s.Seek(-1, io.SeekStart)
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.EINVAL)
	assert.ErrorIs(t, err, fs.ErrInvalid)
	var errno syscall.Errno
	require.ErrorAs(t, err, &errno)
	assert.Equal(t, syscall.EINVAL, errno)
}
