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

	// Under -short rapid runs only 20 sequences, which now and then miss a
	// mode: run more rounds until every mode was seen (at most 10).
	for round := 0; round < 10 && (endedInMemory == 0 || rolledByWrite == 0 || rolledOnDisk == 0); round++ {
		checkSpooledAgainstOs(t, oracleDir, spoolDir, &endedInMemory, &rolledByWrite, &rolledOnDisk)
	}
	t.Logf("ended in memory %d, rolled by a write %d, ended on disk %d", endedInMemory, rolledByWrite, rolledOnDisk)
	// The property is only worth something if both modes were exercised.
	assert.Positive(t, endedInMemory, "no sequence ended in memory")
	assert.Positive(t, rolledByWrite, "no write rolled a file over")
	assert.Positive(t, rolledOnDisk, "no sequence ended on disk")
}

// checkSpooledAgainstOs is one rapid.Check round of TestSpooledMatchesOsFile;
// it counts how the sequences ended.
func checkSpooledAgainstOs(t *testing.T, oracleDir, spoolDir string, endedInMemory, rolledByWrite, rolledOnDisk *int) {
	t.Helper()
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
					*rolledByWrite++
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
			*endedInMemory++
		default:
			*rolledOnDisk++
		}
		require.NoError(rt, want.Close())
		require.NoError(rt, got.Close())
		assert.Empty(rt, entries(rt, fsys, tmp), "spool file left after Close")
		checkClosed(rt, got, want)
	})
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
		// tempfs's invalid-argument errors match fs.ErrInvalid as well as
		// EINVAL (os's match only EINVAL): a deliberate difference.
		wantIs := errors.Is(want, class) || (class == fs.ErrInvalid && errors.Is(want, syscall.EINVAL))
		assert.Equal(t, wantIs, errors.Is(got, class), "%s: errors.Is(%v, %v), os.File: %v", op, got, class, want)
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

// TestSpooledInvalidArguments checks every bad argument in memory and on
// disk: an *fs.PathError wrapping syscall.EINVAL, no panic, no change.
func TestSpooledInvalidArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		op   string
		call func(s *tempfs.SpooledFile) error
	}{
		{"seek before start", "seek", func(s *tempfs.SpooledFile) error { _, err := s.Seek(-1, io.SeekStart); return err }},
		{"seek before start from end", "seek", func(s *tempfs.SpooledFile) error { _, err := s.Seek(-5, io.SeekEnd); return err }},
		{"seek overflow", "seek", func(s *tempfs.SpooledFile) error {
			_, err := s.Seek(1, io.SeekCurrent)
			require.NoError(t, err)
			_, err = s.Seek(1<<63-1, io.SeekCurrent)
			return err
		}},
		{"unknown whence", "seek", func(s *tempfs.SpooledFile) error { _, err := s.Seek(0, 3); return err }},
		{"readat negative", "readat", func(s *tempfs.SpooledFile) error { _, err := s.ReadAt(make([]byte, 1), -1); return err }},
		{"writeat negative", "writeat", func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("x"), -1); return err }},
		{"writeat overflow", "write", func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("xy"), 1<<63-1); return err }},
		{"truncate negative", "truncate", func(s *tempfs.SpooledFile) error { return s.Truncate(-1) }},
	}
	for _, tc := range tests {
		for _, rolled := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/rolled=%v", tc.name, rolled), func(t *testing.T) {
				t.Parallel()
				s := tempfs.NewSpooledFile(afero.NewMemMapFs(), 1<<20)
				t.Cleanup(func() { assert.NoError(t, s.Close()) })
				_, err := s.WriteString("abcd")
				require.NoError(t, err)
				if rolled {
					require.NoError(t, s.Rollover())
				}
				_, err = s.Seek(2, io.SeekStart)
				require.NoError(t, err)

				err = tc.call(s)
				require.ErrorIs(t, err, syscall.EINVAL)
				var pe *fs.PathError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tc.op, pe.Op)
				assert.Equal(t, s.Name(), pe.Path)
				assert.Equal(t, int64(4), s.Size(), "size unchanged")
				assert.Equal(t, rolled, s.Rolled())
			})
		}
	}
}

