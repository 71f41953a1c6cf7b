//go:build unix

package tempfs_test

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs"
)

// resolveHost resolves the absolute host path p as `realpath -m` does:
// links are followed one element at a time, ".." after a link is the
// parent of where the link led, and missing elements are taken as they
// are. It returns false for a loop of links.
func resolveHost(p string) (string, bool) {
	parts := strings.Split(p, "/")
	resolved := "/"
	links := 0
	for len(parts) > 0 {
		c := parts[0]
		parts = parts[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			resolved = filepath.Dir(resolved)
			continue
		}
		next := filepath.Join(resolved, c)
		fi, err := os.Lstat(next)
		if err != nil || fi.Mode()&fs.ModeSymlink == 0 {
			resolved = next
			continue
		}
		if links++; links > 40 {
			return "", false
		}
		target, err := os.Readlink(next)
		if err != nil {
			return "", false
		}
		if filepath.IsAbs(target) {
			resolved = "/"
		}
		parts = append(strings.Split(target, "/"), parts...)
	}
	return resolved, true
}

// checker is what both *testing.T and *rapid.T offer.
type checker interface {
	Helper()
	require.TestingT
}

// hostLinks returns every symbolic link under host (not following links).
func hostLinks(t checker, host string) []string {
	t.Helper()
	var links []string
	err := filepath.WalkDir(host, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type()&fs.ModeSymlink != 0 {
			links = append(links, p)
		}
		return nil
	})
	require.NoError(t, err)
	return links
}

func inside(host, p string) bool {
	return p == host || strings.HasPrefix(p, host+"/")
}

// linksOutside reports the links under host that resolve (as realpath -m
// and, where the target exists, filepath.EvalSymlinks do) outside it.
func linksOutside(t checker, host string) []string {
	t.Helper()
	var out []string
	for _, l := range hostLinks(t, host) {
		if r, ok := resolveHost(l); ok && !inside(host, r) {
			out = append(out, l+" -> "+r)
		}
		if r, err := filepath.EvalSymlinks(l); err == nil && !inside(host, r) {
			out = append(out, l+" -> "+r+" (EvalSymlinks)")
		}
	}
	return out
}

// realpathOutside asks the host's realpath -m about every link under host.
func realpathOutside(t *testing.T, realpath, host string) []string {
	t.Helper()
	links := hostLinks(t, host)
	if len(links) == 0 {
		return nil
	}
	// realpath -m never returns on a chain of links that grows as it is
	// followed (a/b -> y, a/y -> b/c): the steps avoid such chains, and a
	// timeout turns a hang into a failure.
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, realpath, append([]string{"-m", "--"}, links...)...).Output()
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	require.Len(t, lines, len(links))
	var bad []string
	for i, r := range lines {
		if !inside(host, r) {
			bad = append(bad, links[i]+" -> "+r)
		}
	}
	return bad
}

