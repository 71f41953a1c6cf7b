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
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lookTool returns the path of a host tool the comparison needs: a failure
// under CI=true, a visible skip elsewhere.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s not found under CI=true: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return p
}

// runSandbox runs the command on archive into a fresh directory and
// returns its exit status, its stderr and the directory.
func runSandbox(t *testing.T, archive []byte) (int, string, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	var stderr bytes.Buffer
	code := run([]string{dir}, bytes.NewReader(archive), &stderr)
	return code, stderr.String(), dir
}

// tarX extracts archive with the host's tar -x into a fresh directory and
// returns it, failing the test if tar fails.
func tarX(t *testing.T, archive []byte) string {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(lookTool(t, "tar"), "-xf", "-", "-C", dir)
	cmd.Stdin = bytes.NewReader(archive)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "tar -x: %s", out)
	return dir
}

// tree describes everything under dir: "dir", "file <content>" or
// "link <target>" by '/'-separated relative path.
func tree(t *testing.T, dir string) map[string]string {
	t.Helper()
	m := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		r, err := filepath.Rel(dir, p)
		if err != nil || r == "." {
			return err
		}
		switch {
		case d.IsDir():
			m[filepath.ToSlash(r)] = "dir"
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			m[filepath.ToSlash(r)] = "link " + path.Clean(l)
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			m[filepath.ToSlash(r)] = "file " + string(b)
		}
		return nil
	})
	require.NoError(t, err)
	return m
}

// goReference is what Go's archive/tar reader says the archive holds, for
// archives of files and directories only: the reference where GNU tar
// itself fails (it reads pax global "path" records as names, and stops at
// the end of sparse-formats.tar with "Unexpected EOF").
func goReference(t *testing.T, archive []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	tr := tar.NewReader(bytes.NewReader(archive))
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return m
		}
		require.NoError(t, err)
		name := strings.TrimSuffix(path.Clean(hdr.Name), "/")
		switch hdr.Typeflag {
		case tar.TypeDir:
			m[name] = "dir"
		case tar.TypeReg, tar.TypeGNUSparse:
			b, err := io.ReadAll(tr)
			require.NoError(t, err)
			m[name] = "file " + string(b)
			for d := path.Dir(name); d != "."; d = path.Dir(d) {
				m[d] = "dir"
			}
		}
	}
}

