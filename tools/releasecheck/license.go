package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/google/licensecheck"
)

// minCoverage is the share of the LICENSE text, in percent, that must match
// a known license; pkg.go.dev shows the docs of a module only above it.
const minCoverage = 90

// licenseID is the license every published module carries.
const licenseID = "Apache-2.0"

// scanLicense reports the license licensecheck finds in text and its
// coverage in percent.
func scanLicense(text []byte) (ids []string, percent float64) {
	cov := licensecheck.Scan(text)
	for _, m := range cov.Match {
		ids = append(ids, m.ID)
	}
	return ids, cov.Percent
}

// checkLicenses checks that every published module has a LICENSE, the same
// as the root's, recognised as licenseID with coverage >= minCoverage.
func checkLicenses(c *checker, ws *workspace) {
	rootText, err := os.ReadFile(filepath.Join(ws.repo, "LICENSE"))
	if err != nil {
		c.failf("no LICENSE at the root: %v", err)
		return
	}
	for _, m := range ws.published() {
		text, err := os.ReadFile(filepath.Join(m.abs, "LICENSE"))
		if err != nil {
			c.failf("%s: no LICENSE (pkg.go.dev hides the docs of a module without one): %v", m.dir, err)
			continue
		}
		if !bytes.Equal(text, rootText) {
			c.failf("%s/LICENSE differs from the root's LICENSE", m.dir)
		}
		ids, percent := scanLicense(text)
		if percent < minCoverage || len(ids) != 1 || ids[0] != licenseID {
			c.failf("%s/LICENSE: licensecheck finds %v at %.1f%% coverage; want %s at >= %d%%", m.dir, ids, percent, licenseID, minCoverage)
			continue
		}
		step("  %s/LICENSE: %s, %.1f%% coverage", m.dir, ids[0], percent)
	}
}

// checkChangelog returns the CHANGELOG.md entry for version (the text
// under its "## version" heading) and fails if there is none.
func checkChangelog(c *checker, repo, version string) string {
	data, err := os.ReadFile(filepath.Join(repo, "CHANGELOG.md"))
	if err != nil {
		c.failf("no CHANGELOG.md: %v", err)
		return ""
	}
	entry, ok := changelogEntry(string(data), version)
	if !ok {
		c.failf("CHANGELOG.md has no entry for %s: add a \"## %s\" section", version, version)
		return ""
	}
	if strings.TrimSpace(entry) == "" {
		c.failf("CHANGELOG.md: the %s entry is empty", version)
	}
	step("  CHANGELOG.md: entry for %s (%d lines)", version, strings.Count(strings.TrimSpace(entry), "\n")+1)
	return entry
}

// changelogEntry returns the text between the "## version" heading (also
// "## [version]", followed by anything such as a date) and the next "## ".
func changelogEntry(text, version string) (string, bool) {
	head := regexp.MustCompile(`(?m)^##\s+\[?` + regexp.QuoteMeta(version) + `\]?([ \t].*)?$`)
	loc := head.FindStringIndex(text)
	if loc == nil {
		return "", false
	}
	rest := text[loc[1]:]
	if next := regexp.MustCompile(`(?m)^## `).FindStringIndex(rest); next != nil {
		rest = rest[:next[0]]
	}
	return rest, true
}
