//go:build linux

package memfs_test

import (
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/tempfs-go/tempfs/memfs"
)

// diffNames are the names the differential test works on: files,
// directories and links may appear under any of them.
var diffNames = []string{"a", "b", "c", "d", "e", "d/a", "d/b", "d/e", "e/a", "d/e/a", "l", "d/l", "a/", "d/", "d/."}

// diffTargets are symbolic link targets: relative, absolute (rooted in the
// test's directory), dangling, and self-referencing.
var diffTargets = []string{"a", "b", "d", "e", "..", "../a", "d/a", "l", "missing", "/a", "/d", "/d/e", "/l"}

var diffFlags = []int{
	os.O_RDONLY, os.O_WRONLY, os.O_RDWR,
	os.O_RDWR | os.O_CREATE, os.O_WRONLY | os.O_CREATE | os.O_TRUNC, os.O_RDWR | os.O_CREATE | os.O_EXCL,
	os.O_WRONLY | os.O_APPEND, os.O_RDWR | os.O_APPEND | os.O_CREATE, os.O_RDONLY | os.O_TRUNC,
	os.O_RDONLY | os.O_CREATE, os.O_WRONLY | os.O_CREATE | os.O_EXCL | os.O_APPEND,
}

var diffPerms = []fs.FileMode{0o700, 0o600, 0o644, 0o755, 0o400, 0o500, 0o300, 0o200, 0o100, 0o000, 0o1777, 0o2755}

// side is one of the two file systems under comparison.
type side struct {
	fsys  afero.Fs
	root  string // prefix of every name: /w in memfs, <temp dir>/w on disk
	files []afero.File
}

func (s *side) path(name string) string { return s.root + "/" + name }

func (s *side) target(t string) string {
	if strings.HasPrefix(t, "/") {
		return s.root + t
	}
	return t
}

// outcome is what one step returned, in terms both sides share: the error's
// type, op and errno (or its innermost message), and the values.
func (s *side) outcome(err error, vals ...any) string {
	out := fmt.Sprint(vals...)
	out = strings.ReplaceAll(out, s.root, "")
	return out + " err=" + errClass(err)
}

func errClass(err error) string {
	if err == nil {
		return "nil"
	}
	var pe *fs.PathError
	var le *os.LinkError
	op := "-"
	switch {
	case errors.As(err, &pe):
		op = pe.Op
	case errors.As(err, &le):
		op = le.Op
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return fmt.Sprintf("%T/%s/%s", err, op, errno.Error())
	}
	for errors.Unwrap(err) != nil {
		err = errors.Unwrap(err)
	}
	return fmt.Sprintf("%s/%s", op, err.Error())
}

// step runs one operation, drawn from rt, on both sides and returns the two
// outcomes.
type step struct {
	name string
	run  func(s *side) string
}

