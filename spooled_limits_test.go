package tempfs_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"math"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// spoolLimit is SpooledFile's documented size limit: ext4's largest file
// with 4 KiB blocks.
const spoolLimit = 1<<44 - 4096

// farFile is what TestSpooledFarOffsets calls, on a SpooledFile and on an
// *os.File.
type farFile interface {
	io.Writer
	io.WriterAt
	io.Seeker
	Truncate(size int64) error
}

// TestSpooledFarOffsets: offsets and sizes beyond the limit are errors,
// never panics, in memory (also with maxSize math.MaxInt64) and rolled
// over onto every backing Fs, with os.File's error classes on ext4:
// EINVAL from Seek, EFBIG from a write or Truncate, and nothing changed.
// Where the host's temp dir is ext4 (or another Fs with that limit), each
// case is also run on an *os.File and must give the same n and error.
func TestSpooledFarOffsets(t *testing.T) {
	oracleDir := t.TempDir()
	t.Setenv("TMPDIR", t.TempDir()) // where OsFs's spool files go
	probe, err := os.CreateTemp(oracleDir, "probe-*")
	require.NoError(t, err)
	hostLimited := probe.Truncate(spoolLimit+1) != nil && probe.Truncate(spoolLimit) == nil
	require.NoError(t, probe.Close())
	if !hostLimited {
		t.Logf("the host's temp dir takes files over 16 TiB (tmpfs?): no os.File comparison")
	}

	type result struct {
		n   int64
		err error
	}
	tests := []struct {
		name    string
		want    error // the error class
		op      string
		content string // the content afterwards
		call    func(f farFile) result
	}{
		{"truncate 1<<50", syscall.EFBIG, "truncate", "abcd", func(f farFile) result {
			return result{0, f.Truncate(1 << 50)}
		}},
		{"truncate just past the limit", syscall.EFBIG, "truncate", "abcd", func(f farFile) result {
			return result{0, f.Truncate(spoolLimit + 1)}
		}},
		{"seek 1<<50, then write", syscall.EINVAL, "seek", "abxd", func(f farFile) result {
			off, err := f.Seek(1<<50, io.SeekStart)
			_, werr := f.Write([]byte("x")) // at the offset the failed seek left
			return result{off, errors.Join(err, werr)}
		}},
		{"seek max int64 from end", syscall.EINVAL, "seek", "abcd", func(f farFile) result {
			off, err := f.Seek(math.MaxInt64-10, io.SeekEnd)
			return result{off, err}
		}},
		{"seek to the limit, then write", syscall.EFBIG, "write", "abcd", func(f farFile) result {
			if _, err := f.Seek(spoolLimit, io.SeekStart); err != nil {
				return result{-1, err}
			}
			n, err := f.Write([]byte("x"))
			return result{int64(n), err}
		}},
		{"writeat 1<<50", syscall.EFBIG, "write", "abcd", func(f farFile) result {
			n, err := f.WriteAt([]byte("x"), 1<<50)
			return result{int64(n), err}
		}},
		{"writeat from the limit", syscall.EFBIG, "write", "abcd", func(f farFile) result {
			n, err := f.WriteAt([]byte("x"), spoolLimit)
			return result{int64(n), err}
		}},
	}
	backings := []struct {
		name    string
		fsys    func() afero.Fs
		maxSize int64
		rolled  bool
	}{
		{"memory, maxSize MaxInt64", afero.NewMemMapFs, math.MaxInt64, false},
		{"rolled, MemMapFs", afero.NewMemMapFs, 1 << 20, true},
		{"rolled, CrashFs", func() afero.Fs { return tempfstest.NewCrashFs() }, 1 << 20, true},
		{"rolled, OsFs", afero.NewOsFs, 1 << 20, true},
	}
	for _, tc := range tests {
		var want result
		if hostLimited {
			f, err := os.CreateTemp(oracleDir, "oracle-*")
			require.NoError(t, err)
			_, err = f.WriteString("abcd")
			require.NoError(t, err)
			_, err = f.Seek(2, io.SeekStart)
			require.NoError(t, err)
			want = tc.call(f)
			require.ErrorIs(t, want.err, tc.want, "%s: os.File", tc.name)
			got, err := os.ReadFile(f.Name())
			require.NoError(t, err)
			require.Equal(t, tc.content, string(got), "%s: os.File's content", tc.name)
			require.NoError(t, f.Close())
		}
		for _, b := range backings {
			t.Run(tc.name+"/"+b.name, func(t *testing.T) {
				s := tempfs.NewSpooledFile(b.fsys(), b.maxSize)
				t.Cleanup(func() { assert.NoError(t, s.Close()) })
				_, err := s.WriteString("abcd")
				require.NoError(t, err)
				if b.rolled {
					require.NoError(t, s.Rollover())
				}
				_, err = s.Seek(2, io.SeekStart)
				require.NoError(t, err)

				got := tc.call(s)
				require.ErrorIs(t, got.err, tc.want)
				var pe *fs.PathError
				require.ErrorAs(t, got.err, &pe)
				assert.Equal(t, tc.op, pe.Op)
				assert.Equal(t, s.Name(), pe.Path)
				if hostLimited {
					assert.Equal(t, want.n, got.n, "n, as os.File")
					var wpe *fs.PathError
					require.ErrorAs(t, want.err, &wpe)
					assert.Equal(t, wpe.Op, pe.Op, "Op, as os.File")
				}
				content := make([]byte, 8)
				n, err := s.ReadAt(content, 0)
				assert.ErrorIs(t, err, io.EOF)
				assert.Equal(t, tc.content, string(content[:n]), "content")
				assert.Equal(t, b.rolled, s.Rolled())
			})
		}
	}
}

