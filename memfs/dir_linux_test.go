//go:build linux

package memfs_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// readdirCall is one call of a directory-listing method and what it gave.
type readdirCall struct {
	names []string // nil if the method returned a nil slice
	isNil bool
	err   error
}

// listWith calls api(n) on h: "Readdirnames", "Readdir" or "ReadDir".
func listWith(t *testing.T, h afero.File, api string, n int) readdirCall {
	t.Helper()
	var c readdirCall
	switch api {
	case "Readdirnames":
		names, err := h.Readdirnames(n)
		c = readdirCall{names: names, isNil: names == nil, err: err}
	case "Readdir":
		fis, err := h.Readdir(n)
		c = readdirCall{isNil: fis == nil, err: err}
		for _, fi := range fis {
			c.names = append(c.names, fi.Name())
		}
	case "ReadDir":
		rd, ok := h.(fs.ReadDirFile)
		require.True(t, ok, "%T has ReadDir", h)
		des, err := rd.ReadDir(n)
		c = readdirCall{isNil: des == nil, err: err}
		for _, de := range des {
			c.names = append(c.names, de.Name())
		}
	default:
		t.Fatalf("unknown api %q", api)
	}
	return c
}

// TestReaddirEdgesAsOs runs the listing methods on both os (a temp dir on
// disk) and memfs in the cases at the edges: an empty directory, a closed
// handle, a handle of a regular file, a handle of a directory removed
// (Remove, RemoveAll of it or of its parent) since it was opened. Both must
// agree on the names, on whether the slice is nil (os never returns a nil
// slice, even with an error), on io.EOF, and on the errno.
func TestReaddirEdgesAsOs(t *testing.T) {
	type setup func(t *testing.T, fsys afero.Fs, root string) afero.File
	open := func(t *testing.T, fsys afero.Fs, name string) afero.File {
		t.Helper()
		h, err := fsys.Open(name)
		require.NoError(t, err)
		t.Cleanup(func() { _ = h.Close() })
		return h
	}
	cases := []struct {
		name  string
		setup setup
	}{
		{"empty directory", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.Mkdir(filepath.Join(root, "d"), 0o755))
			return open(t, fsys, filepath.Join(root, "d"))
		}},
		{"closed handle", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.Mkdir(filepath.Join(root, "d"), 0o755))
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(root, "d", "a"), nil, 0o644))
			h, err := fsys.Open(filepath.Join(root, "d"))
			require.NoError(t, err)
			require.NoError(t, h.Close())
			return h
		}},
		{"regular file", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(root, "f"), []byte("x"), 0o644))
			return open(t, fsys, filepath.Join(root, "f"))
		}},
		{"directory removed", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.Mkdir(filepath.Join(root, "d"), 0o755))
			h := open(t, fsys, filepath.Join(root, "d"))
			require.NoError(t, fsys.Remove(filepath.Join(root, "d")))
			return h
		}},
		{"directory removed with RemoveAll", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.MkdirAll(filepath.Join(root, "d", "sub"), 0o755))
			for _, n := range []string{"a", "b", "sub/c"} {
				require.NoError(t, afero.WriteFile(fsys, filepath.Join(root, "d", n), nil, 0o644))
			}
			h := open(t, fsys, filepath.Join(root, "d"))
			require.NoError(t, fsys.RemoveAll(filepath.Join(root, "d")))
			return h
		}},
		{"subdirectory of a tree removed with RemoveAll", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.MkdirAll(filepath.Join(root, "d", "sub"), 0o755))
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(root, "d", "sub", "c"), nil, 0o644))
			h := open(t, fsys, filepath.Join(root, "d", "sub"))
			require.NoError(t, fsys.RemoveAll(filepath.Join(root, "d")))
			return h
		}},
		{"directory renamed", func(t *testing.T, fsys afero.Fs, root string) afero.File {
			require.NoError(t, fsys.Mkdir(filepath.Join(root, "d"), 0o755))
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(root, "d", "a"), nil, 0o644))
			h := open(t, fsys, filepath.Join(root, "d"))
			require.NoError(t, fsys.Rename(filepath.Join(root, "d"), filepath.Join(root, "e")))
			return h
		}},
	}
	// Each sequence of counts is one handle's calls.
	seqs := [][]int{{-1, -1, 1}, {0}, {1, 1, 1, 0}, {5, 5}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, api := range []string{"Readdirnames", "Readdir", "ReadDir"} {
				for _, seq := range seqs {
					osH := tc.setup(t, afero.NewOsFs(), t.TempDir())
					m := memfs.New()
					require.NoError(t, m.Mkdir("/w", 0o755))
					memH := tc.setup(t, m, "/w")
					for i, n := range seq {
						compareListing(t, fmt.Sprintf("%s(%d), call %d of %v", api, n, i+1, seq),
							listWith(t, osH, api, n), listWith(t, memH, api, n))
					}
				}
			}
		})
	}
}

