//go:build unix

package tempfs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The sandbox under attack is <parent>/001; <parent> and the sibling
// <parent>/0012 hold sentinel files that no operation may read or change.
const (
	sentinel   = "OUTSIDE-SENTINEL"
	baseName   = "001"
	siblingDir = "0012"
)

// escapeEnv is one fresh sandbox with sentinels around it.
type escapeEnv struct {
	parent, base string
}

func newEscapeEnv(t *testing.T) escapeEnv {
	t.Helper()
	parent := t.TempDir()
	e := escapeEnv{parent: parent, base: filepath.Join(parent, baseName)}
	for _, d := range []string{parent, filepath.Join(parent, siblingDir)} {
		for _, name := range []string{"secret", "victim", "victim2"} {
			writeHost(t, filepath.Join(d, name), sentinel)
		}
	}
	require.NoError(t, os.MkdirAll(filepath.Join(e.base, "sub", "deep"), 0o755))
	writeHost(t, filepath.Join(e.base, "secret"), "inside")
	writeHost(t, filepath.Join(e.base, "inside-src"), "inside")
	for _, d := range []string{"swap", "swapabs", "sub/swap"} {
		require.NoError(t, os.Mkdir(filepath.Join(e.base, d), 0o755))
	}
	for link, target := range map[string]string{
		"toroot":       "/",
		"toparent":     "..",
		"toparentabs":  parent,
		"tosibling":    "../" + siblingDir,
		"sub/up":       "../..",
		"chain":        "sub/up",
		"linklink":     "toparent",
		"linklinklink": "linklink",
		"updown":       "../001/..",
	} {
		require.NoError(t, os.Symlink(target, filepath.Join(e.base, link)))
	}
	return e
}

// snapshot describes everything under parent except the sandbox itself.
func (e escapeEnv) snapshot(t *testing.T) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(e.parent, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == e.base {
			return filepath.SkipDir
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fi.Mode().String()
		switch {
		case fi.Mode().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			desc += " " + string(b)
		case fi.Mode()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + l
		}
		snap[p] = desc
		return nil
	})
	require.NoError(t, err)
	return snap
}

// escapeAttack is a virtual directory name that, resolved naively on the
// host, leads out of the sandbox (or, for the lexical ones, looks as if it
// did). Operations act on names inside it.
type escapeAttack struct {
	name string
	dir  string
	// refused: RootFs must refuse every operation with ErrEscapes. The
	// others (host absolute paths) are names inside the root there.
	refused bool
	// swap, if set, is swapped for a symlink to swapTarget after a first
	// call has seen it as a directory.
	swap, swapTarget string
}

func escapeAttacks(parent string) []escapeAttack {
	return []escapeAttack{
		{name: "dotdot", dir: "..", refused: true},
		{name: "dotdot slash", dir: "../", refused: true},
		{name: "dotdot depth 2", dir: "sub/../..", refused: true},
		{name: "dotdot depth 3", dir: "sub/deep/../../..", refused: true},
		{name: "dotdot twice", dir: "../..", refused: true},
		{name: "abs dotdot", dir: "/..", refused: true},
		{name: "abs dotdot depth 2", dir: "/sub/../..", refused: true},
		{name: "abs dotdot depth 3", dir: "/sub/deep/../../../..", refused: true},
		{name: "sibling prefix", dir: "../" + siblingDir, refused: true},
		{name: "abs sibling prefix", dir: "/../" + siblingDir, refused: true},
		{name: "abs sibling prefix depth 2", dir: "/sub/../../" + siblingDir, refused: true},
		{name: "host absolute path", dir: parent},
		{name: "host absolute sibling", dir: filepath.Join(parent, siblingDir)},
		{name: "symlink to slash", dir: "/toroot" + parent, refused: true},
		{name: "symlink to parent", dir: "/toparent", refused: true},
		{name: "symlink to parent absolute", dir: "/toparentabs", refused: true},
		{name: "symlink to sibling", dir: "/tosibling", refused: true},
		{name: "symlink then sibling", dir: "/toparent/" + siblingDir, refused: true},
		{name: "symlink round trip", dir: "/toparent/" + baseName + "/toparent", refused: true},
		{name: "relative chain in subdir", dir: "/sub/up", refused: true},
		{name: "relative chain via link", dir: "/chain", refused: true},
		{name: "symlink to symlink", dir: "/linklink", refused: true},
		{name: "symlink to symlink to symlink", dir: "/linklinklink", refused: true},
		{name: "symlink down then up", dir: "/updown", refused: true},
		{name: "symlink with dot", dir: "/./toparent/.", refused: true},
		{name: "relative into symlink", dir: "sub/../toparent", refused: true},
		{name: "dir swapped for symlink", dir: "/swap", refused: true, swap: "swap", swapTarget: ".."},
		{name: "dir swapped for absolute symlink", dir: "/swapabs", refused: true, swap: "swapabs", swapTarget: parent},
		{name: "nested dir swapped for symlink", dir: "/sub/swap", refused: true, swap: "sub/swap", swapTarget: "../.."},
	}
}

