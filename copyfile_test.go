//go:build unix

package tempfs_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// plainReader hides the *os.File behind it, forcing the generic copy.
type plainReader struct{ r io.Reader }

func (p plainReader) Read(b []byte) (int, error) { return p.r.Read(b) }

// TestWriteReaderFileSource: WriteReader from an *os.File on OsFs (which
// takes the kernel-copy path) gives the same content, and the same error
// for a failing source, as from a plain reader (the generic copy).
func TestWriteReaderFileSource(t *testing.T) {
	t.Parallel()
	fsys := afero.NewOsFs()
	dir := t.TempDir()
	data := bytes.Repeat([]byte("tempfs "), 100000)
	src := filepath.Join(dir, "src")
	require.NoError(t, os.WriteFile(src, data, 0o600))

	wrap := map[string]func(f *os.File) io.Reader{
		"file":  func(f *os.File) io.Reader { return f },
		"plain": func(f *os.File) io.Reader { return plainReader{f} },
	}
	errs := map[string]error{}
	for _, name := range []string{"file", "plain"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(src)
			require.NoError(t, err)
			defer f.Close()
			target := filepath.Join(dir, "target-"+name)
			require.NoError(t, tempfs.WriteReader(fsys, target, wrap[name](f), 0o600))
			got, err := os.ReadFile(target)
			require.NoError(t, err)
			assert.Equal(t, data, got)

			// A directory opened as the source fails to read.
			d, err := os.Open(dir)
			require.NoError(t, err)
			defer d.Close()
			bad := filepath.Join(dir, "bad-"+name)
			err = tempfs.WriteReader(fsys, bad, wrap[name](d), 0o600)
			require.Error(t, err)
			assert.True(t, errors.Is(err, syscall.EISDIR), "got %v", err)
			_, serr := os.Lstat(bad)
			assert.True(t, errors.Is(serr, os.ErrNotExist), "target not created")
			errs[name] = err
		})
	}
	require.Len(t, errs, 2)
	assert.Equal(t,
		bytes.ReplaceAll([]byte(errs["plain"].Error()), []byte("bad-plain"), []byte("bad-X")),
		bytes.ReplaceAll([]byte(errs["file"].Error()), []byte("bad-file"), []byte("bad-X")),
		"same error from the kernel-copy path as from the generic one")
}
