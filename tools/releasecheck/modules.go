package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/modfile"
)

// unpublishedFile lists, one directory a line, the modules that are not
// released (benchmarks, tools). Every other module in go.work is.
const unpublishedFile = ".ci/unpublished"

// gomod is one go.mod of the repository.
type gomod struct {
	dir       string // slash path from the repository root; "." for the root
	abs       string
	path      string
	file      *modfile.File
	published bool
}

// workspace is the repository's modules as go.work and git see them.
type workspace struct {
	repo        string
	root        *gomod
	mods        []*gomod // sorted by dir, root first
	rootVersion string   // the root's version in go.work's replace line
	notInWork   []string // dirs with a go.mod that go.work does not use
	problems    []string // found while loading
}

func (ws *workspace) published() []*gomod {
	var out []*gomod
	for _, m := range ws.mods {
		if m.published {
			out = append(out, m)
		}
	}
	return out
}

func (ws *workspace) publishedPaths() []string {
	var out []string
	for _, m := range ws.published() {
		out = append(out, m.path)
	}
	return out
}

// byPath returns the module of this repository with that path, or nil.
func (ws *workspace) byPath(p string) *gomod {
	for _, m := range ws.mods {
		if m.path == p {
			return m
		}
	}
	return nil
}

// ours reports whether a module path belongs to this repository's tree.
func (ws *workspace) ours(p string) bool {
	return p == ws.root.path || strings.HasPrefix(p, ws.root.path+"/")
}

func loadWorkspace(repo string) (*workspace, error) {
	ws := &workspace{repo: repo}
	workData, err := os.ReadFile(filepath.Join(repo, "go.work"))
	if err != nil {
		return nil, fmt.Errorf("the repository needs a go.work: %w", err)
	}
	work, err := modfile.ParseWork("go.work", workData, nil)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{}
	for _, u := range work.Use {
		used[path.Clean(filepath.ToSlash(u.Path))] = true
	}
	unpublished, err := readUnpublished(repo)
	if err != nil {
		return nil, err
	}

	out, err := output(repo, nil, "git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "go.mod", "*/go.mod")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" || strings.Contains("/"+line, "/testdata/") {
			continue
		}
		dir := path.Dir(line)
		if _, err := os.Stat(filepath.Join(repo, line)); err != nil {
			continue // deleted in the work tree
		}
		seen[dir] = true
		if !used[dir] {
			ws.notInWork = append(ws.notInWork, dir)
			continue
		}
		m, err := readModule(repo, dir)
		if err != nil {
			return nil, err
		}
		m.published = !unpublished[dir]
		delete(unpublished, dir)
		ws.mods = append(ws.mods, m)
	}
	for dir := range used {
		if !seen[dir] {
			ws.problems = append(ws.problems, fmt.Sprintf("go.work uses %s, which has no go.mod", dir))
		}
	}
	for dir := range unpublished {
		ws.problems = append(ws.problems, fmt.Sprintf("%s names %s, which is no module in go.work", unpublishedFile, dir))
	}
	sort.Slice(ws.mods, func(i, j int) bool { return ws.mods[i].dir < ws.mods[j].dir })
	sort.Strings(ws.notInWork)
	sort.Strings(ws.problems)
	if len(ws.mods) == 0 || ws.mods[0].dir != "." {
		return nil, fmt.Errorf("no root module (go.mod at the top, used by go.work)")
	}
	ws.root = ws.mods[0]
	for _, r := range work.Replace {
		if r.Old.Path == ws.root.path && path.Clean(r.New.Path) == "." {
			ws.rootVersion = r.Old.Version
		}
	}
	return ws, nil
}

func readModule(repo, dir string) (*gomod, error) {
	abs := filepath.Join(repo, filepath.FromSlash(dir))
	name := filepath.Join(abs, "go.mod")
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	f, err := modfile.Parse(name, data, nil)
	if err != nil {
		return nil, err
	}
	if f.Module == nil {
		return nil, fmt.Errorf("%s has no module line", name)
	}
	return &gomod{dir: dir, abs: abs, path: f.Module.Mod.Path, file: f}, nil
}

