//go:build unix

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// mktempRun runs a mktemp (coreutils' or ours) with umask 022 in cwd with
// $TMPDIR set to tmpdir.
func mktempRun(t *testing.T, argv []string, cwd, tmpdir string) result {
	t.Helper()
	cmd := exec.Command("sh", append([]string{"-c", `umask 022; exec "$@"`, "sh"}, argv...)...)
	cmd.Dir = cwd
	cmd.Env = append(os.Environ(), "TMPDIR="+tmpdir)
	return runCmd(t, cmd, nil)
}

// shape turns a template into a pattern of the names made from it: the
// last run of X's (and what follows it) as coreutils reads it, the run
// becoming n characters of alphabet, n = max(len(run), minLen).
func shape(tmpl, alphabet string, minLen int) *regexp.Regexp {
	end := strings.LastIndexByte(tmpl, 'X') + 1
	start := end
	for start > 0 && tmpl[start-1] == 'X' {
		start--
	}
	n := max(end-start, minLen)
	return regexp.MustCompile("^" + regexp.QuoteMeta(tmpl[:start]) + alphabet + "{" + strconv.Itoa(n) + "}" + regexp.QuoteMeta(tmpl[end:]) + "$")
}

// TestMktempLikeCoreutils runs coreutils' mktemp and ours on a table of
// templates and flags: both succeed or both fail with status 1; on
// success both create the same kind of entry, with the same mode
// (0600 file, 0700 directory), in the same directory, named as the
// template says (ours with at least 13 random characters).
func TestMktempLikeCoreutils(t *testing.T) {
	t.Parallel()
	coreutils, err := exec.LookPath("mktemp")
	if err != nil {
		t.Skip("coreutils' mktemp is not installed")
	}
	tests := []struct {
		name string
		args []string // "$P" stands for an existing directory given with -p
		tmpl string   // the template as both tools complete it; "" if they fail
		dir  bool
	}{
		{"default", nil, "$TMPDIR/tmp.XXXXXXXXXX", false},
		{"default -d", []string{"-d"}, "$TMPDIR/tmp.XXXXXXXXXX", true},
		{"relative to cwd", []string{"foo.XXX"}, "foo.XXX", false},
		{"suffix after the X's", []string{"fooXXX.txt"}, "fooXXX.txt", false},
		{"only X's", []string{"XXX"}, "XXX", false},
		{"20 X's", []string{"a.XXXXXXXXXXXXXXXXXXXX"}, "a.XXXXXXXXXXXXXXXXXXXX", false},
		{"13 X's", []string{"a.XXXXXXXXXXXXX"}, "a.XXXXXXXXXXXXX", false},
		{"X's inside the prefix", []string{"XXXyXXXX"}, "XXXyXXXX", false},
		{"star in the prefix", []string{"a*b.XXXX"}, "a*b.XXXX", false},
		{"in a subdirectory", []string{"sub/j.XXXXXX"}, "sub/j.XXXXXX", false},
		{"absolute", []string{"$TMPDIR/abs.XXXXXX"}, "$TMPDIR/abs.XXXXXX", false},
		{"directory", []string{"-d", "d.XXXXXX"}, "d.XXXXXX", true},
		{"-p DIR", []string{"-p", "$P", "p.XXXX"}, "$P/p.XXXX", false},
		{"-p DIR -d", []string{"-d", "-p", "$P", "p.XXXX"}, "$P/p.XXXX", true},
		{"-p DIR default template", []string{"-p", "$P"}, "$P/tmp.XXXXXXXXXX", false},
		{"-p empty is TMPDIR", []string{"-p", "", "e.XXXX"}, "$TMPDIR/e.XXXX", false},
		{"-p DIR, template with a subdirectory", []string{"-p", "$P", "sub/q.XXX"}, "", false}, // $P/sub is missing
		{"two X's", []string{"fooXX"}, "", false},
		{"no X", []string{"foo"}, "", false},
		{"X's not last", []string{"XXXfooXX"}, "", false},
		{"slash in the suffix", []string{"XXX/bar"}, "", false},
		{"missing directory", []string{"nodir/XXXX"}, "", false},
		{"-p missing directory", []string{"-p", "$P/nodir"}, "", false},
		{"-p with an absolute template", []string{"-p", "$P", "/abs.XXX"}, "", false},
		{"-q hides a failure to create", []string{"-q", "nodir/XXXX"}, "", false},
		{"-q does not hide a bad template", []string{"-q", "foo"}, "", false},
		{"-d in a missing directory", []string{"-d", "nodir/XXXX"}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			results := map[string]result{}
			for _, tool := range []string{"coreutils", "tempfs"} {
				cwd, tmpdir, p := t.TempDir(), t.TempDir(), t.TempDir()
				require.NoError(t, os.Mkdir(filepath.Join(cwd, "sub"), 0o755))
				subst := strings.NewReplacer("$TMPDIR", tmpdir, "$P", p)
				argv := []string{coreutils}
				if tool == "tempfs" {
					argv = []string{binary, "mktemp"}
				}
				for _, a := range tt.args {
					argv = append(argv, subst.Replace(a))
				}
				r := mktempRun(t, argv, cwd, tmpdir)
				results[tool] = r
				if tt.tmpl == "" {
					assert.Equal(t, 1, r.code, "%s fails: %s", tool, r.stderr)
					assert.Empty(t, r.stdout)
					if tt.args[0] == "-q" && tt.args[1] != "foo" {
						assert.Empty(t, r.stderr)
					} else {
						assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "%s: one line: %q", tool, r.stderr)
					}
					continue
				}
				require.Zero(t, r.code, "%s: %s", tool, r.stderr)
				name := strings.TrimSuffix(r.stdout, "\n")
				tmpl := subst.Replace(tt.tmpl)
				if tool == "coreutils" {
					assert.Regexp(t, shape(tmpl, "[A-Za-z0-9]", 0), name)
				} else {
					assert.Regexp(t, shape(tmpl, "[0-9a-v]", 13), name)
				}
				path := name
				if !filepath.IsAbs(path) {
					path = filepath.Join(cwd, name)
				}
				fi, err := os.Lstat(path)
				require.NoError(t, err, tool)
				assert.Equal(t, tt.dir, fi.IsDir(), tool)
				want := os.FileMode(0o600)
				if tt.dir {
					want = 0o700
				}
				assert.Equal(t, want, fi.Mode().Perm(), tool)
			}
			assert.Equal(t, results["coreutils"].code, results["tempfs"].code)
		})
	}
}

// TestMktempDifferences: the one template coreutils takes and tempfs
// refuses, with a message saying why.
func TestMktempDifferences(t *testing.T) {
	t.Parallel()
	cwd := t.TempDir()
	r := mktempRun(t, []string{binary, "mktemp", "fooXXX*"}, cwd, cwd)
	assert.Equal(t, 1, r.code)
	requireOneLineError(t, r, "mktemp")
	assert.Contains(t, r.stderr, `"*" after the random part`)
	assert.Empty(t, dirNames(t, cwd))
}
