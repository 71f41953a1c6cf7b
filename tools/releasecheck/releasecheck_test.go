package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/modfile"
)

// TestLicenseRecognised runs licensecheck, the scanner pkg.go.dev uses, on
// the repository's LICENSE, and shows the check has teeth: the same text
// cut short, or with a clause changed into another license's, falls below.
func TestLicenseRecognised(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "..", "LICENSE"))
	require.NoError(t, err)

	ids, percent := scanLicense(text)
	t.Logf("LICENSE: %v at %.1f%%", ids, percent)
	assert.Equal(t, []string{licenseID}, ids)
	assert.GreaterOrEqual(t, percent, float64(minCoverage))

	half := text[:len(text)/2]
	ids, percent = scanLicense(append(append([]byte{}, half...), []byte(strings.Repeat("Our own additional terms apply to every use. ", 200))...))
	assert.Less(t, percent, float64(minCoverage), "a license buried in other terms must not pass (found %v)", ids)
}

func TestChangelogEntry(t *testing.T) {
	log := "# Changelog\n\n## v0.2.0 - 2027-01-01\n\nNew.\n\n## [v0.1.0]\n\nFirst.\n### Breaking\n- x\n\n## v0.0.1\nold\n"
	tests := []struct {
		name, version, want string
		ok                  bool
	}{
		{"heading with date", "v0.2.0", "\n\nNew.\n\n", true},
		{"bracketed, up to the next entry", "v0.1.0", "\n\nFirst.\n### Breaking\n- x\n\n", true},
		{"last entry", "v0.0.1", "\nold\n", true},
		{"missing", "v0.3.0", "", false},
		{"prefix of another version is not it", "v0.1", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := changelogEntry(log, tt.version)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// testWorkspace builds a workspace of a root and two submodules, sub
// published and tools not, from go.mod texts.
func testWorkspace(t *testing.T, subMod, toolsMod string) *workspace {
	t.Helper()
	parse := func(dir, text string, published bool) *gomod {
		f, err := modfile.Parse(dir+"/go.mod", []byte(text), nil)
		require.NoError(t, err)
		return &gomod{dir: dir, path: f.Module.Mod.Path, file: f, published: published}
	}
	root := parse(".", "module example.com/r\n\ngo 1.25.0\n", true)
	return &workspace{
		root:        root,
		mods:        []*gomod{root, parse("sub", subMod, true), parse("tools", toolsMod, false)},
		rootVersion: "v0.1.0",
	}
}

func TestCheckModules(t *testing.T) {
	const tools = "module example.com/r/tools\n\ngo 1.25.0\n\nrequire example.com/r v0.1.0\n\nreplace example.com/x => ../x\n"
	tests := []struct {
		name string
		sub  string
		want []string // substrings of the failures, in order
	}{
		{"clean", "module example.com/r/sub\n\ngo 1.25.0\n\nrequire example.com/r v0.1.0\n", nil},
		{"replace in a published go.mod", "module example.com/r/sub\n\nrequire example.com/r v0.1.0\n\nreplace example.com/r => ../\n",
			[]string{"sub/go.mod: replace example.com/r => ../"}},
		{"root at another version", "module example.com/r/sub\n\nrequire example.com/r v0.0.0-00010101000000-000000000000\n",
			[]string{"requires example.com/r v0.0.0-00010101000000-000000000000, but the release is v0.1.0"}},
		{"requires an unpublished module", "module example.com/r/sub\n\nrequire example.com/r/tools v0.1.0\n",
			[]string{"requires example.com/r/tools, which is not published"}},
		{"requires no module of ours", "module example.com/r/sub\n\nrequire example.com/r/gone v0.1.0\n",
			[]string{"requires example.com/r/gone, which is no module of this repository"}},
		{"path does not match its directory", "module example.com/r/other\n",
			[]string{"a module in directory sub must be example.com/r/sub"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &checker{}
			checkModules(c, testWorkspace(t, tt.sub, tools), "v0.1.0")
			require.Len(t, c.fails, len(tt.want), "%q", c.fails)
			for i, w := range tt.want {
				assert.Contains(t, c.fails[i], w)
			}
		})
	}

	t.Run("release version differs from go.work", func(t *testing.T) {
		c := &checker{}
		checkModules(c, testWorkspace(t, "module example.com/r/sub\n", tools), "v0.2.0")
		require.NotEmpty(t, c.fails)
		assert.Contains(t, c.fails[0], "go.work pins the root at v0.1.0, the release is v0.2.0")
	})
}

// The reports are gorelease's own, from a scratch clone tagged v0.1.0 in
// which IsTempName gained a variadic parameter.
func TestJudgeGorelease(t *testing.T) {
	const breaking = "# github.com/tempfs-go/tempfs\n## incompatible changes\nIsTempName: changed from func(string) bool to func(string, ...string) bool\n\n" +
		"# diagnostics\ngo.sum: one or more sums are missing. Run 'go mod tidy' to add missing sums.\n\n# summary\nv0.1.1 is a valid semantic version for this release.\n"
	const clean = "# diagnostics\ngo.sum: one or more sums are missing. Run 'go mod tidy' to add missing sums.\n\n# summary\nv0.1.1 (with tag sftpfs/v0.1.1) is a valid semantic version for this release\n"
	const tagged = "# summary\nv0.1.1 is not a valid semantic version for this release.\nversion v0.1.1 already exists\n"
	const needs = "# diagnostics\ngo.mod: the following requirements are needed\n\texample.com/x v1.0.0\nRun 'go mod tidy' to add missing requirements.\n\n# summary\nv0.1.1 is a valid semantic version for this release.\n"
	exit1 := errors.New("exit status 1")
	tests := []struct {
		name, report, entry string
		err                 error
		want                []string
	}{
		{"compatible, only the go.sum note", clean, "\nFixes.\n", exit1, nil},
		{"break not in the changelog", breaking, "\nFixes.\n", exit1, []string{"no \"### Breaking\" part"}},
		{"break named in the changelog", breaking, "\nFixes.\n\n### Breaking\n- IsTempName takes more names\n", exit1, nil},
		{"version already released", tagged, "", exit1, []string{"not valid"}},
		{"other diagnostics fail", needs, "", exit1, []string{"diagnostic: go.mod: the following requirements are needed"}},
		{"no report at all", "go: cannot find module", "", exit1, []string{"did not run"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := judgeGorelease(tt.report, tt.err, tt.entry)
			require.Len(t, got, len(tt.want), "%q", got)
			for i, w := range tt.want {
				assert.Contains(t, got[i], w)
			}
		})
	}
}
