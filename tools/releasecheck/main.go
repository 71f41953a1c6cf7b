// Command releasecheck tests a release of this repository's Go modules
// before it exists: it does what a user's `go get` will do after the tag.
//
//	go run ./tools/releasecheck [-repo DIR] [-version vX.Y.Z] [-keep]
//
// Steps, each printed as one line, all failures reported:
//
//  1. Modules: every go.mod in the repository is in go.work; a module is
//     published unless .ci/unpublished names its directory. A published
//     go.mod has no replace directive and requires this repository's
//     modules only at the version being released, and only published ones.
//     `go work sync` changes nothing.
//  2. LICENSE: every published module has one, identical to the root's,
//     that github.com/google/licensecheck (the scanner pkg.go.dev uses)
//     recognises as Apache-2.0 with at least 90% coverage.
//  3. CHANGELOG.md has an entry (a "## vX.Y.Z" heading) for the version.
//  4. A file-based module proxy (GOPROXY=file://…) holds every published
//     module at the version (zips made with golang.org/x/mod/zip from the
//     files git would commit) and at every earlier release tag.
//  5. gorelease compares each published module with its previous release
//     tag (vX.Y.Z for the root, dir/vX.Y.Z for a submodule) when there is
//     one, so an API break in a version that does not allow it fails.
//  6. Consumer: a new module outside the repository, with an empty module
//     cache and GOFLAGS=-mod=mod, `go get`s each published module at the
//     version from that proxy, builds, vets and runs a program importing
//     every package, `go install`s every command, and fails if its build
//     list holds one of our modules at another version.
//
// The version defaults to the one go.work's replace line pins the root
// module at (the version the submodules require it at).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	repo := flag.String("repo", "", "repository root (default: git's top level of the current directory)")
	version := flag.String("version", "", "version being released (default: the root module's version in go.work's replace)")
	keep := flag.Bool("keep", false, "keep the temporary proxy and consumer directories")
	hostCache := flag.Bool("host-cache", true, "let the consumer fetch third-party modules from the host's module cache before the real proxy (faster; our modules never come from there)")
	flag.Parse()
	if err := run(*repo, *version, *keep, *hostCache); err != nil {
		fmt.Fprintln(os.Stderr, "releasecheck: FAIL:", err)
		os.Exit(1)
	}
}

// checker collects failures so that one run reports all of them.
type checker struct {
	fails []string
}

func (c *checker) failf(format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	c.fails = append(c.fails, msg)
	fmt.Println("releasecheck:   FAIL", msg)
}

func step(format string, args ...any) {
	fmt.Printf("releasecheck: "+format+"\n", args...)
}

func run(repo, version string, keep, hostCache bool) error {
	start := time.Now()
	if repo == "" {
		top, err := output("", nil, "git", "rev-parse", "--show-toplevel")
		if err != nil {
			return err
		}
		repo = strings.TrimSpace(top)
	}
	repo, err := filepath.Abs(repo)
	if err != nil {
		return err
	}
	c := &checker{}

	ws, err := loadWorkspace(repo)
	if err != nil {
		return err
	}
	if version == "" {
		version = ws.rootVersion
	}
	if version == "" {
		return fmt.Errorf("no version: give -version or pin the root in go.work (replace %s vX.Y.Z => ./)", ws.root.path)
	}
	step("checking the release of %s at %s (%d modules published: %s)", ws.root.path, version, len(ws.published()), strings.Join(ws.publishedPaths(), ", "))

	step("1/6 go.mod files and go.work")
	checkModules(c, ws, version)
	checkWorkSync(c, repo)

	step("2/6 LICENSE of each published module (licensecheck)")
	checkLicenses(c, ws)

	step("3/6 CHANGELOG.md entry for %s", version)
	entry := checkChangelog(c, repo, version)

	tmp, err := os.MkdirTemp("", "releasecheck-")
	if err != nil {
		return err
	}
	if keep {
		step("keeping %s", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}

	step("4/6 file proxy of the published modules")
	proxyDir := filepath.Join(tmp, "proxy")
	tags, err := buildProxy(c, ws, version, proxyDir)
	if err != nil {
		return err
	}
	env := goEnv(proxyDir, ws.root.path, hostCache)

	step("5/6 gorelease against the previous release")
	checkAPI(c, ws, version, tags, entry, proxyDir, env)

	step("6/6 consumer: go get, build, vet, run")
	checkConsumer(c, ws, version, filepath.Join(tmp, "consumer"), env)

	if len(c.fails) > 0 {
		return fmt.Errorf("%d problem(s):\n  %s", len(c.fails), strings.Join(c.fails, "\n  "))
	}
	step("ok: %s at %s is ready to tag (%.1fs)", strings.Join(ws.publishedPaths(), ", "), version, time.Since(start).Seconds())
	return nil
}
