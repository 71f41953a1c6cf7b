package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// checkConsumer plays a user in a new module in dir: `go get` of every
// published module at version (through env's file proxy, empty module
// cache, GOFLAGS=-mod=mod), then a program that imports every library
// package and uses the root's WriteFile is built, vetted and run, every
// command is installed with `go install path@version`, the published
// packages themselves are vetted as the consumer sees them (tests
// included), and the build list must hold our modules at version only.
func checkConsumer(c *checker, ws *workspace, version, dir string, env []string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.failf("consumer: %v", err)
		return
	}
	gocmd := func(args ...string) (string, error) {
		t0 := time.Now()
		cmd := exec.Command("go", args...)
		cmd.Dir = dir
		cmd.Env = env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		step("  go %s (%.1fs)", strings.Join(args, " "), time.Since(t0).Seconds())
		if err != nil {
			msg := strings.TrimSpace(string(out) + "\n" + stderr.String())
			return string(out), fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, indent(msg))
		}
		return string(out), nil
	}
	fail := func(err error) { c.failf("consumer: %v", err) }

	if _, err := gocmd("mod", "init", "example.com/consumer"); err != nil {
		fail(err)
		return
	}
	// The oldest Go the modules support, so the consumer's own code is
	// checked at that language version.
	if goVersion := ws.root.file.Go; goVersion != nil {
		if _, err := gocmd("mod", "edit", "-go="+goVersion.Version); err != nil {
			fail(err)
			return
		}
	}
	args := []string{"get"}
	for _, p := range ws.publishedPaths() {
		args = append(args, p+"@"+version)
	}
	if _, err := gocmd(args...); err != nil {
		fail(err)
		return
	}

	// The packages are those of the repository (a "path/..." pattern in
	// the consumer misses some); the consumer must find each of them.
	pkgs, err := repoPackages(ws)
	if err != nil {
		fail(err)
		return
	}
	out, err := gocmd(append([]string{"list", "-e", "-f", "{{.ImportPath}}\t{{.Name}}\t{{with .Module}}{{.Path}}{{end}}\t{{if .Error}}{{.Error}}{{end}}"}, pkgs...)...)
	if err != nil {
		fail(err)
		return
	}
	var libs, cmds []string
	cmdsOf := map[string][]string{} // module path -> its commands
	for _, line := range strings.Split(out, "\n") {
		f := strings.SplitN(line, "\t", 4)
		if len(f) < 4 {
			if strings.TrimSpace(line) != "" {
				c.failf("consumer: go list printed %q", line)
			}
			continue
		}
		imp, name, modPath, perr := f[0], f[1], f[2], f[3]
		if perr != "" {
			c.failf("consumer: package %s: %s", imp, perr)
			continue
		}
		if strings.Contains(imp+"/", "/internal/") {
			continue
		}
		if name == "main" {
			cmds = append(cmds, imp)
			cmdsOf[modPath] = append(cmdsOf[modPath], imp+"@"+version)
		} else {
			libs = append(libs, imp)
		}
	}
	sort.Strings(libs)
	sort.Strings(cmds)
	step("  %d library packages, %d commands", len(libs), len(cmds))
	if err := os.WriteFile(filepath.Join(dir, "main.go"), []byte(consumerProgram(ws.root.path, libs)), 0o644); err != nil {
		fail(err)
		return
	}
	for _, step := range [][]string{
		{"mod", "tidy"},
		{"build", "./..."},
		{"vet", "./..."},
		{"run", "."},
		{"mod", "verify"},
	} {
		if out, err := gocmd(step...); err != nil {
			fail(err)
			return
		} else if step[0] == "run" {
			fmt.Print(indent(strings.TrimSpace(out)), "\n")
		}
	}
	// As a user installs a command: `go install path@version` ignores the
	// consumer's go.mod and refuses a command whose go.mod has a replace.
	// One call per module (go install wants that).
	for _, p := range ws.publishedPaths() {
		if len(cmdsOf[p]) == 0 {
			continue
		}
		if _, err := gocmd(append([]string{"install"}, cmdsOf[p]...)...); err != nil {
			fail(err)
		}
	}
	// Vet our packages as they come out of the module zips, tests
	// included: a test file that needs something the zip lacks fails here.
	if _, err := gocmd(append([]string{"vet"}, append(libs, cmds...)...)...); err != nil {
		fail(err)
	}

	out, err = gocmd("list", "-m", "-f", "{{.Path}} {{.Version}}", "all")
	if err != nil {
		fail(err)
		return
	}
	n := 0
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		path, v, _ := strings.Cut(line, " ")
		if !ws.ours(path) {
			continue
		}
		n++
		m := ws.byPath(path)
		switch {
		case m == nil || !m.published:
			c.failf("consumer: the build list holds %s %s, which this release does not publish", path, v)
		case v != version:
			c.failf("consumer: the build list holds %s at %s, not at the version being released (%s)", path, v, version)
		}
	}
	step("  build list: %d of our modules, all at %s", n, version)
}

// consumerProgram imports every library package and writes a file with
// the root package's WriteFile on afero's MemMapFs.
func consumerProgram(rootPath string, libs []string) string {
	var b strings.Builder
	b.WriteString("// Command consumer is what a user of the release builds.\npackage main\n\nimport (\n\t\"fmt\"\n\t\"os\"\n\n\t\"github.com/spf13/afero\"\n\n")
	fmt.Fprintf(&b, "\ttempfs %q\n", rootPath)
	for _, p := range libs {
		if p != rootPath {
			fmt.Fprintf(&b, "\t_ %q\n", p)
		}
	}
	b.WriteString(`)

func main() {
	fsys := afero.NewMemMapFs()
	if err := tempfs.WriteFile(fsys, "/hello.txt", []byte("hello"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	data, err := afero.ReadFile(fsys, "/hello.txt")
	if err != nil || string(data) != "hello" {
		fmt.Fprintln(os.Stderr, "read back:", string(data), err)
		os.Exit(1)
	}
	fmt.Printf("consumer: WriteFile wrote and read back %q\n", data)
}
`)
	return b.String()
}

// repoPackages lists the import paths of the published modules' packages,
// internal ones left out (a consumer cannot import them).
func repoPackages(ws *workspace) ([]string, error) {
	var pkgs []string
	for _, m := range ws.published() {
		out, err := output(m.abs, nil, "go", "list", "-f", "{{.ImportPath}}\t{{with .Module}}{{.Path}}{{end}}", "./...")
		if err != nil {
			return nil, err
		}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			imp, modPath, _ := strings.Cut(line, "\t")
			if modPath == m.path && !strings.Contains(imp+"/", "/internal/") {
				pkgs = append(pkgs, imp)
			}
		}
	}
	return pkgs, nil
}
