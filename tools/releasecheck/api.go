package main

import (
	"os"
	"os/exec"
	"path/filepath"
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
// earlier release. An incompatible change fails unless the version allows
// it (gorelease's rule) and the CHANGELOG entry has a "Breaking" section.
func checkAPI(c *checker, ws *workspace, version string, earlier map[string][]string, entry string, env []string) {
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
		cmd := exec.Command("go", "run", gorelease, "-base="+base, "-version="+version)
		cmd.Dir = m.abs
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		report := strings.TrimSpace(string(out))
		step("  %s: gorelease -base=%s -version=%s:\n%s", m.path, base, version, indent(report))
		if err != nil {
			c.failf("%s: gorelease against %s: %v", m.dir, base, err)
			continue
		}
		if strings.Contains(strings.ToLower(report), "incompatible changes") && !strings.Contains(strings.ToLower(entry), "breaking") {
			c.failf("%s: incompatible API changes since %s, and the CHANGELOG.md entry for %s has no \"Breaking\" section naming them", m.dir, base, version)
		}
	}
}

func indent(s string) string {
	if s == "" {
		return "    (no output)"
	}
	return "    " + strings.ReplaceAll(s, "\n", "\n    ")
}