// escapeOp is one operation aimed at names inside an attack's dir. It
// returns what it read (for reads) and its error.
type escapeOp struct {
	name string
	// link: its errors are *os.LinkError, else *fs.PathError.
	link bool
	do   func(fsys afero.Fs, dir string) ([]byte, error)
}

func join(dir, name string) string { return dir + "/" + name }

var escapeOps = []escapeOp{
	{name: "read", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return afero.ReadFile(fsys, join(dir, "secret"))
	}},
	{name: "create", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		f, err := fsys.OpenFile(join(dir, "created"), os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o644)
		if err == nil {
			_, err = f.WriteString("escaped")
			err = errors.Join(err, f.Close())
		}
		return nil, err
	}},
	{name: "overwrite", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		f, err := fsys.OpenFile(join(dir, "secret"), os.O_WRONLY|os.O_TRUNC, 0)
		if err == nil {
			err = f.Close()
		}
		return nil, err
	}},
	{name: "mkdir", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.Mkdir(join(dir, "made"), 0o755)
	}},
	{name: "rename source", link: true, do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.Rename(join(dir, "victim"), "/stolen")
	}},
	{name: "rename target", link: true, do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.Rename("/inside-src", join(dir, "planted"))
	}},
	{name: "remove", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.Remove(join(dir, "victim2"))
	}},
	{name: "chmod", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.Chmod(join(dir, "secret"), 0o777)
	}},
	{name: "symlink", link: true, do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, fsys.(afero.Linker).SymlinkIfPossible("secret", join(dir, "linked"))
	}},
	{name: "createtemp", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		f, err := tempfs.CreateTemp(fsys, dir, "t*")
		if err == nil {
			err = f.Close()
		}
		return nil, err
	}},
	{name: "mkdirtemp", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		_, err := tempfs.MkdirTemp(fsys, dir, "t*")
		return nil, err
	}},
	{name: "writefile", do: func(fsys afero.Fs, dir string) ([]byte, error) {
		return nil, tempfs.WriteFile(fsys, join(dir, "written"), []byte("escaped"), 0o644)
	}},
}

// runEscape runs one attack with one operation on the Fs newFs makes over
// a fresh sandbox and reports whether it escaped: read a sentinel's bytes
// or changed anything outside the sandbox.
func runEscape(t *testing.T, newFs func(t *testing.T, base string) afero.Fs, i int, op escapeOp) (escaped bool, a escapeAttack, env escapeEnv, err error) {
	t.Helper()
	env = newEscapeEnv(t)
	a = escapeAttacks(env.parent)[i]
	fsys := newFs(t, env.base)
	before := env.snapshot(t)
	if a.swap != "" {
		fi, err := fsys.Stat(a.dir)
		require.NoError(t, err, "first call sees a directory")
		require.True(t, fi.IsDir())
		host := filepath.Join(env.base, a.swap)
		require.NoError(t, os.Rename(host, host+".old"))
		require.NoError(t, os.Symlink(a.swapTarget, host))
	}
	data, err := op.do(fsys, a.dir)
	after := env.snapshot(t)
	escaped = strings.Contains(string(data), sentinel) || !assert.ObjectsAreEqual(before, after)
	return escaped, a, env, err
}

func TestRootFsEscapes(t *testing.T) {
	t.Parallel()
	newFs := func(t *testing.T, base string) afero.Fs {
		fsys, err := tempfs.OpenRoot(base)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, fsys.Close()) })
		return fsys
	}
	attacks := escapeAttacks("/PARENT")
	require.GreaterOrEqual(t, len(attacks), 25)
	for i := range attacks {
		for _, op := range escapeOps {
			t.Run(attacks[i].name+"/"+op.name, func(t *testing.T) {
				t.Parallel()
				escaped, a, env, err := runEscape(t, newFs, i, op)
				assert.False(t, escaped, "escaped the root")
				if a.refused {
					assert.ErrorIs(t, err, tempfs.ErrEscapes)
					assert.ErrorIs(t, err, fs.ErrPermission)
				}
				if err == nil {
					return
				}
				var pe *fs.PathError
				var le *os.LinkError
				if op.link {
					assert.ErrorAs(t, err, &le, "%T %v", err, err)
				} else {
					assert.ErrorAs(t, err, &pe, "%T %v", err, err)
				}
				// The caller's own name may hold the host path (the
				// "host absolute" attacks); nothing else may.
				msg := strings.ReplaceAll(err.Error(), a.dir, "<dir>")
				assert.NotContains(t, msg, env.parent, "error shows a host path: %v", err)
			})
		}
	}
}

