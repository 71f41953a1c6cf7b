package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/mod/module"
	"golang.org/x/mod/semver"
	"golang.org/x/mod/zip"
)

// diskFile is a file of the work tree, for zip.Create.
type diskFile struct{ rel, abs string }

func (f diskFile) Path() string                 { return f.rel }
func (f diskFile) Lstat() (os.FileInfo, error)  { return os.Lstat(f.abs) }
func (f diskFile) Open() (io.ReadCloser, error) { return os.Open(f.abs) }

// buildProxy writes a GOPROXY file tree into dir: every published module at
// version, made from the files git would commit (tracked and untracked, not
// ignored: the work tree as it would be tagged), and at every earlier
// release tag, made from the tag as the go command makes it. It returns,
// per module dir, the earlier release versions, oldest first.
func buildProxy(c *checker, ws *workspace, version, dir string) (map[string][]string, error) {
	headTime, err := commitTime(ws.repo, "HEAD")
	if err != nil {
		return nil, err
	}
	head, err := output(ws.repo, nil, "git", "rev-parse", "HEAD")
	if err != nil {
		return nil, err
	}
	tagList, err := output(ws.repo, nil, "git", "tag", "--list")
	if err != nil {
		return nil, err
	}
	earlier := map[string][]string{}
	for _, m := range ws.published() {
		var buf bytes.Buffer
		files, err := workTreeFiles(m.abs)
		if err != nil {
			return nil, err
		}
		cf, err := zip.CheckFiles(files)
		if err != nil {
			c.failf("%s: module zip: %v", m.dir, err)
			continue
		}
		for _, o := range cf.Omitted {
			if !strings.Contains(o.Err.Error(), "another module") {
				step("  %s: left out of the zip: %s (%v)", m.dir, o.Path, o.Err)
			}
		}
		if err := zip.Create(&buf, module.Version{Path: m.path, Version: version}, files); err != nil {
			c.failf("%s: module zip: %v", m.dir, err)
			continue
		}
		gomod, err := os.ReadFile(filepath.Join(m.abs, "go.mod"))
		if err != nil {
			return nil, err
		}
		if err := writeVersion(dir, m.path, version, headTime, gomod, buf.Bytes()); err != nil {
			return nil, err
		}
		versions := []string{version}
		prefix := ""
		if m.dir != "." {
			prefix = m.dir + "/"
		}
		for _, tag := range strings.Fields(tagList) {
			v, ok := strings.CutPrefix(tag, prefix)
			if !ok || !semver.IsValid(v) || semver.Canonical(v) != v {
				continue
			}
			if cmp := semver.Compare(v, version); cmp > 0 {
				continue
			} else if cmp == 0 {
				at, _ := output(ws.repo, nil, "git", "rev-list", "-n1", tag)
				if strings.TrimSpace(at) != strings.TrimSpace(head) {
					c.failf("%s: tag %s exists on another commit: pin the next version (go.work replace, submodule requires, CHANGELOG.md)", m.dir, tag)
				}
				continue
			}
			if err := addTag(ws, m, tag, v, dir); err != nil {
				c.failf("%s: release %s: %v", m.dir, tag, err)
				continue
			}
			earlier[m.dir] = append(earlier[m.dir], v)
			versions = append(versions, v)
		}
		semver.Sort(versions)
		semver.Sort(earlier[m.dir])
		list := strings.Join(versions, "\n") + "\n"
		if err := os.WriteFile(filepath.Join(dir, mustEscape(m.path), "@v", "list"), []byte(list), 0o644); err != nil {
			return nil, err
		}
		step("  %s: zip of %d files, %d bytes; versions in the proxy: %s", m.path, len(cf.Valid), buf.Len(), strings.Join(versions, " "))
	}
	return earlier, nil
}

// addTag adds module m at release tag (version v) to the proxy.
func addTag(ws *workspace, m *gomod, tag, v, dir string) error {
	var buf bytes.Buffer
	subdir := ""
	if m.dir != "." {
		subdir = m.dir
	}
	if err := zip.CreateFromVCS(&buf, module.Version{Path: m.path, Version: v}, ws.repo, tag, subdir); err != nil {
		return err
	}
	gomod, err := output(ws.repo, nil, "git", "show", tag+":"+strings.TrimPrefix(subdir+"/go.mod", "/"))
	if err != nil {
		return err
	}
	t, err := commitTime(ws.repo, tag)
	if err != nil {
		return err
	}
	return writeVersion(dir, m.path, v, t, []byte(gomod), buf.Bytes())
}

// writeVersion writes the .info, .mod and .zip of one module version.
func writeVersion(dir, modPath, version, time string, gomod, zipData []byte) error {
	vdir := filepath.Join(dir, mustEscape(modPath), "@v")
	if err := os.MkdirAll(vdir, 0o755); err != nil {
		return err
	}
	ev, err := module.EscapeVersion(version)
	if err != nil {
		return err
	}
	info, err := json.Marshal(struct{ Version, Time string }{version, time})
	if err != nil {
		return err
	}
	for ext, data := range map[string][]byte{".info": info, ".mod": gomod, ".zip": zipData} {
		if err := os.WriteFile(filepath.Join(vdir, ev+ext), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// workTreeFiles lists the files under dir that git would commit.
func workTreeFiles(dir string) ([]zip.File, error) {
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("git ls-files in %s: %w", dir, err)
	}
	var files []zip.File
	seen := map[string]bool{}
	for _, rel := range strings.Split(string(out), "\x00") {
		if rel == "" || seen[rel] {
			continue
		}
		seen[rel] = true
		abs := filepath.Join(dir, filepath.FromSlash(rel))
		if _, err := os.Lstat(abs); err != nil {
			continue // deleted in the work tree
		}
		files = append(files, diskFile{rel: rel, abs: abs})
	}
	sort.Slice(files, func(i, j int) bool { return files[i].Path() < files[j].Path() })
	return files, nil
}

func commitTime(repo, rev string) (string, error) {
	out, err := output(repo, nil, "git", "log", "-1", "--format=%cI", rev)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

func mustEscape(p string) string {
	e, err := module.EscapePath(p)
	if err != nil {
		panic(err) // module paths come from parsed go.mod files
	}
	return e
}
