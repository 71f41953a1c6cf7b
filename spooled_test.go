package tempfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs"
)

// opMax bounds the sizes and offsets of the property test's operations;
// maxSize is drawn around it so that rollover happens mid-sequence.
const opMax = 64

// TestSpooledMatchesOsFile runs random operation sequences on a SpooledFile
// and on an os.File and requires them never to disagree.
func TestSpooledMatchesOsFile(t *testing.T) {
	oracleDir := t.TempDir()
	spoolDir := t.TempDir()
	t.Setenv("TMPDIR", spoolDir) // where OsFs's spool files go
	var endedInMemory, rolledByWrite, rolledOnDisk int

	rapid.Check(t, func(rt *rapid.T) {
		var fsys afero.Fs
		tmp := spoolDir
		if rapid.Bool().Draw(rt, "memMapFs") {
			fsys, tmp = afero.NewMemMapFs(), "/tmp"
		} else {
			fsys = afero.NewOsFs()
		}
		// rapid favours small numbers: draw most limits above a few writes.
		maxSize := rapid.OneOf(rapid.Int64Range(-1, opMax), rapid.Int64Range(2*opMax, 6*opMax)).Draw(rt, "maxSize")
		want, err := os.CreateTemp(oracleDir, "oracle-*")
		require.NoError(rt, err)
		defer func() { _ = want.Close(); _ = os.Remove(want.Name()) }()
		got := tempfs.NewSpooledFile(fsys, maxSize)
		defer func() { _ = got.Close() }()

		data := rapid.SliceOfN(rapid.ByteRange(1, 255), 0, opMax) // no zeros: holes must show
		off := rapid.Int64Range(-3, 3*opMax)
		size := rapid.IntRange(0, opMax+8)
		rt.Repeat(map[string]func(*rapid.T){
			"Write": func(rt *rapid.T) {
				p := data.Draw(rt, "p")
				wasRolled := got.Rolled()
				n, err := got.Write(p)
				wn, werr := want.Write(p)
				check(rt, "Write", n, err, wn, werr)
				if !wasRolled && got.Rolled() {
					rolledByWrite++
				}
			},
			"WriteString": func(rt *rapid.T) {
				p := string(data.Draw(rt, "p"))
				n, err := got.WriteString(p)
				wn, werr := want.WriteString(p)
				check(rt, "WriteString", n, err, wn, werr)
			},
			"WriteAt": func(rt *rapid.T) {
				p, o := data.Draw(rt, "p"), off.Draw(rt, "off")
				n, err := got.WriteAt(p, o)
				wn, werr := want.WriteAt(p, o)
				check(rt, "WriteAt", n, err, wn, werr)
			},
			"Read": func(rt *rapid.T) {
				p := make([]byte, size.Draw(rt, "len"))
				wp := make([]byte, len(p))
				n, err := got.Read(p)
				wn, werr := want.Read(wp)
				check(rt, "Read", n, err, wn, werr)
				assert.Equal(rt, string(wp[:wn]), string(p[:n]), "Read bytes")
			},
			"ReadAt": func(rt *rapid.T) {
				p, o := make([]byte, size.Draw(rt, "len")), off.Draw(rt, "off")
				wp := make([]byte, len(p))
				n, err := got.ReadAt(p, o)
				wn, werr := want.ReadAt(wp, o)
				check(rt, "ReadAt", n, err, wn, werr)
				assert.Equal(rt, string(wp[:wn]), string(p[:n]), "ReadAt bytes")
			},
			"Seek": func(rt *rapid.T) {
				o := rapid.Int64Range(-4*opMax, 4*opMax).Draw(rt, "offset")
				whence := rapid.SampledFrom([]int{io.SeekStart, io.SeekCurrent, io.SeekEnd, -1, 7}).Draw(rt, "whence")
				n, err := got.Seek(o, whence)
				wn, werr := want.Seek(o, whence)
				check(rt, "Seek", n, err, wn, werr)
			},
			"Truncate": func(rt *rapid.T) {
				n := rapid.Int64Range(-2, 3*opMax).Draw(rt, "size")
				check(rt, "Truncate", 0, got.Truncate(n), 0, want.Truncate(n))
			},
			"Rollover": func(rt *rapid.T) {
				require.NoError(rt, got.Rollover())
				assert.True(rt, got.Rolled())
			},
			"ReadFrom": func(rt *rapid.T) {
				p := data.Draw(rt, "p")
				n, err := got.ReadFrom(bytes.NewReader(p))
				wn, werr := want.ReadFrom(bytes.NewReader(p))
				check(rt, "ReadFrom", n, err, wn, werr)
			},
			"WriteTo": func(rt *rapid.T) {
				var b, wb bytes.Buffer
				n, err := got.WriteTo(&b)
				wn, werr := want.WriteTo(&wb)
				check(rt, "WriteTo", n, err, wn, werr)
				assert.Equal(rt, wb.String(), b.String(), "WriteTo bytes")
			},
			"": func(rt *rapid.T) { sameState(rt, got, want) },
		})

		switch {
		case !got.Rolled():
			endedInMemory++
		default:
			rolledOnDisk++
		}
		require.NoError(rt, want.Close())
		require.NoError(rt, got.Close())
		assert.Empty(rt, entries(rt, fsys, tmp), "spool file left after Close")
		checkClosed(rt, got, want)
	})
	t.Logf("ended in memory %d, rolled by a write %d, ended on disk %d", endedInMemory, rolledByWrite, rolledOnDisk)
	// The property is only worth something if both modes were exercised.
	assert.Positive(t, endedInMemory, "no sequence ended in memory")
	assert.Positive(t, rolledByWrite, "no write rolled a file over")
	assert.Positive(t, rolledOnDisk, "no sequence ended on disk")
}

