//go:build linux

package memfs_test

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// renameTree is the tree every case of TestRenameMatchesOs starts from: a
// file, an empty and a full directory, and links to each kind, a dangling
// one and a loop.
func renameTree(t *testing.T, fsys afero.Fs, root string) {
	t.Helper()
	l, ok := fsys.(afero.Linker)
	require.True(t, ok)
	require.NoError(t, fsys.Mkdir(root, 0o755))
	require.NoError(t, afero.WriteFile(fsys, root+"/f", []byte("f"), 0o644))
	require.NoError(t, afero.WriteFile(fsys, root+"/g", []byte("g"), 0o644))
	require.NoError(t, fsys.Mkdir(root+"/d", 0o755))
	require.NoError(t, fsys.Mkdir(root+"/e", 0o755))
	require.NoError(t, afero.WriteFile(fsys, root+"/e/x", []byte("x"), 0o644))
	for name, target := range map[string]string{"lf": "f", "ld": "d", "le": "e", "ldang": "missing", "lloop": "lloop"} {
		require.NoError(t, l.SymlinkIfPossible(target, root+"/"+name))
	}
}

// renameState is what a rename leaves: every name of the tree, lstat'd.
func renameState(fsys afero.Fs, root string) string {
	out := ""
	for _, n := range []string{"f", "g", "d", "e", "e/x", "lf", "ld", "le", "ldang", "lloop", "new", "d/f", "d/lf", "e/f"} {
		fi, _, err := fsys.(afero.Lstater).LstatIfPossible(root + "/" + n)
		if err != nil {
			continue
		}
		out += fmt.Sprintf("%s:%v:%d ", n, fi.Mode().Type(), fi.Size())
	}
	return out
}

func renameErrno(err error) string {
	if err == nil {
		return "nil"
	}
	var errno syscall.Errno
	le, ok := err.(*os.LinkError)
	if !ok {
		return fmt.Sprintf("%T %v", err, err)
	}
	if e, ok := le.Err.(syscall.Errno); ok {
		errno = e
	}
	return le.Op + "/" + errno.Error()
}

// TestRenameMatchesOs: Rename, for every pair of a table of names with and
// without trailing slashes, links as the last component (to a file, a
// directory, nothing, themselves) and directories, gives the error os.Rename
// gives on Linux and leaves the same tree (newname looked up once where it
// has no trailing slash, twice where it has one). Under -short, fewer old
// names. (Fails with the second lookup of a newname ending in a slash
// removed: f->lloop/, d->ld/, d->ldang/, ...)
func TestRenameMatchesOs(t *testing.T) {
	names := []string{"f", "g", "d", "e", "lf", "ld", "le", "ldang", "lloop", "missing", "new",
		"f/", "d/", "e/", "lf/", "ld/", "le/", "ldang/", "lloop/", "missing/", "new/", "d//", "ld//", "d/f", "d/lf/", "d/.", "ld/.", "e/.."}
	olds := names
	if testing.Short() {
		olds = []string{"f", "d", "lf", "ld", "ldang", "missing", "d/", "ld/"}
	}
	base := t.TempDir()
	i := 0
	for _, oldname := range olds {
		for _, newname := range names {
			i++
			t.Run(fmt.Sprintf("%s->%s", oldname, newname), func(t *testing.T) {
				disk, mem := afero.NewOsFs(), memfs.NewWith(memfs.Options{Umask: 0o022, Root: true})
				droot, mroot := filepath.Join(base, fmt.Sprint(i)), "/w"
				renameTree(t, disk, droot)
				renameTree(t, mem, mroot)
				want := renameErrno(disk.Rename(droot+"/"+oldname, droot+"/"+newname))
				got := renameErrno(mem.Rename(mroot+"/"+oldname, mroot+"/"+newname))
				assert.Equal(t, want, got, "error")
				assert.Equal(t, renameState(disk, droot), renameState(mem, mroot), "tree after")
			})
		}
	}
}
