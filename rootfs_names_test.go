//go:build unix

package tempfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// hostEntries lists the names directly in dir, sorted.
func hostEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

// TestRootFsBackslashIsANameCharacter: on Unix a backslash is part of a
// name, for RootFs as for OsFs: "\x" is a file called `\x`, and "\.." is a
// legal name, not a way up.
func TestRootFsBackslashIsANameCharacter(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		do   func(fsys afero.Fs, dir string) error
		want []string // names in the host directory afterwards
	}{
		{"writefile leading backslash", func(fsys afero.Fs, dir string) error {
			return tempfs.WriteFile(fsys, filepath.Join(dir, `\x`), []byte("x"), 0o644)
		}, []string{`\x`}},
		{"writefile double backslash", func(fsys afero.Fs, dir string) error {
			return tempfs.WriteFile(fsys, filepath.Join(dir, `\\x`), []byte("x"), 0o644)
		}, []string{`\\x`}},
		{"create backslash dotdot", func(fsys afero.Fs, dir string) error {
			f, err := fsys.Create(filepath.Join(dir, `\..`))
			if err == nil {
				err = f.Close()
			}
			return err
		}, []string{`\..`}},
		{"mkdir backslash dotdot, then a file in it", func(fsys afero.Fs, dir string) error {
			if err := fsys.Mkdir(filepath.Join(dir, `\..`), 0o755); err != nil {
				return err
			}
			return tempfs.WriteFile(fsys, filepath.Join(dir, `\..`, `\..\x`), []byte("x"), 0o644)
		}, []string{`\..`}},
		{"backslash in the middle", func(fsys afero.Fs, dir string) error {
			return afero.WriteFile(fsys, filepath.Join(dir, `a\..\b`), []byte("x"), 0o644)
		}, []string{`a\..\b`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			osDir := t.TempDir()
			require.NoError(t, tc.do(afero.NewOsFs(), osDir), "OsFs")
			assert.Equal(t, tc.want, hostEntries(t, osDir), "OsFs")

			fsys, host := newRoot(t)
			require.NoError(t, tc.do(fsys, "/"), "RootFs")
			assert.Equal(t, tc.want, hostEntries(t, host), "RootFs does what OsFs does")
		})
	}
	t.Run("stat", func(t *testing.T) {
		t.Parallel()
		fsys, host := newRoot(t)
		writeHost(t, filepath.Join(host, "x"), "plain")
		_, err := fsys.Stat(`\x`)
		assert.ErrorIs(t, err, fs.ErrNotExist, `"\x" is not "x"`)
		_, err = fsys.Stat(`\..`)
		assert.ErrorIs(t, err, fs.ErrNotExist, `"\.." is a missing name, not an escape`)
	})
}

// TestRootFsDotDotOneRule: ".." above the root is refused with ErrEscapes
// however the name is spelled, with or without a leading separator; none
// is clamped to the root.
func TestRootFsDotDotOneRule(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, fsys.MkdirAll("/a/b", 0o755))
	writeHost(t, filepath.Join(host, "etc", "passwd"), "inside")
	names := []string{
		"../../etc/passwd", "/../../etc/passwd", "/../etc/passwd", "//../etc/passwd",
		"..", "/..", "/./..", "/a/../..", "a/../../etc/passwd", "/a/b/../../../etc/passwd",
	}
	ops := map[string]func(name string) error{
		"open":      func(name string) error { return errOf(fsys.Open(name)) },
		"stat":      func(name string) error { return errOf(fsys.Stat(name)) },
		"create":    func(name string) error { return errOf(fsys.Create(name + "/new")) },
		"mkdir":     func(name string) error { return fsys.Mkdir(name+"/made", 0o755) },
		"remove":    func(name string) error { return fsys.Remove(name) },
		"writefile": func(name string) error { return tempfs.WriteFile(fsys, name+"/w", []byte("x"), 0o644) },
	}
	for _, name := range names {
		for opName, op := range ops {
			t.Run(opName+" "+name, func(t *testing.T) {
				err := op(name)
				assert.ErrorIs(t, err, tempfs.ErrEscapes)
				assertVirtual(t, err, host)
			})
		}
	}
	assert.Equal(t, []string{"a", "etc"}, hostEntries(t, host), "nothing created")
}

// TestRootFsDotDotAfterLink: ".." after a link is the link target's
// parent, as the kernel resolves it for OsFs, never the text before it.
func TestRootFsDotDotAfterLink(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	writeHost(t, filepath.Join(host, "deep", "er", "x"), "in er")
	writeHost(t, filepath.Join(host, "deep", "x"), "in deep")
	writeHost(t, filepath.Join(host, "x"), "at the root")
	require.NoError(t, os.Mkdir(filepath.Join(host, "sub"), 0o755))
	require.NoError(t, os.Symlink("../deep/er", filepath.Join(host, "sub", "l")))

	osData, err := os.ReadFile(host + "/sub/l/../x") // not filepath.Join, which cleans
	require.NoError(t, err)
	require.Equal(t, "in deep", string(osData), "the kernel's answer")
	data, err := afero.ReadFile(fsys, "/sub/l/../x")
	require.NoError(t, err)
	assert.Equal(t, string(osData), string(data), "RootFs resolves as the kernel does")
}

// TestRootFsTrailingSlash: a trailing separator after a file's name is
// ENOTDIR, as for OsFs (it used to be cleaned away).
func TestRootFsTrailingSlash(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	writeHost(t, filepath.Join(host, "f"), "x")
	_, osErr := os.Stat(host + "/f/")
	require.Error(t, osErr, "the kernel's answer")
	_, err := fsys.Stat("/f/")
	assert.ErrorIs(t, err, syscall.ENOTDIR)
	assert.ErrorIs(t, osErr, syscall.ENOTDIR)
	_, err = fsys.Open("f/")
	assert.ErrorIs(t, err, syscall.ENOTDIR)
}
