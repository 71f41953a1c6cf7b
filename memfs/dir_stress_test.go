package memfs_test

import (
	"fmt"
	"io"
	"io/fs"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/memfs"
)

// churn makes, links, renames (within the directory, over another
// writer's name, onto itself and onto a hard link of itself) and removes
// names in /d until stop is closed; every name it makes starts with prefix
// or is shared (which another writer renames onto too), and is gone when
// it returns.
func churn(t *testing.T, fsys *memfs.Fs, prefix, shared string, stop <-chan struct{}) {
	for k := 0; ; k++ {
		select {
		case <-stop:
			_ = fsys.Remove(shared)
			return
		default:
		}
		a := fmt.Sprintf("/d/%s%d", prefix, k)
		if !assert.NoError(t, afero.WriteFile(fsys, a, []byte("x"), 0o644)) {
			<-stop
			return
		}
		_ = fsys.Link(a, a+"L")
		_ = fsys.SymlinkIfPossible("target", a+"S")
		_ = fsys.Mkdir(a+"D", 0o755)
		_ = fsys.Rename(a+"L", a)     // onto a hard link of itself: nothing
		_ = fsys.Rename(a, a)         // onto itself: nothing
		_ = fsys.Rename(a, a+"R")     // a new name, last in the order
		_ = fsys.Rename(a+"L", a+"R") // over a hard link of itself: nothing
		_ = fsys.Rename(a+"R", shared)
		for _, n := range []string{a + "L", a + "S"} {
			_ = fsys.Remove(n)
		}
		_ = fsys.Remove(a + "D")
		if k%3 == 0 {
			_ = fsys.Remove(shared)
		}
	}
}

// listPass pages through h from its start with counts that cycle through
// 1, 3 and 7 and through the three methods, and returns every name given.
func listPass(t *testing.T, h afero.File) ([]string, error) {
	var all []string
	for i := 0; ; i++ {
		n := []int{1, 3, 7}[i%3]
		var names []string
		var err error
		switch i % 3 {
		case 0:
			names, err = h.Readdirnames(n)
		case 1:
			var fis []fs.FileInfo
			fis, err = h.Readdir(n)
			for _, fi := range fis {
				names = append(names, fi.Name())
			}
		default:
			var des []fs.DirEntry
			des, err = h.(fs.ReadDirFile).ReadDir(n)
			for _, de := range des {
				names = append(names, de.Name())
			}
		}
		all = append(all, names...)
		if err == io.EOF {
			return all, nil
		}
		if err != nil {
			return all, err
		}
		if !assert.NotEmpty(t, names, "a page of n > 0 without io.EOF is never empty") {
			return all, nil
		}
	}
}

// checkPass checks one listing: no name twice, every stable name once.
func checkPass(t *testing.T, what string, names []string, stable []string) bool {
	seen := map[string]int{}
	ok := true
	for _, n := range names {
		if seen[n]++; seen[n] == 2 {
			ok = assert.Fail(t, "listed twice", "%s: %q", what, n) && ok
		}
	}
	for _, n := range stable {
		if seen[n] != 1 {
			ok = assert.Fail(t, "stable name not listed once", "%s: %q listed %d times", what, n, seen[n]) && ok
		}
	}
	return ok
}

// TestReaddirConcurrentChurn lists a directory, in pages and with the
// three methods, while 8 goroutines make, link, rename and remove names in
// it (enough removals that its order is compacted again and again during
// the listings), one handle per lister and one handle shared by two
// goroutines: no race, and every listing gives each name that is never
// touched exactly once and no name twice. Run it with -race.
func TestReaddirConcurrentChurn(t *testing.T) {
	if testing.Short() {
		t.Skip("stress: 8 writers and 3 listers on one directory; skipped with -short")
	}
	const writers, passes = 8, 150
	fsys := memfs.New()
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	var stable []string
	for i := range 40 {
		// Removed names between the stable ones, so that the order
		// starts with holes.
		name := fmt.Sprintf("s%02d", i)
		require.NoError(t, afero.WriteFile(fsys, "/d/"+name, nil, 0o644))
		require.NoError(t, afero.WriteFile(fsys, "/d/x"+name, nil, 0o644))
		require.NoError(t, fsys.Remove("/d/x"+name))
		stable = append(stable, name)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			churn(t, fsys, fmt.Sprintf("w%d-", g), fmt.Sprintf("/d/shared%d", g%2), stop)
		}()
	}

	var listers sync.WaitGroup
	listers.Add(2)
	go func() { // one handle, Seek(0) between passes
		defer listers.Done()
		h, err := fsys.Open("/d")
		if !assert.NoError(t, err) {
			return
		}
		defer h.Close()
		for p := range passes {
			_, err := h.Seek(0, io.SeekStart)
			assert.NoError(t, err)
			names, err := listPass(t, h)
			if !assert.NoError(t, err) || !checkPass(t, fmt.Sprintf("own handle, pass %d", p), names, stable) {
				return
			}
		}
	}()
	go func() { // one handle, two goroutines reading it at once
		defer listers.Done()
		h, err := fsys.Open("/d")
		if !assert.NoError(t, err) {
			return
		}
		defer h.Close()
		for p := range passes {
			_, err := h.Seek(0, io.SeekStart)
			assert.NoError(t, err)
			var got [2][]string
			var both sync.WaitGroup
			for i := range got {
				both.Add(1)
				go func() {
					defer both.Done()
					names, err := listPass(t, h)
					assert.NoError(t, err)
					got[i] = names
				}()
			}
			both.Wait()
			if !checkPass(t, fmt.Sprintf("shared handle, pass %d", p), append(got[0], got[1]...), stable) {
				return
			}
		}
	}()
	listers.Wait()
	close(stop)
	wg.Wait()

	all, err := afero.ReadDir(fsys, "/d")
	require.NoError(t, err)
	var left []string
	for _, fi := range all {
		left = append(left, fi.Name())
	}
	assert.Equal(t, stable, left, "the writers leave only the stable names")
}