// basePathEscapes is what afero v1.15.0's BasePathFs lets through: attack
// name -> operations that read or changed something outside the base.
// TestBasePathFsEscapes fails when afero's behaviour changes, so that this
// list and docs/sandbox.md are updated.
func basePathEscapes() map[string][]string {
	// tempfs's own operations (CreateTemp, MkdirTemp, WriteFile) walk the
	// name through the sandbox first and refuse every one of these
	// attacks; BasePathFs's own methods let them through.
	tempfsOps := []string{"createtemp", "mkdirtemp", "writefile"}
	var raw []string
	for _, op := range escapeOps {
		if !slices.Contains(tempfsOps, op.name) {
			raw = append(raw, op.name)
		}
	}
	sort.Strings(raw)
	want := map[string][]string{
		// Join(base, "/../0012") climbs before the prefix check, which
		// then takes "<parent>/0012" for a name under "<parent>/001".
		"abs sibling prefix":         raw,
		"abs sibling prefix depth 2": raw,
		"sibling prefix":             raw,
	}
	// Every symlink leading out is followed by the host OS.
	for _, a := range escapeAttacks("/PARENT") {
		if strings.Contains(a.name, "symlink") || strings.Contains(a.name, "chain") {
			want[a.name] = raw
		}
	}
	return want
}

func TestBasePathFsEscapes(t *testing.T) {
	t.Parallel()
	newFs := func(t *testing.T, base string) afero.Fs {
		return afero.NewBasePathFs(afero.NewOsFs(), base)
	}
	var mu sync.Mutex
	got := map[string][]string{}
	t.Run("table", func(t *testing.T) {
		for i := range escapeAttacks("/PARENT") {
			for _, op := range escapeOps {
				t.Run(escapeAttacks("/PARENT")[i].name+"/"+op.name, func(t *testing.T) {
					t.Parallel()
					escaped, a, _, _ := runEscape(t, newFs, i, op)
					if escaped {
						mu.Lock()
						got[a.name] = append(got[a.name], op.name)
						mu.Unlock()
					}
				})
			}
		}
	})
	for _, ops := range got {
		sort.Strings(ops)
	}
	var lines []string
	for _, a := range escapeAttacks("/PARENT") {
		if ops := got[a.name]; len(ops) > 0 {
			lines = append(lines, fmt.Sprintf("%-32s %-28q %s", a.name, a.dir, strings.Join(ops, ", ")))
		}
	}
	t.Logf("BasePathFs escapes (%d of %d attacks):\n%s", len(got), len(escapeAttacks("/PARENT")), strings.Join(lines, "\n"))
	assert.Equal(t, basePathEscapes(), got)
}

// TestRootFsSwapRace flips a directory and a symlink out of the root while
// reads and creates go through it: none may reach outside.
func TestRootFsSwapRace(t *testing.T) {
	t.Parallel()
	env := newEscapeEnv(t)
	fsys, err := tempfs.OpenRoot(env.base)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, fsys.Close()) })
	before := env.snapshot(t)
	flip := filepath.Join(env.base, "flip")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			_ = os.Remove(flip)
			_ = os.Mkdir(flip, 0o755)
			_ = os.Remove(flip)
			_ = os.Symlink("..", flip)
		}
	})
	for range 2000 {
		data, _ := afero.ReadFile(fsys, "/flip/secret")
		assert.NotContains(t, string(data), sentinel)
		if f, err := fsys.OpenFile("/flip/created", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600); err == nil {
			assert.NoError(t, f.Close())
			_ = fsys.Remove("/flip/created")
		}
	}
	close(stop)
	wg.Wait()
	assert.Equal(t, before, env.snapshot(t), "nothing outside changed")
}

// TestRootFsChown changes a file's owner to its own owner: the call must
// go through os.Root and succeed without privileges.
func TestRootFsChown(t *testing.T) {
	t.Parallel()
	fsys, _ := newRoot(t)
	require.NoError(t, afero.WriteFile(fsys, "/f", nil, 0o644))
	assert.NoError(t, fsys.Chown("/f", os.Getuid(), os.Getgid()))
}