func drawStep(rt *rapid.T, nfiles int) step {
	name := rapid.SampledFrom(diffNames)
	kinds := []string{"open", "mkdir", "rename", "remove", "removeall", "symlink", "link", "chmod",
		"stat", "lstat", "readlink", "readdir", "readfile"}
	if nfiles > 0 {
		kinds = append(kinds, "write", "read", "seek", "readat", "writeat", "truncate", "close", "fstat",
			"write", "read", "seek")
	}
	kind := rapid.SampledFrom(kinds).Draw(rt, "op")
	h := 0
	if nfiles > 0 {
		h = rapid.IntRange(0, nfiles-1).Draw(rt, "handle")
	}
	data := func() []byte { return rapid.SliceOfN(rapid.Byte(), 0, 24).Draw(rt, "data") }
	off := func() int64 { return rapid.Int64Range(-3, 40).Draw(rt, "off") }
	switch kind {
	case "open":
		n, fl, perm := name.Draw(rt, "name"), rapid.SampledFrom(diffFlags).Draw(rt, "flag"), rapid.SampledFrom(diffPerms).Draw(rt, "perm")
		return step{fmt.Sprintf("open %s %#o %v", n, fl, perm), func(s *side) string {
			f, err := s.fsys.OpenFile(s.path(n), fl, perm)
			if err == nil {
				s.files = append(s.files, f)
			}
			return s.outcome(err)
		}}
	case "mkdir":
		n, perm := name.Draw(rt, "name"), rapid.SampledFrom(diffPerms).Draw(rt, "perm")
		return step{fmt.Sprintf("mkdir %s %v", n, perm), func(s *side) string {
			return s.outcome(s.fsys.Mkdir(s.path(n), perm))
		}}
	case "rename", "link":
		a, b := name.Draw(rt, "old"), name.Draw(rt, "new")
		return step{kind + " " + a + " " + b, func(s *side) string {
			if kind == "link" {
				if l, ok := s.fsys.(interface{ Link(o, n string) error }); ok {
					return s.outcome(l.Link(s.path(a), s.path(b)))
				}
				return s.outcome(os.Link(s.path(a), s.path(b)))
			}
			return s.outcome(s.fsys.Rename(s.path(a), s.path(b)))
		}}
	case "remove", "removeall", "stat", "lstat", "readlink", "readfile", "readdir":
		n := name.Draw(rt, "name")
		page := rapid.IntRange(-1, 3).Draw(rt, "page")
		return step{kind + " " + n, func(s *side) string { return s.nameOp(kind, s.path(n), page) }}
	case "symlink":
		tg, n := rapid.SampledFrom(diffTargets).Draw(rt, "target"), name.Draw(rt, "name")
		return step{"symlink " + tg + " " + n, func(s *side) string {
			return s.outcome(s.fsys.(afero.Linker).SymlinkIfPossible(s.target(tg), s.path(n)))
		}}
	case "chmod":
		n, perm := name.Draw(rt, "name"), rapid.SampledFrom(diffPerms).Draw(rt, "perm")
		return step{fmt.Sprintf("chmod %s %v", n, perm), func(s *side) string {
			return s.outcome(s.fsys.Chmod(s.path(n), perm))
		}}
	case "write", "writeat":
		p, o := data(), off()
		return step{fmt.Sprintf("%s #%d %q @%d", kind, h, p, o), func(s *side) string {
			if kind == "write" {
				n, err := s.files[h].Write(p)
				return s.outcome(err, n)
			}
			n, err := s.files[h].WriteAt(p, o)
			return s.outcome(err, n)
		}}
	case "read", "readat":
		size, o := rapid.IntRange(0, 30).Draw(rt, "size"), off()
		return step{fmt.Sprintf("%s #%d %d @%d", kind, h, size, o), func(s *side) string {
			buf := make([]byte, size)
			var n int
			var err error
			if kind == "read" {
				n, err = s.files[h].Read(buf)
			} else {
				n, err = s.files[h].ReadAt(buf, o)
			}
			return s.outcome(err, n, fmt.Sprintf(" %q", buf[:max(n, 0)]))
		}}
	case "seek":
		o, whence := off(), rapid.IntRange(0, 2).Draw(rt, "whence")
		return step{fmt.Sprintf("seek #%d %d %d", h, o, whence), func(s *side) string {
			if isDirHandle(s.files[h]) {
				return "skipped: directory"
			}
			pos, err := s.files[h].Seek(o, whence)
			return s.outcome(err, pos)
		}}
	case "truncate":
		size := rapid.Int64Range(-1, 40).Draw(rt, "size")
		return step{fmt.Sprintf("truncate #%d %d", h, size), func(s *side) string {
			return s.outcome(s.files[h].Truncate(size))
		}}
	case "close":
		return step{fmt.Sprintf("close #%d", h), func(s *side) string { return s.outcome(s.files[h].Close()) }}
	default: // fstat
		return step{fmt.Sprintf("fstat #%d", h), func(s *side) string {
			fi, err := s.files[h].Stat()
			return s.outcome(err, describe(fi))
		}}
	}
}

func isDirHandle(f afero.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.IsDir()
}

// nameOp runs an operation on a name that gives back a value to compare.
func (s *side) nameOp(kind, p string, page int) string {
	switch kind {
	case "remove":
		return s.outcome(s.fsys.Remove(p))
	case "removeall":
		return s.outcome(s.fsys.RemoveAll(p))
	case "stat":
		fi, err := s.fsys.Stat(p)
		return s.outcome(err, describe(fi))
	case "lstat":
		fi, _, err := s.fsys.(afero.Lstater).LstatIfPossible(p)
		out := describe(fi)
		if tg, err := s.fsys.(afero.LinkReader).ReadlinkIfPossible(p); err == nil && strings.HasPrefix(tg, "/") {
			// An absolute target holds the side's root: leave its size out.
			out = strings.Split(out, " size=")[0]
		}
		return s.outcome(err, out)
	case "readlink":
		tg, err := s.fsys.(afero.LinkReader).ReadlinkIfPossible(p)
		return s.outcome(err, tg)
	case "readfile":
		b, err := afero.ReadFile(s.fsys, p)
		return s.outcome(err, fmt.Sprintf("%q", b))
	}
	d, err := s.fsys.Open(p)
	if err != nil {
		return s.outcome(err)
	}
	defer d.Close()
	var all, pages []string
	for {
		names, err := d.Readdirnames(page)
		all = append(all, names...)
		pages = append(pages, fmt.Sprint(len(names)))
		if err != nil || page <= 0 {
			slices.Sort(all)
			return s.outcome(err, all, pages)
		}
	}
}