// TestExtractCleanArchives: archives that tar -x extracts are extracted
// with exit status 0, no message and the same tree (contents, link
// targets).
func TestExtractCleanArchives(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		archive func(t *testing.T) []byte
		// goRef: compare with Go's reader, where GNU tar itself fails.
		goRef bool
	}{
		{"git archive", gitArchive, false},
		{"pax-global-records.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "pax-global-records.tar") }, true},
		{"sparse-formats.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "sparse-formats.tar") }, true},
		{"hardlink.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "hardlink.tar") }, false},
		{"trailing-slash.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "trailing-slash.tar") }, false},
		{"gnu.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "gnu.tar") }, false},
		{"pax.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "pax.tar") }, false},
		{"ustar.tar", func(t *testing.T) []byte { return goTestdata(t, "tar", "ustar.tar") }, false},
		{"duplicated entries", dupDirArchive, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			archive := tc.archive(t)
			code, stderr, dir := runSandbox(t, archive)
			assert.Equal(t, 0, code, "stderr:\n%s", stderr)
			assert.Empty(t, stderr)
			want := goReference(t, archive)
			if !tc.goRef {
				want = tree(t, tarX(t, archive))
			}
			assert.Equal(t, want, tree(t, dir))
		})
	}
	t.Run("hard links share the file", func(t *testing.T) {
		t.Parallel()
		_, _, dir := runSandbox(t, goTestdata(t, "tar", "hardlink.tar"))
		a, err := os.Stat(filepath.Join(dir, "file.txt"))
		require.NoError(t, err)
		b, err := os.Stat(filepath.Join(dir, "hard.txt"))
		require.NoError(t, err)
		assert.True(t, os.SameFile(a, b))
	})
	t.Run("git archive keeps the executable bit", func(t *testing.T) {
		t.Parallel()
		_, _, dir := runSandbox(t, gitArchive(t))
		fi, err := os.Stat(filepath.Join(dir, "script.sh"))
		require.NoError(t, err)
		assert.NotZero(t, fi.Mode()&0o100, "mode %v", fi.Mode())
	})
}

// TestExtractZipDerived: Go's archive/zip testdata, converted to tar,
// extract as with tar -x.
func TestExtractZipDerived(t *testing.T) {
	t.Parallel()
	zips, err := filepath.Glob(filepath.Join(goTestdataDir(t, "zip"), "*.zip"))
	require.NoError(t, err)
	if len(zips) == 0 {
		t.Skip("Go's archive/zip testdata not here")
	}
	converted := 0
	for _, z := range zips {
		data, err := os.ReadFile(z)
		require.NoError(t, err)
		archive, ok := zipToTar(t, data)
		if !ok {
			continue // not a readable zip (the testdata has broken ones on purpose)
		}
		converted++
		t.Run(filepath.Base(z), func(t *testing.T) {
			t.Parallel()
			code, stderr, dir := runSandbox(t, archive)
			want := tree(t, tarX(t, archive))
			if filepath.Base(z) == "symlink.zip" {
				// Its one entry is "symlink -> ../target", which climbs
				// above the link's directory: refused by RootFs's rule
				// for links (docs/sandbox.md), extracted by tar.
				assert.Equal(t, 1, code)
				assert.Equal(t, `refused "symlink": symbolic link to "../target": target climbs above the link's directory`+
					"\n1 entries refused\n", stderr)
				delete(want, "symlink")
				assert.Equal(t, want, tree(t, dir))
				return
			}
			assert.Equal(t, 0, code, "stderr:\n%s", stderr)
			assert.Equal(t, want, tree(t, dir))
		})
	}
	assert.GreaterOrEqual(t, converted, 15, "zip files converted")
}

var refusalLine = regexp.MustCompile(`^refused "(?:[^"\\]|\\.)*": \S.*$`)

// TestExtractRefusesTraversal: published zip-slip and traversal shapes
// are refused entry by entry, each with one line naming the entry and the
// reason, the good entries are extracted, the status is 1 and nothing
// outside the directory changes.
func TestExtractRefusesTraversal(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret"), []byte("SENTINEL"), 0o644))
	require.NoError(t, os.Symlink("/", filepath.Join(dir, "planted")), "a link already in the directory")
	before := outside(t, parent, dir)

	archive := buildTar(t, []entry{
		{name: "good.txt", body: "good", typ: tar.TypeReg},
		// zip-slip (snyk/zip-slip-vulnerability archives).
		{name: "../../../../../../../../../../../../../../../../tmp/evil.txt", body: "evil", typ: tar.TypeReg},
		{name: "../secret", body: "evil", typ: tar.TypeReg},
		{name: "sub/../../evil.txt", body: "evil", typ: tar.TypeReg},
		{name: "/../evil.txt", body: "evil", typ: tar.TypeReg},
		// links out, then through them.
		{name: "up", link: "..", typ: tar.TypeSymlink},
		{name: "subdir/parent", link: "..", typ: tar.TypeSymlink},
		{name: "cur", link: ".", typ: tar.TypeSymlink},
		{name: "par", link: "cur/..", typ: tar.TypeSymlink},
		{name: "par/inside.txt", body: "lands inside", typ: tar.TypeReg},
		{name: "etc", link: "/etc", typ: tar.TypeSymlink},
		{name: "etc/passwd", body: "lands inside", typ: tar.TypeReg},
		{name: "lib/libc.so", link: "/lib/libc.so.6", typ: tar.TypeSymlink},
		{name: "bin/sh", link: "/usr/bin/sh", typ: tar.TypeSymlink},
		{name: "bin/up", link: "../lib/libc.so", typ: tar.TypeSymlink},
		{name: "tmp", link: "/tmp", typ: tar.TypeSymlink},
		{name: "dangling", link: "missing", typ: tar.TypeSymlink},
		{name: "dangling/file", body: "x", typ: tar.TypeReg},
		{name: "planted/evil.txt", body: "evil", typ: tar.TypeReg},
		{name: "hard", link: "../secret", typ: tar.TypeLink},
		{name: "hardabs", link: "/etc/shadow", typ: tar.TypeLink},
		{name: "dev/sda", typ: tar.TypeBlock},
		{name: "dev/tty", typ: tar.TypeChar},
		{name: "fifo", typ: tar.TypeFifo},
		{name: "good/after.txt", body: "still extracted", typ: tar.TypeReg},
		{name: "kept.txt", body: "kept", typ: tar.TypeReg},
		{name: "kept.txt", link: "../kept.txt", typ: tar.TypeSymlink},
		{name: "kept.txt", link: "../secret", typ: tar.TypeLink},
	})
	var stderr bytes.Buffer
	code := run([]string{dir}, archive, &stderr)
	assert.Equal(t, 1, code)
	assert.Equal(t, before, outside(t, parent, dir), "nothing outside changed")

	want := map[string]string{
		"../../../../../../../../../../../../../../../../tmp/evil.txt": `the name climbs out of the target directory with ".."`,
		"../secret":          `the name climbs out of the target directory with ".."`,
		"sub/../../evil.txt": `the name climbs out of the target directory with ".."`,
		"/../evil.txt":       `the name climbs out of the target directory with ".."`,
		"up":                 `symbolic link to "..": target climbs above the link's directory`,
		"subdir/parent":      `symbolic link to "..": target climbs above the link's directory`,
		"etc":                `symbolic link to "/etc": absolute target (a path inside the root) is the link itself: too many levels of symbolic links`,
		"bin/sh":             `symbolic link to "/usr/bin/sh": absolute target (a path inside the root) is outside the link's directory /bin`,
		"bin/up":             `symbolic link to "../lib/libc.so": target climbs above the link's directory`,
		"tmp":                `symbolic link to "/tmp": absolute target (a path inside the root) is the link itself: too many levels of symbolic links`,
		"dangling/file":      `"dangling" is a symbolic link to "missing", which does not exist in the target directory`,
		"planted/evil.txt":   `"planted" is a symbolic link to "/", which leads out of the target directory`,
		"hard":               `hard link to "../secret": the target is outside the target directory`,
		"hardabs":            `hard link to "/etc/shadow", which does not exist in the target directory`,
		"dev/sda":            "device file: the sandbox never creates devices",
		"dev/tty":            "device file: the sandbox never creates devices",
		"fifo":               "named pipe (FIFO): cannot be created through the sandbox",
	}
	// The two refused kept.txt entries share a name: the map keeps the
	// last; both lines are counted below.
	lines := strings.Split(strings.TrimSuffix(stderr.String(), "\n"), "\n")
	require.NotEmpty(t, lines)
	assert.Equal(t, "19 entries refused", lines[len(lines)-1])
	got := map[string]string{}
	for _, l := range lines[:len(lines)-1] {
		assert.Regexp(t, refusalLine, l, "one line: the entry and the reason")
		name, reason, ok := strings.Cut(strings.TrimPrefix(l, "refused "), ": ")
		require.True(t, ok, l)
		got[strings.Trim(name, `"`)] = reason
	}
	assert.Contains(t, lines, `refused "kept.txt": symbolic link to "../kept.txt": target climbs above the link's directory`)
	want["kept.txt"] = `hard link to "../secret": the target is outside the target directory`
	assert.Equal(t, want, got)
	assert.Len(t, lines, 20)

	tr := tree(t, dir)
	assert.Equal(t, "file good", tr["good.txt"])
	assert.Equal(t, "file kept", tr["kept.txt"], "a refused link leaves the file it would replace")
	assert.Equal(t, "file still extracted", tr["good/after.txt"])
	assert.Equal(t, "file lands inside", tr["inside.txt"], "par -> cur/.. is stored as ., the root")
	assert.Equal(t, "link .", tr["par"])
	assert.Equal(t, "file lands inside", tr["etc/passwd"], "the refused link left a plain directory")
	assert.Equal(t, "link libc.so.6", tr["lib/libc.so"], "an absolute target is a path inside the directory, stored relative")
}

// outside describes everything under parent except dir.
func outside(t *testing.T, parent, dir string) map[string]string {
	t.Helper()
	m := tree(t, parent)
	for k := range m {
		if k == filepath.Base(dir) || strings.HasPrefix(k, filepath.Base(dir)+"/") {
			delete(m, k)
		}
	}
	return m
}

// TestExtractUnreadable: a truncated archive is exit status 2.
func TestExtractUnreadable(t *testing.T) {
	t.Parallel()
	archive := buildTar(t, []entry{{name: "f", body: strings.Repeat("x", 10000), typ: tar.TypeReg}}).Bytes()
	code, stderr, dir := runSandbox(t, archive[:5000])
	assert.Equal(t, 2, code, stderr)
	assert.Contains(t, stderr, "reading archive")
	assert.Empty(t, tree(t, dir), "no partial file")
	code, stderr, _ = runSandbox(t, nil)
	assert.Equal(t, 0, code, "an empty stream is an empty archive: %s", stderr)
	var buf bytes.Buffer
	assert.Equal(t, 2, run(nil, nil, &buf), "usage")
	assert.Equal(t, 2, run([]string{filepath.Join(t.TempDir(), "missing")}, nil, &buf), "no such DIR")
}

// snykZip builds a zip like snyk/zip-slip-vulnerability's sample archives:
// good.txt, then evil.txt behind 40 parent steps with sep as separator.
func snykZip(t *testing.T, sep string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string]string{
		"good.txt": "this is a good one\n",
		strings.Repeat(".."+sep, 40) + map[string]string{"/": "tmp", `\`: "Temp"}[sep] + sep + "evil.txt": "this is an evil one\n",
	} {
		w, err := zw.Create(name)
		require.NoError(t, err)
		_, err = w.Write([]byte(body))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

// TestExtractZipSlip: the zip-slip sample archives, converted to tar. The
// Unix one is refused for its evil entry only; in the Windows one a
// backslash is a name character on Unix, so, as with tar -x, its evil
// entry is one harmless file name inside the directory.
func TestExtractZipSlip(t *testing.T) {
	t.Parallel()
	evil := filepath.Join(os.TempDir(), "evil.txt")
	_, err := os.Lstat(evil)
	existed := err == nil

	archive, ok := zipToTar(t, snykZip(t, "/"))
	require.True(t, ok)
	code, stderr, dir := runSandbox(t, archive)
	assert.Equal(t, 1, code)
	assert.Equal(t, `refused "`+strings.Repeat("../", 40)+`tmp/evil.txt": the name climbs out of the target directory with ".."`+
		"\n1 entries refused\n", stderr)
	assert.Equal(t, map[string]string{"good.txt": "file this is a good one\n"}, tree(t, dir))
	if !existed {
		_, err := os.Lstat(evil)
		assert.ErrorIs(t, err, fs.ErrNotExist, "nothing written outside")
	}

	archive, ok = zipToTar(t, snykZip(t, `\`))
	require.True(t, ok)
	code, stderr, dir = runSandbox(t, archive)
	assert.Equal(t, 0, code, stderr)
	got := tree(t, dir)
	assert.Equal(t, tree(t, tarX(t, archive)), got)
	assert.Len(t, got, 2, "good.txt and one file with backslashes in its name")
}