// TestRootFsLinksNeverLeadOut runs the link shapes of issue 19 through
// RootFs, then changes the tree under them through RootFs (a real
// directory on a target's path replaced by a link, links renamed and
// hard-linked elsewhere): after every step, no link under the root
// resolves outside it, by the host's realpath or by our own resolver.
func TestRootFsLinksNeverLeadOut(t *testing.T) {
	t.Parallel()
	realpath, err := exec.LookPath("realpath")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("realpath not found under CI=true (.ci/install-archive-tools.sh): %v", err)
		}
		t.Skipf("realpath not installed: %v", err)
	}
	parent := t.TempDir()
	host := filepath.Join(parent, "root")
	require.NoError(t, os.Mkdir(host, 0o755))
	writeHost(t, filepath.Join(parent, "outside", "secret"), sentinel)
	fsys, err := tempfs.OpenRoot(host)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, fsys.Close()) })

	type step struct {
		name    string
		do      func() error
		refused bool // the step must fail with ErrEscapes (or ELOOP)
	}
	symlink := func(target, link string) func() error {
		return func() error { return fsys.SymlinkIfPossible(target, link) }
	}
	steps := []step{
		{"mkdir subdir", func() error { return fsys.MkdirAll("/subdir", 0o755) }, false},
		{"cur -> .", symlink(".", "/cur"), false},
		{"par -> cur/..", symlink("cur/..", "/par"), false},
		{"subdir/parent -> ..", symlink("..", "/subdir/parent"), true},
		{"escape -> subdir/parent/..", symlink("subdir/parent/..", "/escape"), false},
		{"deep dirs", func() error { return fsys.MkdirAll("/a/b/c", 0o755) }, false},
		{"x -> a/b/..", symlink("a/b/..", "/x"), false},
		{"x2 -> a/b/c/../..", symlink("a/b/c/../..", "/x2"), false},
		{"a/y -> b/c", symlink("b/c", "/a/y"), false},
		{"real dir a/b replaced by a link to .", func() error {
			if err := fsys.RemoveAll("/a/b"); err != nil {
				return err
			}
			return fsys.SymlinkIfPossible(".", "/a/b")
		}, false},
		{"a/z -> b/b/b/y", symlink("b/b/b/y", "/a/z"), false},
		{"a/w -> b/../..", symlink("b/../..", "/a/w"), true},
		{"d1/d2/s -> sub", func() error {
			if err := fsys.MkdirAll("/d1/d2/sub", 0o755); err != nil {
				return err
			}
			return fsys.SymlinkIfPossible("sub", "/d1/d2/s")
		}, false},
		{"d1/d2/up -> ../..", symlink("../..", "/d1/d2/up"), true},
		{"rename d1/d2 to the root", func() error { return fsys.Rename("/d1/d2", "/d2") }, false},
		{"rename the link d2/s to the root", func() error { return fsys.Rename("/d2/s", "/s") }, false},
		{"hard link of a link in another dir", func() error { return fsys.Link("/a/y", "/subdir/hy") }, false},
		{"real dir subdir replaced by a link to cur", func() error {
			if err := fsys.RemoveAll("/subdir"); err != nil {
				return err
			}
			return fsys.SymlinkIfPossible("cur", "/subdir")
		}, false},
		{"tmp -> /tmp", symlink("/tmp", "/tmp"), true},
		{"rootlink -> /", symlink("/", "/rootlink"), false},
		{"a/up -> /", symlink("/", "/a/up"), true},
		{"abs -> host parent, virtual", symlink(parent, "/abs"), false},
		{"abs2 -> /../outside", symlink("/../outside", "/abs2"), true},
		{"chain -> rootlink/par/cur/x", symlink("rootlink/par/cur/x", "/chain"), false},
		{"a/b replaced again, by a link to a real dir", func() error {
			if err := fsys.Remove("/a/b"); err != nil {
				return err
			}
			if err := fsys.Mkdir("/a/real", 0o755); err != nil {
				return err
			}
			return fsys.SymlinkIfPossible("real", "/a/b")
		}, false},
	}
	for _, s := range steps {
		err := s.do()
		if s.refused {
			assert.Error(t, err, s.name)
			assert.NotErrorIs(t, err, fs.ErrNotExist, "%s: refused for its target", s.name)
		} else {
			assert.NoError(t, err, s.name)
		}
		assert.Empty(t, linksOutside(t, host), "after %q", s.name)
		assert.Empty(t, realpathOutside(t, realpath, host), "after %q (host realpath)", s.name)
	}
	assert.NotEmpty(t, hostLinks(t, host))
	_, err = os.ReadFile(filepath.Join(host, "par", "outside", "secret"))
	assert.ErrorIs(t, err, fs.ErrNotExist, "the host cannot read outside through par")
}

// TestRootFsLinksNeverLeadOutRandom: random sequences of mkdir, symlink
// (targets made of ".", "..", names and a leading "/"), rename, hard link
// and remove through RootFs; after each step no link under the root
// resolves outside it.
func TestRootFsLinksNeverLeadOutRandom(t *testing.T) {
	t.Parallel()
	// A small world, so that the shapes that matter (a link to ".", then
	// one through it with "..") come up often.
	name := rapid.SampledFrom([]string{"/a", "/b", "/a/b", "/b/a", "/a/a"})
	composed := rapid.Custom(func(t *rapid.T) string {
		n := rapid.IntRange(1, 3).Draw(t, "len")
		parts := make([]string, n)
		for i := range parts {
			parts[i] = rapid.SampledFrom([]string{"a", "b", ".", ".."}).Draw(t, "elem")
		}
		s := strings.Join(parts, "/")
		if rapid.IntRange(0, 3).Draw(t, "abs") == 0 {
			s = "/" + s
		}
		return s
	})
	target := rapid.OneOf(rapid.SampledFrom([]string{
		".", "..", "a", "b", "a/..", "b/..", "a/b/..", "a/../..", "b/a/../..", "../a", "/", "/a", "/a/..", "/..",
	}), composed)
	rapid.Check(t, func(rt *rapid.T) {
		parent, err := os.MkdirTemp("", "rootfs-links-")
		require.NoError(rt, err)
		defer os.RemoveAll(parent)
		host := filepath.Join(parent, "root")
		require.NoError(rt, os.Mkdir(host, 0o755))
		fsys, err := tempfs.OpenRoot(host)
		require.NoError(rt, err)
		defer fsys.Close()
		steps := rapid.IntRange(1, 30).Draw(rt, "steps")
		for range steps {
			switch rapid.IntRange(0, 6).Draw(rt, "op") {
			case 0:
				_ = fsys.MkdirAll(name.Draw(rt, "dir"), 0o755)
			case 1, 2, 6:
				_ = fsys.SymlinkIfPossible(target.Draw(rt, "target"), name.Draw(rt, "link"))
			case 3:
				_ = fsys.Rename(name.Draw(rt, "from"), name.Draw(rt, "to"))
			case 4:
				_ = fsys.Link(name.Draw(rt, "from"), name.Draw(rt, "to"))
			case 5:
				_ = fsys.RemoveAll(name.Draw(rt, "remove"))
			}
			if bad := linksOutside(rt, host); len(bad) > 0 {
				rt.Fatalf("links lead out of the root: %v", bad)
			}
		}
	})
}