// TestSpooledTruncateStoresNoZeros: in memory, a Truncate that grows the
// file counts the zeros it adds without storing them, so that a far
// Truncate with maxSize math.MaxInt64 costs no memory; the zeros read
// back, and a rollover writes them to the disk file.
func TestSpooledTruncateStoresNoZeros(t *testing.T) {
	t.Parallel()
	s := tempfs.NewSpooledFile(afero.NewMemMapFs(), math.MaxInt64)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	_, err := s.WriteString("abcd")
	require.NoError(t, err)
	const far = 1 << 40
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	require.NoError(t, s.Truncate(far))
	runtime.ReadMemStats(&after)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(1<<20), "bytes allocated by Truncate")
	assert.Equal(t, int64(far), s.Size())
	assert.False(t, s.Rolled())
	end, err := s.Seek(0, io.SeekEnd)
	require.NoError(t, err)
	assert.Equal(t, int64(far), end)
	p := []byte("xxxxxxxx")
	n, err := s.ReadAt(p, far-4)
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, "\x00\x00\x00\x00", string(p[:n]))
	n, err = s.ReadAt(p, 2)
	require.NoError(t, err)
	assert.Equal(t, "cd\x00\x00\x00\x00\x00\x00", string(p[:n]))
	require.NoError(t, s.Truncate(3))
	require.NoError(t, s.Truncate(6)) // the cut byte comes back as a zero
	n, err = s.ReadAt(p, 0)
	assert.ErrorIs(t, err, io.EOF)
	assert.Equal(t, "abc\x00\x00\x00", string(p[:n]))

	r := tempfs.NewSpooledFile(afero.NewMemMapFs(), 1<<20)
	t.Cleanup(func() { assert.NoError(t, r.Close()) })
	_, err = r.WriteString("abcd")
	require.NoError(t, err)
	require.NoError(t, r.Truncate(1000))
	require.NoError(t, r.Rollover())
	assert.Equal(t, int64(1000), r.Size())
	var buf bytes.Buffer
	_, err = r.Seek(0, io.SeekStart)
	require.NoError(t, err)
	m, err := r.WriteTo(&buf)
	require.NoError(t, err)
	assert.Equal(t, int64(1000), m)
	assert.Equal(t, "abcd"+strings.Repeat("\x00", 996), buf.String(), "the zeros reach the disk file")
}
