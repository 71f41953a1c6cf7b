//go:build unix

package tempfs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestBasePathFsGuard: tempfs refuses names that afero's BasePathFs would
// resolve outside its base, by prefix or through a symbolic link, with
// ErrEscapes and the caller's path, and touches nothing outside.
func TestBasePathFsGuard(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	base := filepath.Join(parent, "001")
	sibling := filepath.Join(parent, "0012")
	for _, d := range []string{base, sibling, filepath.Join(base, "sub")} {
		require.NoError(t, os.Mkdir(d, 0o700))
	}
	require.NoError(t, os.WriteFile(filepath.Join(sibling, "victim"), []byte("outside"), 0o600))
	require.NoError(t, os.Symlink(parent, filepath.Join(base, "esc")))        // absolute, out
	require.NoError(t, os.Symlink("../..", filepath.Join(base, "sub", "up"))) // relative, out
	require.NoError(t, os.Symlink("esc", filepath.Join(base, "chain")))       // link to link
	require.NoError(t, os.Symlink("sub", filepath.Join(base, "fine")))        // stays inside
	bp := afero.NewBasePathFs(afero.NewOsFs(), base)

	for _, dir := range []string{"../0012", "/../0012", "/sub/../../0012", "/esc/0012", "/sub/up/0012", "/chain/0012"} {
		t.Run(dir, func(t *testing.T) {
			calls := map[string]func() error{
				"CreateTemp": func() error { _, err := tempfs.CreateTemp(bp, dir, "x*"); return err },
				"MkdirTemp":  func() error { _, err := tempfs.MkdirTemp(bp, dir, "x*"); return err },
				"WriteFile": func() error {
					return tempfs.WriteFile(bp, dir+"/victim", []byte("pwned"), 0o600)
				},
				"WriteReader": func() error {
					return tempfs.WriteReader(bp, dir+"/new", strings.NewReader("pwned"), 0o600)
				},
				"RemoveAll": func() error { return tempfs.RemoveAll(bp, dir+"/victim") },
				"Sweep":     func() error { _, err := tempfs.Sweep(bp, dir, 0); return err },
			}
			for name, call := range calls {
				err := call()
				require.Error(t, err, name)
				assert.ErrorIs(t, err, tempfs.ErrEscapes, name)
				assert.ErrorIs(t, err, fs.ErrPermission, name)
				var pe *fs.PathError
				if assert.ErrorAs(t, err, &pe, name) {
					assert.True(t, strings.HasPrefix(pe.Path, dir), "%s: path %q is not the caller's", name, pe.Path)
				}
				assert.NotContains(t, err.Error(), parent, name)
			}
			entries, err := os.ReadDir(sibling)
			require.NoError(t, err)
			assert.Len(t, entries, 1, "something was created outside the base")
			got, err := os.ReadFile(filepath.Join(sibling, "victim"))
			require.NoError(t, err)
			assert.True(t, bytes.Equal([]byte("outside"), got))
		})
	}

	t.Run("links that stay inside work", func(t *testing.T) {
		f, err := tempfs.CreateTemp(bp, "/fine", "ok-*")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.True(t, strings.HasPrefix(f.Name(), "/fine/ok-"), f.Name())
		require.NoError(t, tempfs.WriteFile(bp, "/fine/data", []byte("in"), 0o600))
		got, err := os.ReadFile(filepath.Join(base, "sub", "data"))
		require.NoError(t, err)
		assert.Equal(t, "in", string(got))
	})
	t.Run("empty dir is the sandbox's /tmp", func(t *testing.T) {
		d, err := tempfs.MkdirTemp(bp, "", "tmp-*")
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(d, "/tmp/tmp-"), d)
		fi, err := os.Stat(filepath.Join(base, d))
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	})
}

// TestBasePathFsFileErrors: the files tempfs hands out on a BasePathFs
// show virtual names in their errors, not the host path.
func TestBasePathFsFileErrors(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	bp := afero.NewBasePathFs(afero.NewOsFs(), base)
	f, err := tempfs.NewFile(bp, "", "handle-*")
	require.NoError(t, err)
	raw, err := tempfs.CreateTemp(bp, "", "raw-*")
	require.NoError(t, err)
	defer bp.Remove(raw.Name())
	for _, file := range []afero.File{f, raw} {
		require.NoError(t, file.Close())
		_, werr := file.Write([]byte("x"))
		_, serr := file.Stat()
		_, rerr := file.Seek(0, 0)
		for _, err := range []error{werr, serr, rerr, file.Sync(), file.Truncate(0)} {
			require.Error(t, err)
			assert.ErrorIs(t, err, fs.ErrClosed)
			assert.NotContains(t, err.Error(), base)
			assert.Contains(t, err.Error(), file.Name())
		}
	}
}