// TestRootFsSymlinkTargets checks which link targets RootFs creates and
// what it stores: relative, clean, never above the link's directory.
func TestRootFsSymlinkTargets(t *testing.T) {
	t.Parallel()
	fsys, host := newRoot(t)
	require.NoError(t, fsys.MkdirAll("/a/b", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/a/f", []byte("F"), 0o644))
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("F"), 0o644))
	require.NoError(t, fsys.SymlinkIfPossible("a", "/la"))
	for _, tc := range []struct {
		name, target, link string
		stored             string // "" if refused
		noRead             bool   // not a readable file (dangling, or a directory)
		want               error  // the refusal
	}{
		{name: "sibling", target: "f", link: "/a/l1", stored: "f"},
		{name: "cleaned", target: "./b/../f", link: "/a/l2", stored: "f"},
		{name: "cleaned, still climbs", target: "b/../../f", link: "/a/l3", want: tempfs.ErrEscapes},
		{name: "absolute from root", target: "/a/f", link: "/l5", stored: "a/f"},
		{name: "absolute below the link", target: "/a/b/../f", link: "/a/l6", stored: "f"},
		{name: "host absolute is virtual", target: host + "/a/f", link: "/l7", stored: strings.TrimPrefix(host, "/") + "/a/f", noRead: true},
		{name: "through a linked dir, no dotdot", target: "f", link: "/la/l8", stored: "f"},
		{name: "current dir", target: ".", link: "/cur", stored: ".", noRead: true},
		{name: "parent through a link to dot", target: "cur/..", link: "/par", stored: ".", noRead: true},
		{name: "up one", target: "../f", link: "/a/b/l9", want: tempfs.ErrEscapes},
		{name: "up and down again", target: "../../a/f", link: "/a/b/l10", want: tempfs.ErrEscapes},
		{name: "absolute above the link", target: "/a/f", link: "/a/b/l11", want: tempfs.ErrEscapes},
		{name: "climbs out", target: "../../../x", link: "/a/b/l12", want: tempfs.ErrEscapes},
		{name: "climbs out from root", target: "../x", link: "/l13", want: tempfs.ErrEscapes},
		{name: "dotdot through a linked dir", target: "../a/f", link: "/la/l14", want: tempfs.ErrEscapes},
		{name: "absolute through a linked dir", target: "/a/f", link: "/la/b/l15", want: tempfs.ErrEscapes},
		{name: "absolute climbing above the root", target: "/../x", link: "/l16", want: tempfs.ErrEscapes},
		{name: "absolute names the link itself", target: "/tmp", link: "/tmp", want: syscall.ELOOP},
		{name: "absolute through the link itself", target: "/a/l17/x", link: "/a/l17", want: syscall.ELOOP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := fsys.SymlinkIfPossible(tc.target, tc.link)
			if tc.want == nil {
				require.NoError(t, err)
				got, err := fsys.ReadlinkIfPossible(tc.link)
				require.NoError(t, err)
				assert.Equal(t, tc.stored, got)
				fi, lstatCalled, err := fsys.LstatIfPossible(tc.link)
				require.NoError(t, err)
				assert.True(t, lstatCalled)
				assert.NotZero(t, fi.Mode()&fs.ModeSymlink)
				if tc.noRead {
					return
				}
				data, err := afero.ReadFile(fsys, tc.link)
				require.NoError(t, err, "followed inside the root")
				assert.Equal(t, "F", string(data))
				return
			}
			assert.ErrorIs(t, err, tc.want)
			assertVirtual(t, err, host)
			var le *os.LinkError
			require.ErrorAs(t, err, &le)
			assert.Equal(t, tc.link, le.New)
			_, err = os.Lstat(filepath.Join(host, tc.link))
			assert.ErrorIs(t, err, fs.ErrNotExist, "no link was made")
		})
	}
	data, err := afero.ReadFile(fsys, "/par/a/f")
	require.NoError(t, err, "par -> . is the root")
	assert.Equal(t, "F", string(data))
	err = fsys.SymlinkIfPossible("", "/empty")
	assert.ErrorIs(t, err, fs.ErrInvalid)
	_, err = fsys.ReadlinkIfPossible("/a/f")
	assert.ErrorIs(t, err, syscall.EINVAL, "not a link")
	assertVirtual(t, err, host)
}
