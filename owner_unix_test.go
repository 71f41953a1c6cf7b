//go:build unix

package tempfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
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
	if os.Geteuid() != 0 {
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

// Review finding: the mode and owner are given to the temp file through
// its descriptor when it is created, so a temp name swapped for a link
// before Commit cannot make root chmod or chown a file elsewhere.
func TestAttrsNotByName(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
	dir := t.TempDir()
	secret := filepath.Join(t.TempDir(), "secret")
	require.NoError(t, os.WriteFile(secret, []byte("s"), 0o600))
	target := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o666))
	require.NoError(t, os.Chown(target, 65534, 65534))
	require.NoError(t, os.Chmod(target, 0o666))
	// The named protocol: the unnamed one has no name to swap.
	p, err := tempfs.NewPendingFile(afero.NewOsFs(), target, tempfs.NamedForTest())
	require.NoError(t, err)
	_, err = p.WriteString("new")
	require.NoError(t, err)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	swapped := 0
	for _, e := range entries {
		if tempfs.IsTempName(e.Name()) { // the directory's owner swaps it
			swapped++
			tmp := filepath.Join(dir, e.Name())
			require.NoError(t, os.Remove(tmp))
			require.NoError(t, os.Symlink(secret, tmp))
		}
	}
	require.Equal(t, 1, swapped, "the named temp file")
	_ = p.Commit()
	fi, err := os.Stat(secret)
	require.NoError(t, err)
	st := fi.Sys().(*syscall.Stat_t)
	assert.Equal(t, fs.FileMode(0o600), fi.Mode().Perm(), "the secret's mode changed")
	assert.Equal(t, []uint32{0, 0}, []uint32{st.Uid, st.Gid}, "the secret's owner changed")
}

// Review finding: in a setgid directory of another group, the temp file of
// a 0640 secret is not readable by that group while it is written.
func TestTempNotReadableByOtherGroup(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root to set groups")
	}
	dir := t.TempDir()
	require.NoError(t, os.Chown(dir, 0, 2000))
	require.NoError(t, os.Chmod(dir, 0o2775))
	target := filepath.Join(dir, "secret")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o640))
	require.NoError(t, os.Chown(target, 0, 1234))
	require.NoError(t, os.Chmod(target, 0o640))
	p, err := tempfs.NewPendingFile(afero.NewOsFs(), target, tempfs.NamedForTest())
	require.NoError(t, err)
	defer p.Cleanup()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	seen := 0
	for _, e := range entries {
		if !tempfs.IsTempName(e.Name()) {
			continue
		}
		seen++
		fi, err := os.Stat(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		if fi.Mode()&0o040 != 0 {
			assert.Equal(t, uint32(1234), st.Gid, "group-readable by group %d, not the target's", st.Gid)
		}
		assert.Zero(t, fi.Mode()&0o007, "readable by others")
	}
	require.Equal(t, 1, seen, "the named temp file")
	_, err = p.WriteString("new")
	require.NoError(t, err)
	require.NoError(t, p.Commit())
	fi, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, uint32(1234), fi.Sys().(*syscall.Stat_t).Gid)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
}