// TestBasePathFsFollowSymlinks: FollowSymlinks on a BasePathFs follows
// links as the host OS does and refuses a chain that ends outside.
func TestBasePathFsFollowSymlinks(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	base := filepath.Join(parent, "001")
	outside := filepath.Join(parent, "outside")
	for _, d := range []string{base, outside, filepath.Join(base, "sub")} {
		require.NoError(t, os.Mkdir(d, 0o700))
	}
	require.NoError(t, os.Symlink(outside, filepath.Join(base, "sub", "esc")))
	require.NoError(t, os.Symlink("sub/esc/x", filepath.Join(base, "link")))    // chain out
	require.NoError(t, os.Symlink("../../x", filepath.Join(base, "sub", "up"))) // relative, out
	require.NoError(t, os.Symlink("sub/real", filepath.Join(base, "inside")))   // stays in
	require.NoError(t, os.WriteFile(filepath.Join(base, "sub", "real"), []byte("old"), 0o600))
	bp := afero.NewBasePathFs(afero.NewOsFs(), base)

	for _, name := range []string{"/link", "/sub/up"} {
		err := tempfs.WriteFile(bp, name, []byte("ESCAPED"), 0o644, tempfs.FollowSymlinks())
		assert.ErrorIs(t, err, tempfs.ErrEscapes, name)
		if err != nil {
			assert.NotContains(t, err.Error(), parent, name)
		}
	}
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries, "written outside the base")
	_, err = os.Stat(filepath.Join(parent, "x"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "written outside the base")

	require.NoError(t, tempfs.WriteFile(bp, "/inside", []byte("new"), 0o644, tempfs.FollowSymlinks()))
	got, err := os.ReadFile(filepath.Join(base, "sub", "real"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
	fi, err := os.Lstat(filepath.Join(base, "inside"))
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "the link was replaced")
}

// TestBasePathFsGuardLinkDotDot: an absolute link target with ".." after
// another link is walked as the OS walks it (follow, then go up), not
// cleaned as text.
func TestBasePathFsGuardLinkDotDot(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	base := filepath.Join(parent, "001")
	deep := filepath.Join(parent, "outside", "deep")
	require.NoError(t, os.MkdirAll(deep, 0o700))
	require.NoError(t, os.Mkdir(base, 0o700))
	victim := filepath.Join(parent, "outside", "victim")
	require.NoError(t, os.WriteFile(victim, []byte("outside"), 0o600))
	require.NoError(t, os.Symlink(deep, filepath.Join(base, "l2")))
	// As text, <base>/l2/.. is <base>; the OS reaches <parent>/outside.
	require.NoError(t, os.Symlink(filepath.Join(base, "l2")+"/..", filepath.Join(base, "a")))
	bp := afero.NewBasePathFs(afero.NewOsFs(), base)

	calls := map[string]func() error{
		"CreateTemp": func() error { _, err := tempfs.CreateTemp(bp, "/a", "x*"); return err },
		"MkdirTemp":  func() error { _, err := tempfs.MkdirTemp(bp, "/a", "x*"); return err },
		"WriteFile":  func() error { return tempfs.WriteFile(bp, "/a/target", []byte("x"), 0o600) },
		"RemoveAll":  func() error { return tempfs.RemoveAll(bp, "/a/victim") },
		"Sweep":      func() error { _, err := tempfs.Sweep(bp, "/a", 0); return err },
	}
	for name, call := range calls {
		err := call()
		assert.ErrorIs(t, err, tempfs.ErrEscapes, name)
	}
	entries, err := os.ReadDir(filepath.Join(parent, "outside"))
	require.NoError(t, err)
	assert.Len(t, entries, 2, "something was created or removed outside the base")
	got, err := os.ReadFile(victim)
	require.NoError(t, err)
	assert.Equal(t, "outside", string(got))
}

// TestBasePathFsGuardNested: in a BasePathFs over another BasePathFs, link
// targets are host paths that the outer base cannot place: absolute ones
// are refused.
func TestBasePathFsGuardNested(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	innerBase := filepath.Join(parent, "inner")
	outside := filepath.Join(parent, "outside")
	require.NoError(t, os.MkdirAll(filepath.Join(innerBase, "tmp"), 0o700))
	require.NoError(t, os.Mkdir(outside, 0o700))
	// The link's target starts with "/tmp", the outer base as a string.
	evil := filepath.Join("/tmp", "tempfs-nested-"+filepath.Base(parent))
	require.NoError(t, os.Symlink(outside, evil))
	t.Cleanup(func() { os.Remove(evil) })
	require.NoError(t, os.Symlink(evil, filepath.Join(innerBase, "tmp", "l")))
	outer := afero.NewBasePathFs(afero.NewBasePathFs(afero.NewOsFs(), innerBase), "/tmp")

	err := tempfs.WriteFile(outer, "/l/x", []byte("ESCAPED"), 0o600)
	assert.ErrorIs(t, err, tempfs.ErrEscapes)
	entries, err := os.ReadDir(outside)
	require.NoError(t, err)
	assert.Empty(t, entries, "written outside the sandbox")
}

// TestBasePathFsCommitErrorVirtual: the error of a Commit after a failed
// write shows no host path.
func TestBasePathFsCommitErrorVirtual(t *testing.T) {
	t.Parallel()
	base := t.TempDir()
	ffs := tempfstest.NewFaultFs(afero.NewOsFs())
	bp := afero.NewBasePathFs(ffs, base)
	p, err := tempfs.NewPendingFile(bp, "/t")
	require.NoError(t, err)
	defer p.Cleanup()
	boom := errors.New("no space left")
	ffs.FailWhen(func(c tempfstest.Call) bool { return c.Op == "write" }, boom)
	_, err = p.Write([]byte("x"))
	require.ErrorIs(t, err, boom)
	assert.NotContains(t, err.Error(), base)
	err = p.Commit()
	require.ErrorIs(t, err, boom)
	assert.NotContains(t, err.Error(), base)
}
