package memfs_test

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// pageNames pages through d n names at a time until io.EOF.
func pageNames(t *testing.T, d afero.File, n int) []string {
	t.Helper()
	var all []string
	for {
		names, err := d.Readdirnames(n)
		all = append(all, names...)
		if err == io.EOF {
			require.Empty(t, names)
			return all
		}
		require.NoError(t, err)
		require.NotEmpty(t, names, "a page of n > 0 is never empty without io.EOF")
	}
}

// TestReaddirDuringChanges changes a directory between the pages of a
// listing: a name that exists from the first page to the last is listed
// exactly once (also when it is renamed over, and when so many names go
// that the directory's order is compacted); a name removed before it is
// reached is not listed; a name made after the first page is not listed
// until Seek(0, io.SeekStart).
func TestReaddirDuringChanges(t *testing.T) {
	fsys := memfs.New()
	const total = 100
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	for i := range total {
		require.NoError(t, afero.WriteFile(fsys, fmt.Sprintf("/d/f%03d", i), nil, 0o644))
	}
	d, err := fsys.Open("/d")
	require.NoError(t, err)
	defer d.Close()
	first, err := d.Readdirnames(10)
	require.NoError(t, err)
	require.Len(t, first, 10)

	listed := map[string]bool{}
	for _, n := range first {
		listed[n] = true
	}
	removed := map[string]bool{}
	kept := map[string]bool{} // names that exist throughout
	var unlisted []string
	for i := range total {
		if n := fmt.Sprintf("f%03d", i); !listed[n] {
			unlisted = append(unlisted, n)
		}
	}
	// Remove 60 names not yet listed and 5 listed ones: more than half
	// of the directory, so its order is compacted mid-listing.
	for _, n := range append(unlisted[:60:60], first[:5]...) {
		require.NoError(t, fsys.Remove("/d/"+n))
		removed[n] = true
	}
	// Rename one unlisted name over another: the target keeps existing.
	src, dst := unlisted[60], unlisted[61]
	require.NoError(t, fsys.Rename("/d/"+src, "/d/"+dst))
	removed[src] = true
	for i := range 20 {
		require.NoError(t, afero.WriteFile(fsys, "/d/new"+strconv.Itoa(i), nil, 0o644))
	}
	for i := range total {
		if n := fmt.Sprintf("f%03d", i); !removed[n] {
			kept[n] = true
		}
	}

	rest := pageNames(t, d, 7)
	all := append(slices.Clone(first), rest...)
	seen := map[string]int{}
	for _, n := range all {
		seen[n]++
		assert.Equal(t, 1, seen[n], "listed twice: %s", n)
		assert.NotContains(t, n, "new", "made after the listing began")
	}
	for _, n := range rest {
		assert.False(t, removed[n], "removed before it was reached, yet listed: %s", n)
	}
	for n := range kept {
		assert.Equal(t, 1, seen[n], "existed throughout, listed %d times: %s", seen[n], n)
	}

	_, err = d.Seek(0, io.SeekStart)
	require.NoError(t, err)
	again := pageNames(t, d, 9)
	now, err := afero.ReadDir(fsys, "/d")
	require.NoError(t, err)
	var want []string
	for _, fi := range now {
		want = append(want, fi.Name())
	}
	assert.ElementsMatch(t, want, again, "after Seek(0): the directory as it is")
	assert.Len(t, again, total-len(removed)+20)
}

// TestReaddirPagingCopiesNothing checks that reading the first page of a
// directory of 100,000 entries allocates what the page needs, not a copy
// of the directory's names (issue 18: Sweep's memory must not grow with
// the directory).
func TestReaddirPagingCopiesNothing(t *testing.T) {
	fsys := memfs.New()
	require.NoError(t, fsys.Mkdir("/big", 0o755))
	const n = 100_000
	for i := range n {
		f, err := fsys.Create("/big/f" + strconv.Itoa(i))
		require.NoError(t, err)
		require.NoError(t, f.Close())
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err := fsys.Open("/big")
	require.NoError(t, err)
	names, err := d.Readdirnames(16)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	runtime.ReadMemStats(&after)
	require.Len(t, names, 16)
	allocated := after.TotalAlloc - before.TotalAlloc
	// A copy of the names alone would be n*16 bytes (1.6 MB).
	assert.Less(t, allocated, uint64(64<<10), "bytes allocated to open a directory of %d and read 16 names", n)

	// Paging through all of it allocates the pages, each once at its
	// size (16 bytes a name, and an allocator's block header), no more.
	runtime.GC()
	runtime.ReadMemStats(&before)
	d, err = fsys.Open("/big")
	require.NoError(t, err)
	total := 0
	for {
		names, err := d.Readdirnames(1000)
		total += len(names)
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
	}
	require.NoError(t, d.Close())
	runtime.ReadMemStats(&after)
	require.Equal(t, n, total)
	allocated = after.TotalAlloc - before.TotalAlloc
	assert.Less(t, allocated, uint64(n*16*11/10+64<<10), "bytes allocated to list %d names in pages of 1000", n)
}
