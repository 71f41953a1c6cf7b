//go:build unix

package sftpfs_test

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestFileReadLikeOsFile: File.Read returns what os.File.Read returns, call
// by call: a short read at the end gives (n, nil) and only the next read
// (0, io.EOF), as afero's TestMemFileRead asks of every afero.File.
func TestFileReadLikeOsFile(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	const content = "abcd"
	name := filepath.Join(dir, "f")
	require.NoError(t, afero.WriteFile(fsys, name, []byte(content), 0o600))
	host := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(host, []byte(content), 0o600))

	tests := []struct {
		name  string
		seek  int64
		sizes []int // the buffer size of each Read in turn
	}{
		{"short final read", 0, []int{8, 8, 8}},
		{"exact read then end", 0, []int{4, 4}},
		{"reads across the end", 0, []int{3, 3, 3}},
		{"empty buffer at the end", 4, []int{0, 1}},
		{"from the middle", 2, []int{8, 8}},
		{"past the end", 10, []int{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := fsys.Open(name)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, f.Close()) })
			want, err := os.Open(host)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, want.Close()) })
			_, err = f.Seek(tc.seek, io.SeekStart)
			require.NoError(t, err)
			_, err = want.Seek(tc.seek, io.SeekStart)
			require.NoError(t, err)
			for i, size := range tc.sizes {
				b, wb := make([]byte, size), make([]byte, size)
				n, err := f.Read(b)
				wn, werr := want.Read(wb)
				assert.Equal(t, wn, n, "read %d: n", i)
				assert.Equal(t, werr, err, "read %d: error (os.File: %v)", i, werr)
				assert.Equal(t, string(wb[:wn]), string(b[:n]), "read %d: bytes", i)
			}
		})
	}
}