// describe is what both sides must agree on in a FileInfo: type and mode,
// size of files and links, link count of files.
func describe(fi fs.FileInfo) string {
	if fi == nil {
		return ""
	}
	out := fmt.Sprintf("%s %v", fi.Name(), fi.Mode())
	if !fi.IsDir() {
		out += fmt.Sprintf(" size=%d", fi.Size())
		if st, ok := fi.Sys().(*syscall.Stat_t); ok {
			out += fmt.Sprintf(" nlink=%d", st.Nlink)
		}
	}
	return out
}

// TestDifferentialOs runs random sequences of operations on memfs and on
// OsFs in a temp dir and compares every step's result. As root, memfs acts
// as root too; TestDifferentialOsUnprivileged runs it as a non-root user.
func TestDifferentialOs(t *testing.T) {
	checks := 10000
	if testing.Short() {
		checks = 200
	}
	if f := flag.Lookup("rapid.checks"); f != nil && f.Value.String() == "100" {
		require.NoError(t, flag.Set("rapid.checks", fmt.Sprint(checks)))
		t.Cleanup(func() { _ = flag.Set("rapid.checks", "100") })
	}
	umask := syscall.Umask(0o022)
	syscall.Umask(umask)
	base := t.TempDir()
	seq := 0
	rapid.Check(t, func(rt *rapid.T) {
		seq++
		// Both sides work in a directory w at the same depth under
		// directories that hold nothing else (memfs: /m1/…/m7/<seq>/w;
		// disk: <base>/m1/…/m7/<seq>/w, each sequence's dir removed after
		// it), so that links climbing with ".." see the same tree on both
		// sides up to nine levels above w (memfs's root is its own
		// parent; the disk's base is not). Chains of links "..", "../a"
		// made through other links climb a level per link.
		nest := filepath.Join("m1", "m2", "m3", "m4", "m5", "m6", "m7", fmt.Sprint(seq))
		dir := filepath.Join(base, nest)
		require.NoError(rt, os.MkdirAll(dir, 0o755))
		require.NoError(rt, os.Chmod(dir, 0o755))
		defer forceRemove(rt, dir)
		mem := &side{fsys: memfs.NewWith(memfs.Options{
			Umask: fs.FileMode(umask), Root: os.Getuid() == 0, UID: os.Getuid(), GID: os.Getgid(),
		}), root: "/" + nest + "/w"}
		disk := &side{fsys: afero.NewOsFs(), root: dir + "/w"}
		require.NoError(rt, mem.fsys.MkdirAll(filepath.Dir(mem.root), 0o755))
		for _, s := range []*side{mem, disk} {
			require.NoError(rt, s.fsys.Mkdir(s.root, 0o700))
		}
		defer func() {
			for _, s := range []*side{mem, disk} {
				for _, f := range s.files {
					f.Close()
				}
			}
		}()
		nsteps := rapid.IntRange(1, 40).Draw(rt, "steps")
		var history []string
		for i := range nsteps {
			st := drawStep(rt, len(disk.files))
			want, got := st.run(disk), st.run(mem)
			history = append(history, st.name+" -> "+want)
			if want != got {
				rt.Fatalf("step %d %s:\n  os:    %s\n  memfs: %s\nsteps:\n  %s", i, st.name, want, got, strings.Join(history, "\n  "))
			}
		}
	})
}

// forceRemove removes dir even where the test took permissions away.
func forceRemove(t require.TestingT, dir string) {
	var open func(string)
	open = func(d string) {
		_ = os.Chmod(d, 0o700)
		entries, _ := os.ReadDir(d)
		for _, e := range entries {
			if e.IsDir() {
				open(filepath.Join(d, e.Name()))
			}
		}
	}
	open(dir)
	require.NoError(t, os.RemoveAll(dir))
}