// readUnpublished reads unpublishedFile: one directory a line, # comments.
func readUnpublished(repo string) (map[string]bool, error) {
	set := map[string]bool{}
	f, err := os.Open(filepath.Join(repo, unpublishedFile))
	if os.IsNotExist(err) {
		return set, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line != "" {
			set[path.Clean(strings.TrimPrefix(line, "./"))] = true
		}
	}
	return set, sc.Err()
}

// checkModules checks the go.mod files against the release.
func checkModules(c *checker, ws *workspace, version string) {
	for _, p := range ws.problems {
		c.failf("%s", p)
	}
	for _, dir := range ws.notInWork {
		c.failf("%s/go.mod is not in go.work: run go work use ./%s (and list it in %s if it is not published)", dir, dir, unpublishedFile)
	}
	if ws.rootVersion == "" {
		c.failf("go.work does not pin the root: add replace %s %s => ./", ws.root.path, version)
	} else if ws.rootVersion != version {
		c.failf("go.work pins the root at %s, the release is %s", ws.rootVersion, version)
	}
	for _, m := range ws.mods {
		if m.dir != "." && m.path != ws.root.path+"/"+m.dir {
			c.failf("%s/go.mod: module %s; a module in directory %s must be %s/%s, or tag %s/%s does not name it",
				m.dir, m.path, m.dir, ws.root.path, m.dir, m.dir, version)
		}
		if m.published {
			for _, r := range m.file.Replace {
				c.failf("%s/go.mod: replace %s => %s: a published go.mod has no replace (consumers ignore it); use go.work", m.dir, r.Old.Path, r.New.Path)
			}
		}
		for _, r := range m.file.Require {
			if !ws.ours(r.Mod.Path) {
				continue
			}
			dep := ws.byPath(r.Mod.Path)
			switch {
			case dep == nil:
				c.failf("%s/go.mod requires %s, which is no module of this repository", m.dir, r.Mod.Path)
			case m.published && !dep.published:
				c.failf("%s/go.mod requires %s, which is not published", m.dir, r.Mod.Path)
			case r.Mod.Version != version:
				c.failf("%s/go.mod requires %s %s, but the release is %s", m.dir, r.Mod.Path, r.Mod.Version, version)
			}
		}
	}
	step("  %d modules in go.work; published: %s", len(ws.mods), strings.Join(ws.publishedPaths(), " "))
}

// checkWorkSync runs `go work sync` and fails if it changed a go.mod or
// go.sum; it puts the files back as they were.
func checkWorkSync(c *checker, repo string) {
	var names []string
	out, err := output(repo, nil, "git", "ls-files", "--cached", "--others", "--exclude-standard", "--", "go.mod", "*/go.mod", "go.sum", "*/go.sum", "go.work.sum")
	if err != nil {
		c.failf("listing go.mod files: %v", err)
		return
	}
	before := map[string][]byte{}
	for _, n := range strings.Fields(out) {
		data, err := os.ReadFile(filepath.Join(repo, n))
		if err == nil {
			names = append(names, n)
			before[n] = data
		}
	}
	cmd := exec.Command("go", "work", "sync")
	cmd.Dir = repo
	msg, err := cmd.CombinedOutput()
	if err != nil {
		c.failf("go work sync: %v\n%s", err, msg)
	}
	var changed []string
	for _, n := range names {
		after, _ := os.ReadFile(filepath.Join(repo, n))
		if !bytes.Equal(after, before[n]) {
			changed = append(changed, n)
			_ = os.WriteFile(filepath.Join(repo, n), before[n], 0o644)
		}
	}
	if len(changed) > 0 {
		c.failf("go work sync changes %s: run it and commit the result", strings.Join(changed, ", "))
		return
	}
	step("  go work sync: clean")
}

// output runs a command in dir and returns its standard output; the error
// carries its standard error.
func output(dir string, env []string, name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, stderr.String())
	}
	return string(out), nil
}
