package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
)

// gorelease is the version of golang.org/x/exp whose cmd/gorelease compares
// a module with its previous release.
const gorelease = "golang.org/x/exp/cmd/gorelease@v0.0.0-20261113113407-e3970619a1a4"

// goEnv is the environment of every go command that plays a user: our
// modules come only from the file proxy in proxyDir, without the checksum
// database (they are not in it before the tag); third-party modules come
// from the host's module cache (read as a proxy, if hostCache) or from the
// real proxy, checked against the checksum database as usual. The module
// cache is a new, empty one under proxyDir's parent. -trimpath keeps the
// build cache's keys free of that temporary path, so a second run reuses
// the host's build cache.
func goEnv(proxyDir, rootPath string, hostCache bool) []string {
	real := strings.TrimSpace(goEnvVar("GOPROXY"))
	if real == "" {
		real = "https://proxy.golang.org,direct"
	}
	proxies := []string{"file://" + filepath.ToSlash(proxyDir)}
	if hostCache {
		if mc := strings.TrimSpace(goEnvVar("GOMODCACHE")); mc != "" {
			proxies = append(proxies, "file://"+filepath.ToSlash(filepath.Join(mc, "cache", "download")))
		}
	}
	proxies = append(proxies, real)
	gopath := filepath.Join(filepath.Dir(proxyDir), "gopath")
	set := map[string]string{
		"GOPROXY":     strings.Join(proxies, ","),
		"GONOSUMDB":   rootPath,
		"GONOPROXY":   "",
		"GOPRIVATE":   "",
		"GOFLAGS":     "-mod=mod -modcacherw -trimpath",
		"GOWORK":      "off",
		"GOTOOLCHAIN": "local",
		"GOPATH":      gopath,
		"GOMODCACHE":  filepath.Join(gopath, "pkg", "mod"),
		"GOBIN":       filepath.Join(gopath, "bin"),
		"GOENV":       "off",
	}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			env = append(env, kv)
		}
	}
	for k, v := range set {
		env = append(env, k+"="+v)
	}
	return env
}

func goEnvVar(name string) string {
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		return ""
	}
	return string(out)
}

// checkAPI runs gorelease on each published module against its latest
// earlier release; judgeGorelease says what fails.
func checkAPI(c *checker, ws *workspace, version string, earlier map[string][]string, entry, proxyDir string, env []string) {
	for _, m := range ws.published() {
		prev := earlier[m.dir]
		if len(prev) == 0 {
			tag := "v0.1.0"
			if m.dir != "." {
				tag = m.dir + "/" + tag
			}
			step("  %s: no earlier release tag, nothing to compare (gorelease runs once a tag such as %s exists)", m.path, tag)
			continue
		}
		base := prev[len(prev)-1]
		if dirty, _ := output(ws.repo, nil, "git", "status", "--porcelain"); strings.TrimSpace(dirty) != "" {
			c.failf("%s: gorelease against %s needs a clean git work tree: commit first", m.dir, base)
			continue
		}
		// gorelease refuses a version the proxy already has: hide this
		// module's candidate while it runs (other modules' stay, as the
		// candidate may require them at the version).
		restore, err := hideVersion(proxyDir, m.path, version)
		if err != nil {
			c.failf("%s: %v", m.dir, err)
			continue
		}
		cmd := exec.Command("go", "run", gorelease, "-base="+base, "-version="+version)
		cmd.Dir = m.abs
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if rerr := restore(); rerr != nil {
			c.failf("%s: %v", m.dir, rerr)
		}
		report := strings.TrimSpace(string(out))
		step("  %s: gorelease -base=%s -version=%s:\n%s", m.path, base, version, indent(report))
		for _, p := range judgeGorelease(report, err, entry) {
			c.failf("%s: gorelease against %s: %s", m.dir, base, p)
		}
	}
}

func indent(s string) string {
	if s == "" {
		return "    (no output)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// hideVersion takes one module version out of the file proxy and returns
// the function that puts it back.
func hideVersion(proxyDir, modPath, version string) (func() error, error) {
	vdir := filepath.Join(proxyDir, mustEscape(modPath), "@v")
	listName := filepath.Join(vdir, "list")
	list, err := os.ReadFile(listName)
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, v := range strings.Fields(string(list)) {
		if v != version {
			kept = append(kept, v)
		}
	}
	hidden := filepath.Join(vdir, "hidden")
	if err := os.Mkdir(hidden, 0o755); err != nil {
		return nil, err
	}
	exts := []string{".info", ".mod", ".zip"}
	for _, ext := range exts {
		if err := os.Rename(filepath.Join(vdir, version+ext), filepath.Join(hidden, version+ext)); err != nil {
			return nil, err
		}
	}
	if err := os.WriteFile(listName, []byte(strings.Join(kept, "\n")+"\n"), 0o644); err != nil {
		return nil, err
	}
	return func() error {
		for _, ext := range exts {
			if err := os.Rename(filepath.Join(hidden, version+ext), filepath.Join(vdir, version+ext)); err != nil {
				return err
			}
		}
		if err := os.Remove(hidden); err != nil {
			return err
		}
		return os.WriteFile(listName, list, 0o644)
	}, nil
}

// benignDiagnostic is the one gorelease diagnostic that does not fail the
// check: a submodule's go.sum cannot hold the sum of the root's zip at a
// version that is not tagged yet, and a module's go.sum is never read by
// its consumers.
const benignDiagnostic = "go.sum: one or more sums are missing."

// judgeGorelease returns the problems in a gorelease report (empty when
// the release is fine): an invalid version (gorelease's semver rules), any
// diagnostic but benignDiagnostic, a run that failed otherwise, and
// incompatible changes that the CHANGELOG entry does not name under a
// "Breaking" heading (gorelease lets a v0 module break in any release).
func judgeGorelease(report string, runErr error, entry string) []string {
	var problems []string
	if strings.Contains(report, "is not a valid semantic version") {
		problems = append(problems, "the version is not valid for these changes (see its summary)")
	}
	section := ""
	for _, line := range strings.Split(report, "\n") {
		if strings.HasPrefix(line, "# ") {
			section = line
			continue
		}
		if section == "# diagnostics" && strings.TrimSpace(line) != "" && !strings.HasPrefix(line, "\t") && !strings.HasPrefix(line, "Run ") {
			if !strings.HasPrefix(line, benignDiagnostic) {
				problems = append(problems, "diagnostic: "+line)
			}
			continue
		}
	}
	if runErr != nil && len(problems) == 0 && !strings.Contains(report, "# summary") {
		problems = append(problems, "did not run: "+runErr.Error())
	}
	if strings.Contains(report, "## incompatible changes") && !regexp.MustCompile(`(?mi)^#+\s*breaking`).MatchString(entry) {
		problems = append(problems, "incompatible API changes, and the CHANGELOG.md entry has no \"### Breaking\" part naming them")
	}
	return problems
}