// compareListing checks that memfs's call (got) gave what os's (want) did.
func compareListing(t *testing.T, what string, want, got readdirCall) {
	t.Helper()
	assert.Equal(t, want.names, got.names, "%s: names", what)
	assert.Equal(t, want.isNil, got.isNil, "%s: nil slice (os never returns one)", what)
	assert.Equal(t, want.err == nil, got.err == nil, "%s: error: os %v, memfs %v", what, want.err, got.err)
	assert.Equal(t, errors.Is(want.err, io.EOF), errors.Is(got.err, io.EOF), "%s: io.EOF: os %v, memfs %v", what, want.err, got.err)
	var wantErrno, gotErrno syscall.Errno
	if errors.As(want.err, &wantErrno) && assert.ErrorAs(t, got.err, &gotErrno, "%s: os gave %v", what, want.err) {
		assert.Equal(t, wantErrno, gotErrno, "%s: errno", what)
	}
	var pe *fs.PathError
	if errors.As(want.err, &pe) {
		wantOp := pe.Op
		if assert.ErrorAs(t, got.err, &pe, "%s", what) {
			assert.Equal(t, wantOp, pe.Op, "%s: op", what)
		}
	}
}

// TestRemovedDirectoryLinksAsOs checks the link count an open handle of a
// removed directory reports: 0 on Linux (rmdir clears it), whether the
// directory went by Remove, by RemoveAll, or with the tree above it.
func TestRemovedDirectoryLinksAsOs(t *testing.T) {
	nlinkOf := func(t *testing.T, h afero.File) uint64 {
		t.Helper()
		fi, err := h.Stat()
		require.NoError(t, err)
		st, ok := fi.Sys().(*syscall.Stat_t)
		require.True(t, ok, "Sys is a *syscall.Stat_t")
		return uint64(st.Nlink)
	}
	cases := []struct {
		name   string
		open   string // the directory whose handle is kept
		remove func(fsys afero.Fs, root string) error
	}{
		{"Remove", "d", func(fsys afero.Fs, root string) error { return fsys.Remove(filepath.Join(root, "d")) }},
		{"RemoveAll", "d", func(fsys afero.Fs, root string) error { return fsys.RemoveAll(filepath.Join(root, "d")) }},
		{"RemoveAll of the parent", "p/d", func(fsys afero.Fs, root string) error { return fsys.RemoveAll(filepath.Join(root, "p")) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			run := func(fsys afero.Fs, root string) uint64 {
				require.NoError(t, fsys.MkdirAll(filepath.Join(root, tc.open), 0o755))
				h, err := fsys.Open(filepath.Join(root, tc.open))
				require.NoError(t, err)
				t.Cleanup(func() { _ = h.Close() })
				require.NoError(t, tc.remove(fsys, root))
				return nlinkOf(t, h)
			}
			m := memfs.New()
			require.NoError(t, m.Mkdir("/w", 0o755))
			want := run(afero.NewOsFs(), t.TempDir())
			assert.Equal(t, uint64(0), want, "os")
			assert.Equal(t, want, run(m, "/w"), "memfs")
		})
	}
}
