//go:build unix

package tempfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// hostBackends are the backends on the host disk, with the host path of
// their work dir.
func hostBackends(t *testing.T) []struct {
	name string
	fsys afero.Fs
	dir  string // in fsys
	host string // on the host
} {
	osDir := t.TempDir()
	bpBase := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(bpBase, "w"), 0o755))
	root, rootHost := newRoot(t)
	return []struct {
		name string
		fsys afero.Fs
		dir  string
		host string
	}{
		{"OsFs", afero.NewOsFs(), osDir, osDir},
		{"BasePathFs(OsFs)", afero.NewBasePathFs(afero.NewOsFs(), bpBase), "/w", filepath.Join(bpBase, "w")},
		{"RootFs", root, "/", rootHost},
	}
}

// Issue 17.2: as root, rewriting a file owned by 65534:65534 keeps that
// owner (and the mode); a new file gets the writer's owner.
func TestOwnerKept(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" || os.Geteuid() != 0 {
		t.Skip("needs root on Unix to own files as 65534")
	}
	for _, b := range hostBackends(t) {
		t.Run(b.name, func(t *testing.T) {
			target := filepath.Join(b.dir, "conf")
			host := filepath.Join(b.host, "conf")
			require.NoError(t, os.WriteFile(host, []byte("old"), 0o600))
			require.NoError(t, os.Chown(host, 65534, 65534))
			owner := func() (int, int, fs.FileMode) {
				fi, err := os.Stat(host)
				require.NoError(t, err)
				st := fi.Sys().(*syscall.Stat_t)
				return int(st.Uid), int(st.Gid), fi.Mode().Perm()
			}
			require.NoError(t, tempfs.WriteFile(b.fsys, target, []byte("new"), 0o644))
			uid, gid, mode := owner()
			assert.Equal(t, []int{65534, 65534}, []int{uid, gid})
			assert.Equal(t, fs.FileMode(0o600), mode)

			require.NoError(t, tempfs.WriteFile(b.fsys, target, []byte("new"), 0o644, tempfs.WithPermissions(0o644)))
			uid, gid, mode = owner()
			assert.Equal(t, []int{65534, 65534}, []int{uid, gid})
			assert.Equal(t, 0o644&^hostUmask(t), mode)

			require.NoError(t, os.Remove(host))
			require.NoError(t, tempfs.WriteFile(b.fsys, target, []byte("new"), 0o644))
			uid, gid, _ = owner()
			assert.Equal(t, []int{os.Geteuid(), os.Getegid()}, []int{uid, gid})
		})
	}
}
