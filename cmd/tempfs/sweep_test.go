package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// tempName is the name shape of the library's atomic-write temp files:
// ".<base>.tempfs-<13 of [0-9a-v]>.tmp" (see tempfs.IsTempName).
func tempName(base, random string) string {
	return "." + base + ".tempfs-" + random + ".tmp"
}

// sweepTree lays out a tree of orphans and look-alikes and returns the
// orphans that `sweep -older-than 1h` must remove, top level and all
// levels.
func sweepTree(t *testing.T, root string) (top, all []string) {
	t.Helper()
	old := time.Now().Add(-2 * time.Hour)
	mk := func(rel string, age time.Time, isOrphan, nested bool) {
		p := filepath.Join(root, rel)
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte("x"), 0o600))
		require.NoError(t, os.Chtimes(p, age, age))
		if isOrphan {
			require.True(t, tempfs.IsTempName(filepath.Base(p)), "fixture %q has the library's shape", rel)
			all = append(all, p)
			if !nested {
				top = append(top, p)
			}
		}
	}
	// Orphans.
	mk(tempName("config.json", "0123456789abc"), old, true, false)
	mk(tempName("a", "vvvvvvvvvvvvf"), old, true, false)
	mk(filepath.Join("sub", tempName("data.db", "k3j5h6g7f8d9s")), old, true, true)
	mk(filepath.Join("sub", "deeper", tempName("x", "0000000000000")), old, true, true)
	// Look-alikes: never touched.
	now := time.Now()
	mk(tempName("young", "0123456789abc"), now, false, false)          // not old enough
	mk(tempName("upper", "0123456789ABC"), old, false, false)          // outside [0-9a-v]
	mk(tempName("short", "0123456789ab"), old, false, false)           // 12 random chars
	mk(tempName("long", "0123456789abcd"), old, false, false)          // 14 random chars
	mk(tempName("wxyz", "0123456789wxy"), old, false, false)           // w, x, y are not base 32
	mk("config.json.tempfs-0123456789abc.tmp", old, false, false)      // no leading dot
	mk(".config.json.tempfs-0123456789abc.tmp.bak", old, false, false) // suffix
	mk(".config.json.renameio-0123456789abc.tmp", old, false, false)   // another library
	mk("config.json", old, false, false)
	mk(filepath.Join("sub", "notes.txt"), old, false, false)
	// A directory and a symlink named like temp files.
	d := filepath.Join(root, tempName("dir", "0123456789abc"))
	require.NoError(t, os.Mkdir(d, 0o755))
	require.NoError(t, os.Chtimes(d, old, old))
	require.NoError(t, os.Symlink("config.json", filepath.Join(root, tempName("link", "0123456789abc"))))
	sort.Strings(top)
	sort.Strings(all)
	return top, all
}

// snapshot lists every path under root, so a test can see what changed.
func snapshot(t *testing.T, root string) []string {
	t.Helper()
	var paths []string
	require.NoError(t, filepath.Walk(root, func(p string, _ os.FileInfo, err error) error {
		paths = append(paths, p)
		return err
	}))
	return paths
}

func without(paths, removed []string) []string {
	gone := map[string]bool{}
	for _, p := range removed {
		gone[p] = true
	}
	var out []string
	for _, p := range paths {
		if !gone[p] {
			out = append(out, p)
		}
	}
	return out
}

// TestSweep: `sweep -n` lists exactly the orphans and removes nothing;
// `sweep` removes exactly them and prints them; look-alikes (young, wrong
// alphabet or length, no dot, other suffix, directories, symlinks) stay.
func TestSweep(t *testing.T) {
	t.Parallel()
	for _, recursive := range []bool{false, true} {
		name := "top level"
		if recursive {
			name = "-r"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			top, all := sweepTree(t, root)
			want := top
			var flag []string
			if recursive {
				want, flag = all, []string{"-r"}
			}
			before := snapshot(t, root)

			r := run(t, nil, append(append([]string{"sweep", "-n"}, flag...), root)...)
			require.Zero(t, r.code, r.stderr)
			assert.Equal(t, want, sortedLines(r.stdout), "-n lists exactly the orphans")
			assert.Equal(t, before, snapshot(t, root), "-n removes nothing")

			r = run(t, nil, append(append([]string{"sweep"}, flag...), root)...)
			require.Zero(t, r.code, r.stderr)
			assert.Equal(t, want, sortedLines(r.stdout), "sweep prints what it removed")
			assert.Equal(t, without(before, want), snapshot(t, root), "exactly the orphans are gone")

			r = run(t, nil, append(append([]string{"sweep"}, flag...), root)...)
			require.Zero(t, r.code, r.stderr)
			assert.Empty(t, r.stdout, "a second sweep finds nothing")
		})
	}
}

// TestSweepAge: -older-than 0 also takes the young orphan; several DIRs;
// one missing DIR fails (exit 1) without stopping the others.
func TestSweepAge(t *testing.T) {
	t.Parallel()
	a, b := t.TempDir(), t.TempDir()
	young := filepath.Join(a, tempName("young", "0123456789abc"))
	require.NoError(t, os.WriteFile(young, nil, 0o600))
	r := run(t, nil, "sweep", a)
	require.Zero(t, r.code, r.stderr)
	assert.Empty(t, r.stdout)
	assert.FileExists(t, young)

	other := filepath.Join(b, tempName("o", "0123456789abc"))
	require.NoError(t, os.WriteFile(other, nil, 0o600))
	missing := filepath.Join(a, "missing")
	r = run(t, nil, "sweep", "-older-than", "0", a, missing, b)
	assert.Equal(t, 1, r.code)
	assert.Equal(t, []string{young, other}, nonEmptyLines(r.stdout))
	requireOneLineError(t, r, "sweep")
	assert.Contains(t, r.stderr, missing)
	assert.NoFileExists(t, young)
	assert.NoFileExists(t, other)
}

func sortedLines(s string) []string {
	l := nonEmptyLines(s)
	sort.Strings(l)
	if l == nil {
		return []string{}
	}
	return l
}
