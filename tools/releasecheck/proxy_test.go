package main

import (
	stdzip "archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/module"
	"golang.org/x/mod/zip"
)

// gitRepo makes a repository with a root module, a published submodule
// and an unpublished one, committed, and returns its directory.
func gitRepo(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{
		"go.mod":           "module example.com/r\n\ngo 1.25.0\n",
		"r.go":             "package r\n",
		"LICENSE":          "license\n",
		"go.work":          "go 1.25.0\n\nuse (\n\t.\n\t./sub\n\t./tools\n)\n\nreplace example.com/r v0.2.0 => ./\n",
		".ci/unpublished":  "# not released\ntools\n",
		"sub/go.mod":       "module example.com/r/sub\n\ngo 1.25.0\n\nrequire example.com/r v0.2.0\n",
		"sub/s.go":         "package sub\n",
		"tools/go.mod":     "module example.com/r/tools\n\ngo 1.25.0\n",
		"tools/t.go":       "package tools\n",
		".gitignore":       "*.out\n",
		"ignored.out":      "not in the zip\n",
		"sub/untracked.go": "package sub\n",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
	}
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "go.mod", "r.go", "LICENSE", "go.work", ".ci", "sub/go.mod", "sub/s.go", "tools", ".gitignore"},
		{"-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one"},
		{"tag", "v0.1.0"}, {"tag", "sub/v0.1.0"}, {"tag", "tools/v0.1.0"}, {"tag", "v9.0.0-later"},
	} {
		git(t, dir, args...)
	}
	return dir
}

func git(t *testing.T, dir string, args ...string) {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "git %v: %s", args, out)
}

func TestBuildProxy(t *testing.T) {
	repo := gitRepo(t)
	ws, err := loadWorkspace(repo)
	require.NoError(t, err)
	assert.Equal(t, []string{"example.com/r", "example.com/r/sub"}, ws.publishedPaths())
	assert.Equal(t, "v0.2.0", ws.rootVersion)

	c := &checker{}
	proxy := filepath.Join(t.TempDir(), "proxy")
	earlier, err := buildProxy(c, ws, "v0.2.0", proxy)
	require.NoError(t, err)
	assert.Empty(t, c.fails)
	assert.Equal(t, map[string][]string{".": {"v0.1.0"}, "sub": {"v0.1.0"}}, earlier)

	for _, m := range []string{"example.com/r", "example.com/r/sub"} {
		vdir := filepath.Join(proxy, m, "@v")
		list, err := os.ReadFile(filepath.Join(vdir, "list"))
		require.NoError(t, err)
		assert.Equal(t, "v0.1.0\nv0.2.0\n", string(list), m)
		for _, v := range []string{"v0.1.0", "v0.2.0"} {
			for _, ext := range []string{".info", ".mod"} {
				assert.FileExists(t, filepath.Join(vdir, v+ext))
			}
			_, err := zip.CheckZip(module.Version{Path: m, Version: v}, filepath.Join(vdir, v+".zip"))
			assert.NoError(t, err, "%s@%s", m, v)
		}
	}
	assert.NoDirExists(t, filepath.Join(proxy, "example.com/r/tools"), "an unpublished module stays out")

	names := zipNames(t, filepath.Join(proxy, "example.com/r/@v/v0.2.0.zip"))
	assert.Contains(t, names, "example.com/r@v0.2.0/r.go")
	assert.Contains(t, names, "example.com/r@v0.2.0/LICENSE")
	assert.NotContains(t, names, "example.com/r@v0.2.0/ignored.out", "git-ignored files stay out")
	assert.NotContains(t, names, "example.com/r@v0.2.0/sub/s.go", "a submodule's files stay out")
	assert.Contains(t, zipNames(t, filepath.Join(proxy, "example.com/r/sub/@v/v0.2.0.zip")), "example.com/r/sub@v0.2.0/untracked.go",
		"the candidate is the work tree as it would be committed")
	assert.NotContains(t, zipNames(t, filepath.Join(proxy, "example.com/r/sub/@v/v0.1.0.zip")), "example.com/r/sub@v0.1.0/untracked.go",
		"an earlier release is its tag")

	restore, err := hideVersion(proxy, "example.com/r/sub", "v0.2.0")
	require.NoError(t, err)
	list, _ := os.ReadFile(filepath.Join(proxy, "example.com/r/sub/@v/list"))
	assert.Equal(t, "v0.1.0\n", string(list))
	assert.NoFileExists(t, filepath.Join(proxy, "example.com/r/sub/@v/v0.2.0.zip"))
	require.NoError(t, restore())
	assert.FileExists(t, filepath.Join(proxy, "example.com/r/sub/@v/v0.2.0.zip"))
}

// TestBuildProxyVersionTagged: the version being checked is a tag on an
// older commit, so it is released already and the check fails.
func TestBuildProxyVersionTagged(t *testing.T) {
	repo := gitRepo(t)
	git(t, repo, "tag", "v0.2.0")
	git(t, repo, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "--allow-empty", "-m", "two")
	ws, err := loadWorkspace(repo)
	require.NoError(t, err)
	c := &checker{}
	_, err = buildProxy(c, ws, "v0.2.0", filepath.Join(t.TempDir(), "proxy"))
	require.NoError(t, err)
	require.Len(t, c.fails, 1)
	assert.Contains(t, c.fails[0], "tag v0.2.0 exists on another commit")
}

func zipNames(t *testing.T, name string) string {
	t.Helper()
	r, err := stdzip.OpenReader(name)
	require.NoError(t, err)
	defer r.Close()
	var names []string
	for _, f := range r.File {
		names = append(names, f.Name)
	}
	return strings.Join(names, "\n")
}