// check compares the results of one operation.
func check[N int | int64](t require.TestingT, op string, n N, err error, wn N, werr error) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	assert.Equal(t, wn, n, "%s: n", op)
	sameErr(t, op, err, werr)
}

// sameErr requires got to be of the same kind as want, os.File's error.
func sameErr(t require.TestingT, op string, got, want error) {
	if want == nil || got == nil {
		assert.Equal(t, want == nil, got == nil, "%s: got %v, os.File %v", op, got, want)
		return
	}
	if want == io.EOF {
		assert.Equal(t, io.EOF, got, "%s: want bare io.EOF", op) //nolint:errorlint // os returns it bare
		return
	}
	var wpe, gpe *fs.PathError
	require.ErrorAs(t, want, &wpe, op)
	require.ErrorAs(t, got, &gpe, op)
	assert.Equal(t, wpe.Op, gpe.Op, "%s: Op", op)
	if (wpe.Op == "readat" || wpe.Op == "writeat") && !errors.Is(want, syscall.EINVAL) {
		// os refuses a negative offset with an error of no class;
		// SpooledFile documents syscall.EINVAL there, as for Seek.
		assert.ErrorIs(t, got, syscall.EINVAL, "%s: negative offset", op)
		return
	}
	for _, class := range []error{syscall.EINVAL, fs.ErrClosed, fs.ErrInvalid, io.ErrShortWrite, io.ErrUnexpectedEOF} {
		assert.Equal(t, errors.Is(want, class), errors.Is(got, class), "%s: errors.Is(%v, %v), os.File: %v", op, got, class, want)
	}
}

// sameState compares size, offset and content.
func sameState(t require.TestingT, got *tempfs.SpooledFile, want *os.File) {
	fi, err := want.Stat()
	require.NoError(t, err)
	require.Equal(t, fi.Size(), got.Size(), "Size")
	off, err := got.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	woff, err := want.Seek(0, io.SeekCurrent)
	require.NoError(t, err)
	require.Equal(t, woff, off, "offset")
	content, wcontent := make([]byte, fi.Size()), make([]byte, fi.Size())
	_, err = got.ReadAt(content, 0)
	require.NoError(t, err)
	_, err = want.ReadAt(wcontent, 0)
	require.NoError(t, err)
	require.Equal(t, string(wcontent), string(content), "content")
}