// TestSpooledRolloverFailure: a write that cannot roll over writes
// nothing, keeps the content in memory and leaves nothing on the Fs.
func TestSpooledRolloverFailure(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk on fire")
	tests := []struct {
		name string
		fsys afero.Fs
		is   error
		path string
	}{
		{"nil Fs", nil, nil, "spool-*"},
		{"read-only Fs", afero.NewReadOnlyFs(afero.NewMemMapFs()), fs.ErrPermission, "spool-*"},
		{"writes fail", &countingFs{Fs: afero.NewMemMapFs(), failWrites: errDisk}, errDisk, "/tmp/spool-"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := tempfs.NewSpooledFile(tc.fsys, 4)
			t.Cleanup(func() { assert.NoError(t, s.Close()) })
			_, err := s.WriteString("abc")
			require.NoError(t, err)

			ops := map[string]func() error{
				"Write":    func() error { _, err := s.WriteString("de"); return err },
				"Truncate": func() error { return s.Truncate(5) },
				"Rollover": s.Rollover,
			}
			for name, op := range ops {
				err := op()
				require.Error(t, err, name)
				if tc.is != nil {
					assert.ErrorIs(t, err, tc.is, name)
				}
				var pe *fs.PathError
				require.ErrorAs(t, err, &pe, name)
				assert.Equal(t, "rollover", pe.Op, name)
				assert.Contains(t, pe.Path, tc.path, name)
				assert.False(t, s.Rolled(), name)
				assert.Equal(t, int64(3), s.Size(), name)
				got, err := io.ReadAll(io.NewSectionReader(s, 0, 10))
				require.NoError(t, err)
				assert.Equal(t, "abc", string(got), name)
			}
			if tc.fsys != nil {
				assert.Empty(t, entries(t, tc.fsys, "/tmp"), "left behind")
			}
		})
	}
}

// TestSpooledDiskErrors: a failing disk after rollover is reported with the
// disk file's name and errors.Is still sees the cause.
func TestSpooledDiskErrors(t *testing.T) {
	t.Parallel()
	errDisk := errors.New("disk on fire")
	fsys := &countingFs{Fs: afero.NewMemMapFs()}
	s := tempfs.NewSpooledFile(fsys, 0)
	t.Cleanup(func() { assert.NoError(t, s.Close()) })
	require.NoError(t, s.Rollover())
	fsys.failWrites = errDisk // only files opened from now on fail
	_, err := s.WriteString("abc")
	require.NoError(t, err)

	// A second SpooledFile rolls over onto failing files.
	s2 := tempfs.NewSpooledFile(fsys, 0)
	t.Cleanup(func() { assert.NoError(t, s2.Close()) })
	require.NoError(t, s2.Rollover(), "an empty file needs no write")
	n, err := s2.Write([]byte("abc"))
	assert.Zero(t, n)
	require.ErrorIs(t, err, errDisk)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "write", pe.Op)
	assert.Equal(t, s2.Name(), pe.Path)
	assert.Zero(t, s2.Size())
}

// TestSpooledNothingLeftAfterClose rolls over on each backend and checks
// the temp dir is empty again after Close.
func TestSpooledNothingLeftAfterClose(t *testing.T) {
	osTmp := t.TempDir()
	t.Setenv("TMPDIR", osTmp) // not parallel: OsFs spools in $TMPDIR
	tests := []struct {
		name string
		fsys afero.Fs
		tmp  string
	}{
		{"MemMapFs", afero.NewMemMapFs(), "/tmp"},
		{"OsFs", afero.NewOsFs(), osTmp},
		{"BasePathFs", afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()), "/tmp"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tempfs.NewSpooledFile(tc.fsys, 16)
			_, err := s.WriteString("small")
			require.NoError(t, err)
			assert.Empty(t, entries(t, tc.fsys, tc.tmp), "file before rollover")
			_, err = s.Write(bytes.Repeat([]byte("big"), 100))
			require.NoError(t, err)
			require.True(t, s.Rolled())
			assert.Equal(t, tc.tmp, filepath.Dir(s.Name()))
			assert.Equal(t, []string{filepath.Base(s.Name())}, entries(t, tc.fsys, tc.tmp))
			fi, err := tc.fsys.Stat(s.Name())
			require.NoError(t, err)
			assert.Equal(t, int64(305), fi.Size())
			if tc.name != "MemMapFs" { // MemMapFs does not keep modes faithfully
				assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm())
			}
			require.NoError(t, s.Close())
			assert.Empty(t, entries(t, tc.fsys, tc.tmp), "left after Close")
			_, err = tc.fsys.Stat(s.Name())
			assert.ErrorIs(t, err, fs.ErrNotExist)
		})
	}
}

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
