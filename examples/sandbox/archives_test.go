//go:build unix

package main

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goTestdataDir is $(go env GOROOT)/src/archive/pkg/testdata.
func goTestdataDir(t *testing.T, pkg string) string {
	t.Helper()
	out, err := exec.Command(lookTool(t, "go"), "env", "GOROOT").Output()
	require.NoError(t, err)
	return filepath.Join(strings.TrimSpace(string(out)), "src", "archive", pkg, "testdata")
}

func goTestdata(t *testing.T, pkg, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(goTestdataDir(t, pkg), name))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("Go's testdata not here: %v", err)
	}
	require.NoError(t, err)
	return b
}

// gitArchive makes a small repository and returns `git archive` of it: a
// pax global header (the commit id), files, an executable, a subdirectory
// and links that point down.
func gitArchive(t *testing.T) []byte {
	t.Helper()
	git := lookTool(t, "git")
	repo := t.TempDir()
	files := map[string]string{
		"README.md":         "# demo\n",
		"sub/a.txt":         "a\n",
		"sub/deeper/b.bin":  "\x00\x01\x02binary",
		"script.sh":         "#!/bin/sh\necho hi\n",
		"sub/deeper/c.txt":  "c\n",
		"with space/d.txt":  "d\n",
		"sub/.hidden":       "h\n",
		"sub/deeper/.keep":  "",
		"unicode-é/ü.txt":   "u\n",
		"sub/deeper/e.json": "{}\n",
	}
	for name, body := range files {
		p := filepath.Join(repo, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	require.NoError(t, os.Chmod(filepath.Join(repo, "script.sh"), 0o755))
	require.NoError(t, os.Symlink("sub/a.txt", filepath.Join(repo, "toplink")))
	require.NoError(t, os.Symlink("deeper/c.txt", filepath.Join(repo, "sub", "link")))
	gitRun := func(args ...string) []byte {
		cmd := exec.Command(git, append([]string{"-C", repo, "-c", "user.name=t", "-c", "user.email=t@example.com",
			"-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}, args...)...)
		cmd.Env = append(os.Environ(), "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, "git %v: %s", args, stderr.String())
		return out
	}
	gitRun("init", "-q")
	gitRun("add", "-A")
	gitRun("commit", "-q", "-m", "demo")
	return gitRun("archive", "--format=tar", "HEAD")
}

// dupDirArchive repeats directory entries (with and without a trailing
// slash), a file, a symbolic link and a hard link, as tar -r appends do.
func dupDirArchive(t *testing.T) []byte {
	t.Helper()
	return buildTar(t, []entry{
		{name: "d/", typ: tar.TypeDir},
		{name: "d/f", body: "first", typ: tar.TypeReg},
		{name: "d/", typ: tar.TypeDir},
		{name: "d", typ: tar.TypeDir},
		{name: "d/sub/", typ: tar.TypeDir},
		{name: "d/f", body: "second", typ: tar.TypeReg},
		{name: "d/l", link: "f", typ: tar.TypeSymlink},
		{name: "d/l", link: "sub", typ: tar.TypeSymlink},
		{name: "d/h", link: "d/f", typ: tar.TypeLink},
		{name: "d/h", link: "d/f", typ: tar.TypeLink},
		{name: "./d/sub", typ: tar.TypeDir},
	}).Bytes()
}

// zipToTar converts a zip archive to tar as archivers do (bsdtar
// @archive.zip): names and modes from the zip, directories with a
// trailing slash, links with their target as data in the zip.
func zipToTar(t *testing.T, data []byte) ([]byte, bool) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, false
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, false
		}
		body, err := io.ReadAll(rc)
		_ = rc.Close()
		if err != nil {
			return nil, false
		}
		fi := f.FileInfo()
		link := ""
		if fi.Mode()&fs.ModeSymlink != 0 {
			link = string(body)
		}
		hdr, err := tar.FileInfoHeader(fi, link)
		require.NoError(t, err)
		hdr.Name = f.Name
		hdr.Mode |= 0o600 // zips made on Windows carry no Unix mode
		if fi.IsDir() {
			hdr.Mode |= 0o700
		}
		require.NoError(t, tw.WriteHeader(hdr))
		if hdr.Typeflag == tar.TypeReg {
			_, err = tw.Write(body)
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return buf.Bytes(), true
}
