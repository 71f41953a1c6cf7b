package tempfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

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
