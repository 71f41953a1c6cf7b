//go:build unix

package main

import (
	"archive/tar"
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

type entry struct {
	name, link, body string
	typ              byte
}

func buildTar(t *testing.T, entries []entry) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		hdr := &tar.Header{Name: e.name, Linkname: e.link, Typeflag: e.typ, Mode: 0o644, Size: int64(len(e.body))}
		if e.typ == tar.TypeDir {
			hdr.Mode = 0o755
		}
		if e.typ != tar.TypeReg {
			hdr.Size = 0
		}
		require.NoError(t, tw.WriteHeader(hdr))
		if e.typ == tar.TypeReg {
			_, err := tw.Write([]byte(e.body))
			require.NoError(t, err)
		}
	}
	require.NoError(t, tw.Close())
	return &buf
}

func TestExtractMalicious(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.Symlink("..", filepath.Join(dir, "planted")), "a link already in the directory")
	archive := buildTar(t, []entry{
		{name: "ok/file.txt", body: "fine", typ: tar.TypeReg},
		{name: "ok/link", link: "file.txt", typ: tar.TypeSymlink},
		{name: "ok/hard", link: "ok/file.txt", typ: tar.TypeLink},
		{name: "emptydir/", typ: tar.TypeDir},
		{name: "../escaped.txt", body: "evil", typ: tar.TypeReg},
		{name: "ok/../../escaped2.txt", body: "evil", typ: tar.TypeReg},
		{name: "/abs.txt", body: "inside", typ: tar.TypeReg},
		{name: "evil", link: "../", typ: tar.TypeSymlink},
		{name: "evil/through.txt", body: "evil", typ: tar.TypeReg},
		{name: "evilabs", link: "/nonexistent/dir", typ: tar.TypeSymlink},
		{name: "evilabs/through.txt", body: "evil", typ: tar.TypeReg},
		{name: "planted/through.txt", body: "evil", typ: tar.TypeReg},
		{name: "hardout", link: "../secret", typ: tar.TypeLink},
		{name: "fifo", typ: tar.TypeFifo},
	})
	var log bytes.Buffer
	fsys, err := tempfs.OpenRoot(dir)
	require.NoError(t, err)
	refused, err := extract(fsys, archive, &log)
	require.NoError(t, err)
	require.NoError(t, fsys.Close())

	// An absolute link target is a virtual path: evilabs becomes a link to
	// <dir>/nonexistent/dir, dangling inside the root, and nothing goes
	// through it.
	for _, name := range []string{"../escaped.txt", "ok/../../escaped2.txt", "evil", "evilabs/through.txt",
		"planted/through.txt", "hardout", "fifo"} {
		assert.Contains(t, log.String(), "refused "+`"`+name+`"`, "log:\n%s", log.String())
	}
	assert.Equal(t, 7, refused, "log:\n%s", log.String())
	assert.NotContains(t, log.String(), parent+"/", "the log shows no host path")

	got, err := os.ReadFile(filepath.Join(dir, "ok", "link"))
	require.NoError(t, err)
	assert.Equal(t, "fine", string(got))
	got, err = os.ReadFile(filepath.Join(dir, "abs.txt"))
	require.NoError(t, err)
	assert.Equal(t, "inside", string(got), "an absolute name lands inside")
	got, err = os.ReadFile(filepath.Join(dir, "evil", "through.txt"))
	require.NoError(t, err, "the refused link left a plain directory")
	assert.Equal(t, "evil", string(got))
	target, err := os.Readlink(filepath.Join(dir, "evilabs"))
	require.NoError(t, err)
	assert.Equal(t, "nonexistent/dir", target, "stored relative, inside")

	// Nothing outside dir but dir itself.
	entries, err := os.ReadDir(parent)
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, "out", entries[0].Name())
	err = filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		require.NoError(t, err)
		assert.False(t, strings.Contains(d.Name(), ".tempfs-"), "temp file left: %s", p)
		return nil
	})
	require.NoError(t, err)
}

func TestExtractBadArchive(t *testing.T) {
	t.Parallel()
	fsys, err := tempfs.OpenRoot(t.TempDir())
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, fsys.Close()) })
	var log bytes.Buffer
	_, err = extract(fsys, strings.NewReader(strings.Repeat("x", 1024)), &log)
	assert.ErrorIs(t, err, tar.ErrHeader)
}