// checkClosed compares every method after Close.
func checkClosed(t require.TestingT, got *tempfs.SpooledFile, want *os.File) {
	p := []byte("x")
	n, err := got.Read(p)
	wn, werr := want.Read(p)
	check(t, "Read after Close", n, err, wn, werr)
	for _, off := range []int64{-1, 0} {
		n, err = got.ReadAt(p, off)
		wn, werr = want.ReadAt(p, off)
		check(t, "ReadAt after Close", n, err, wn, werr)
		n, err = got.WriteAt(p, off)
		wn, werr = want.WriteAt(p, off)
		check(t, "WriteAt after Close", n, err, wn, werr)
	}
	n, err = got.Write(p)
	wn, werr = want.Write(p)
	check(t, "Write after Close", n, err, wn, werr)
	n, err = got.WriteString("x")
	wn, werr = want.WriteString("x")
	check(t, "WriteString after Close", n, err, wn, werr)
	n64, err := got.Seek(0, io.SeekStart)
	wn64, werr := want.Seek(0, io.SeekStart)
	check(t, "Seek after Close", n64, err, wn64, werr)
	n64, err = got.ReadFrom(bytes.NewReader(p))
	wn64, werr = want.ReadFrom(bytes.NewReader(p))
	check(t, "ReadFrom after Close", n64, err, wn64, werr)
	n64, err = got.WriteTo(io.Discard)
	wn64, werr = want.WriteTo(io.Discard)
	check(t, "WriteTo after Close", n64, err, wn64, werr)
	sameErr(t, "Truncate after Close", got.Truncate(0), want.Truncate(0))
	assert.ErrorIs(t, got.Rollover(), fs.ErrClosed)
	assert.NoError(t, got.Close(), "second Close")
	assert.Zero(t, got.Size())
}

// entries lists dir in fsys.
func entries(t require.TestingT, fsys afero.Fs, dir string) []string {
	names, err := afero.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	var out []string
	for _, fi := range names {
		out = append(out, fi.Name())
	}
	return out
}

// countingFs counts the calls to an afero.Fs and the files it creates, and
// can make the writes of its files fail.
type countingFs struct {
	afero.Fs
	mu         sync.Mutex
	calls      int
	created    int
	failWrites error
}

func (c *countingFs) count(create bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if create {
		c.created++
	}
}

func (c *countingFs) counts() (calls, created int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls, c.created
}

func (c *countingFs) wrap(f afero.File, err error) (afero.File, error) {
	if err != nil || c.failWrites == nil {
		return f, err
	}
	return faultFile{File: f, err: c.failWrites}, nil
}

func (c *countingFs) Create(name string) (afero.File, error) {
	c.count(true)
	return c.wrap(c.Fs.Create(name))
}

func (c *countingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	c.count(flag&os.O_CREATE != 0)
	return c.wrap(c.Fs.OpenFile(name, flag, perm))
}

func (c *countingFs) Open(name string) (afero.File, error) {
	c.count(false)
	return c.Fs.Open(name)
}

func (c *countingFs) Mkdir(name string, perm os.FileMode) error {
	c.count(false)
	return c.Fs.Mkdir(name, perm)
}

func (c *countingFs) MkdirAll(path string, perm os.FileMode) error {
	c.count(false)
	return c.Fs.MkdirAll(path, perm)
}

func (c *countingFs) Remove(name string) error {
	c.count(false)
	return c.Fs.Remove(name)
}

func (c *countingFs) RemoveAll(path string) error {
	c.count(false)
	return c.Fs.RemoveAll(path)
}

func (c *countingFs) Rename(oldname, newname string) error {
	c.count(false)
	return c.Fs.Rename(oldname, newname)
}

func (c *countingFs) Stat(name string) (os.FileInfo, error) {
	c.count(false)
	return c.Fs.Stat(name)
}

func (c *countingFs) Chmod(name string, mode os.FileMode) error {
	c.count(false)
	return c.Fs.Chmod(name, mode)
}

func (c *countingFs) Chown(name string, uid, gid int) error {
	c.count(false)
	return c.Fs.Chown(name, uid, gid)
}

