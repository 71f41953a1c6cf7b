package tempfs_test

import (
	"bytes"
	"errors"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestNilAndZeroValues: a nil Fs, nil function, zero handle or nil
// *SpooledFile gives an error wrapping fs.ErrInvalid, never a panic.
func TestNilAndZeroValues(t *testing.T) {
	t.Parallel()
	var p tempfs.PendingFile
	var f tempfs.File
	var s *tempfs.SpooledFile
	calls := map[string]func() error{
		"TempDir":        func() error { _, err := tempfs.TempDir(nil); return err },
		"CreateTemp":     func() error { _, err := tempfs.CreateTemp(nil, "", "x"); return err },
		"MkdirTemp":      func() error { _, err := tempfs.MkdirTemp(nil, "", "x"); return err },
		"NewFile":        func() error { _, err := tempfs.NewFile(nil, "", "x"); return err },
		"NewDir":         func() error { _, err := tempfs.NewDir(nil, "", "x"); return err },
		"RemoveAll":      func() error { return tempfs.RemoveAll(nil, "/x") },
		"WithTempDir":    func() error { return tempfs.WithTempDir(nil, "x", func(string) error { return nil }) },
		"WithTempFile":   func() error { return tempfs.WithTempFile(nil, "x", func(afero.File) error { return nil }) },
		"WriteFile":      func() error { return tempfs.WriteFile(nil, "/x", nil, 0o600) },
		"WriteReader":    func() error { return tempfs.WriteReader(nil, "/x", strings.NewReader(""), 0o600) },
		"NewPendingFile": func() error { _, err := tempfs.NewPendingFile(nil, "/x"); return err },
		"Sweep":          func() error { _, err := tempfs.Sweep(nil, "/x", 0); return err },
		"zero PendingFile Write": func() error {
			_, err := p.Write([]byte("x"))
			return err
		},
		"zero PendingFile Commit":  p.Commit,
		"zero PendingFile Cleanup": p.Cleanup,
		"zero File Close":          f.Close,
		"zero File Persist":        func() error { return f.Persist("/x") },
		"nil SpooledFile Write": func() error {
			_, err := s.Write([]byte("x"))
			return err
		},
		"nil SpooledFile Close": s.Close,
		"WriteReader nil reader": func() error {
			return tempfs.WriteReader(afero.NewMemMapFs(), "/x", nil, 0o600)
		},
		"PendingFile ReadFrom nil": func() error {
			p, err := tempfs.NewPendingFile(afero.NewMemMapFs(), "/x")
			if err != nil {
				return err
			}
			defer p.Cleanup()
			_, err = p.ReadFrom(nil)
			return err
		},
		"SpooledFile ReadFrom nil": func() error {
			_, err := tempfs.NewSpooledFile(afero.NewMemMapFs(), 10).ReadFrom(nil)
			return err
		},
		"SpooledFile WriteTo nil": func() error {
			_, err := tempfs.NewSpooledFile(afero.NewMemMapFs(), 10).WriteTo(nil)
			return err
		},
		"nil File Close": (*tempfs.File)(nil).Close,
		"nil PendingFile Name": func() error {
			if (*tempfs.PendingFile)(nil).Name() != "" {
				return errors.New("a name")
			}
			return fs.ErrInvalid
		},
		"nil SpooledFile Seek": func() error {
			_, err := s.Seek(0, io.SeekStart)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			var err error
			require.NotPanics(t, func() { err = call() })
			assert.ErrorIs(t, err, fs.ErrInvalid)
		})
	}
}

// TestPendingFileRefusesAfterFailedWrite: once a write failed, Commit does
// not replace the target with what may be partial content.
func TestPendingFileRefusesAfterFailedWrite(t *testing.T) {
	t.Parallel()
	mem := afero.NewMemMapFs()
	require.NoError(t, afero.WriteFile(mem, "/t", []byte("old"), 0o600))
	ffs := tempfstest.NewFaultFs(mem)
	boom := errors.New("disk full")
	p, err := tempfs.NewPendingFile(ffs, "/t")
	require.NoError(t, err)
	defer p.Cleanup()
	_, err = p.Write([]byte("first"))
	require.NoError(t, err)
	ffs.FailWhen(func(c tempfstest.Call) bool { return c.Op == "write" }, boom)
	_, err = p.Write([]byte("second"))
	require.ErrorIs(t, err, boom)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "write", pe.Op)
	assert.Equal(t, "/t", pe.Path)

	err = p.Commit()
	require.ErrorIs(t, err, boom)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "commit", pe.Op)
	got, rerr := afero.ReadFile(mem, "/t")
	require.NoError(t, rerr)
	assert.Equal(t, "old", string(got))
	tempfstest.AssertNoTempFiles(t, mem, "/")
}

// TestReaderErrorKeptWhole: an error of the reader (here an *fs.PathError
// of another file) comes back whole, so errors.Is finds it and its path
// is not lost.
func TestReaderErrorKeptWhole(t *testing.T) {
	t.Parallel()
	mem := afero.NewMemMapFs()
	srcErr := &fs.PathError{Op: "read", Path: "/source", Err: fs.ErrPermission}
	r := io.MultiReader(bytes.NewReader([]byte("partial")), errReader{srcErr})
	err := tempfs.WriteReader(mem, "/t", r, 0o600)
	require.ErrorIs(t, err, srcErr)
	assert.Contains(t, err.Error(), "/source")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/t", pe.Path)

	p, err := tempfs.NewPendingFile(mem, "/u")
	require.NoError(t, err)
	defer p.Cleanup()
	_, err = p.ReadFrom(errReader{srcErr})
	require.ErrorIs(t, err, srcErr)
	assert.Contains(t, err.Error(), "/source")
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

// TestPersistName: after Persist the handle names the target.
func TestPersistName(t *testing.T) {
	t.Parallel()
	mem := afero.NewMemMapFs()
	require.NoError(t, mem.MkdirAll("/d", 0o755))
	f, err := tempfs.NewFile(mem, "/d", "p-*")
	require.NoError(t, err)
	require.NoError(t, f.Persist("/d/final"))
	assert.Equal(t, "/d/final", f.Name())
	require.NoError(t, f.Close())
	_, err = mem.Stat("/d/final")
	assert.NoError(t, err, "Close after Persist removed the target")
}
