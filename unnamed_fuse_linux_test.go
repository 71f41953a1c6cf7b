//go:build linux

package tempfs_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// mountBindfs mounts a fresh directory with bindfs, a FUSE file system
// that refuses O_TMPFILE (EOPNOTSUPP), and returns the mount point. The
// unmount is lazy, so that a failed test holding a file open does not
// keep the mount. It
// skips where bindfs or FUSE is missing, except under CI=true, which
// installs it (.ci/install-bindfs.sh).
func mountBindfs(t *testing.T) string {
	t.Helper()
	bindfs, err := exec.LookPath("bindfs")
	if err == nil && os.Geteuid() != 0 {
		err = exec.ErrNotFound
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("bindfs (as root) not found under CI=true: %v", err)
		}
		t.Skipf("bindfs as root needed: %v", err)
	}
	src, mnt := t.TempDir(), t.TempDir()
	if out, err := exec.Command(bindfs, src, mnt).CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("bindfs: %v: %s", err, out)
		}
		t.Skipf("bindfs cannot mount here: %v: %s", err, out)
	}
	t.Cleanup(func() {
		out, err := exec.Command("fusermount", "-u", "-z", mnt).CombinedOutput()
		if err != nil {
			out2, err2 := exec.Command("umount", "-l", mnt).CombinedOutput()
			require.NoError(t, err2, "unmount %s: %s / %s", mnt, out, out2)
		}
	})
	return mnt
}

// TestUnnamedFallbackRealFs runs the writes and TempFileUnnamed on a real
// file system that refuses O_TMPFILE: the named protocol runs (a temp name
// is visible while a PendingFile is written), with the same outcomes as on
// ext4: new content after Commit, an existing target's mode kept, NoClobber
// refusing an existing target, nothing left behind; TempFileUnnamed falls
// back to a name removed at once, and nothing is left after Close.
func TestUnnamedFallbackRealFs(t *testing.T) {
	t.Parallel()
	dir := mountBindfs(t)
	for _, fsys := range []afero.Fs{afero.NewOsFs(), afero.NewBasePathFs(afero.NewOsFs(), dir)} {
		base := dir
		if _, ok := fsys.(*afero.BasePathFs); ok {
			base = "/"
		}
		t.Run(fsys.Name(), func(t *testing.T) {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "old"), []byte("old"), 0o640))
			require.NoError(t, os.Chmod(filepath.Join(dir, "old"), 0o640))
			for _, name := range []string{"old", "new"} {
				p, err := tempfs.NewPendingFile(fsys, filepath.Join(base, name))
				require.NoError(t, err)
				_, err = p.WriteString("fresh")
				require.NoError(t, err)
				temps := 0
				for _, n := range dirNames(t, dir) {
					if tempfs.IsTempName(n) {
						temps++
					}
				}
				assert.Equal(t, 1, temps, "%s: the named protocol's temp file while writing", name)
				require.NoError(t, p.Commit())
				got, err := os.ReadFile(filepath.Join(dir, name))
				require.NoError(t, err)
				assert.Equal(t, "fresh", string(got))
			}
			fi, err := os.Stat(filepath.Join(dir, "old"))
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o640), fi.Mode().Perm(), "the existing target's mode is kept")
			err = tempfs.WriteFile(fsys, filepath.Join(base, "old"), []byte("x"), 0o600, tempfs.NoClobber())
			assert.ErrorIs(t, err, os.ErrExist)
			require.NoError(t, tempfs.WriteFile(fsys, filepath.Join(base, "nc"), []byte("nc"), 0o600, tempfs.NoClobber()))

			f, err := tempfs.TempFileUnnamed(fsys, base)
			require.NoError(t, err)
			_, err = io.WriteString(f, "scratch")
			require.NoError(t, err)
			// FUSE keeps a removed open file as .fuse_hidden* until Close
			// (its hard_remove option frees the name but fails every later
			// write): no name of ours is left.
			for _, n := range dirNames(t, dir) {
				assert.False(t, tempfs.IsTempName(n), "the fallback's name %s is removed at once", n)
			}
			require.NoError(t, f.Close())
			// FUSE drops its .fuse_hidden* name when its daemon handles the
			// release, which the kernel sends after close(2) returns
			// (asynchronously): that name is FUSE's, not ours.
			var left []string
			for _, n := range dirNames(t, dir) {
				if !strings.HasPrefix(n, ".fuse_hidden") {
					left = append(left, n)
				}
			}
			assert.ElementsMatch(t, []string{"old", "new", "nc"}, left, "nothing of ours left behind")
			for _, n := range []string{"old", "new", "nc"} {
				require.NoError(t, os.Remove(filepath.Join(dir, n)))
			}
		})
	}
}