func (c *countingFs) Chtimes(name string, atime, mtime time.Time) error {
	c.count(false)
	return c.Fs.Chtimes(name, atime, mtime)
}

// faultFile fails every write with err.
type faultFile struct {
	afero.File
	err error
}

func (f faultFile) Write([]byte) (int, error) { return 0, f.err }

func (f faultFile) WriteAt([]byte, int64) (int, error) { return 0, f.err }

func (f faultFile) WriteString(string) (int, error) { return 0, f.err }

// TestSpooledCreatesFileOnlyPastMaxSize counts the Fs calls around maxSize.
func TestSpooledCreatesFileOnlyPastMaxSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		maxSize int64
		op      func(s *tempfs.SpooledFile) error
		rolled  bool
	}{
		{"write up to maxSize", 8, writeN(8), false},
		{"write past maxSize", 8, writeN(9), true},
		{"writeat ending at maxSize", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("x"), 7); return err }, false},
		{"writeat past maxSize", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("x"), 8); return err }, true},
		{"writestring past maxSize", 3, func(s *tempfs.SpooledFile) error { _, err := s.WriteString("abcd"); return err }, true},
		{"readfrom up to maxSize", 8, readFromN(8), false},
		{"readfrom past maxSize", 8, readFromN(9), true},
		{"truncate to maxSize", 8, func(s *tempfs.SpooledFile) error { return s.Truncate(8) }, false},
		{"truncate past maxSize", 8, func(s *tempfs.SpooledFile) error { return s.Truncate(9) }, true},
		{"empty write far away", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt(nil, 1<<40); return err }, false},
		{"seek far, no write", 8, func(s *tempfs.SpooledFile) error { _, err := s.Seek(1<<40, io.SeekStart); return err }, false},
		{"reads and seeks", 8, func(s *tempfs.SpooledFile) error {
			_, err := s.Read(make([]byte, 100))
			assert.ErrorIs(t, err, io.EOF)
			_, err = s.Seek(4, io.SeekEnd)
			return err
		}, false},
		{"rollover", 8, (*tempfs.SpooledFile).Rollover, true},
		{"maxSize 0, nothing written", 0, writeN(0), false},
		{"maxSize 0, one byte", 0, writeN(1), true},
		{"maxSize -5, truncate 0", -5, func(s *tempfs.SpooledFile) error { return s.Truncate(0) }, false},
		{"maxSize -5, truncate 1", -5, func(s *tempfs.SpooledFile) error { return s.Truncate(1) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := &countingFs{Fs: afero.NewMemMapFs()}
			s := tempfs.NewSpooledFile(fsys, tc.maxSize)
			require.NoError(t, tc.op(s))
			assert.Equal(t, tc.rolled, s.Rolled())
			calls, created := fsys.counts()
			if !tc.rolled {
				assert.Zero(t, calls, "Fs calls in memory")
				assert.Empty(t, s.Name())
			} else {
				assert.Equal(t, 1, created, "files created")
				assert.Equal(t, "/tmp", filepath.Dir(s.Name()))
				assert.Regexp(t, `^spool-[0-9a-v]{13}$`, filepath.Base(s.Name()))
				assert.Equal(t, []string{filepath.Base(s.Name())}, entries(t, fsys, "/tmp"))
			}
			require.NoError(t, s.Close())
			assert.Empty(t, entries(t, fsys, "/tmp"), "left after Close")
			_, created = fsys.counts()
			assert.Equal(t, map[bool]int{false: 0, true: 1}[tc.rolled], created, "files created in all")
		})
	}
}

func writeN(n int) func(s *tempfs.SpooledFile) error {
	return func(s *tempfs.SpooledFile) error {
		_, err := s.Write(bytes.Repeat([]byte("a"), n))
		return err
	}
}

func readFromN(n int) func(s *tempfs.SpooledFile) error {
	return func(s *tempfs.SpooledFile) error {
		m, err := s.ReadFrom(bytes.NewReader(bytes.Repeat([]byte("a"), n)))
		if m != int64(n) {
			return fmt.Errorf("ReadFrom wrote %d of %d: %w", m, n, err)
		}
		return err
	}
}
