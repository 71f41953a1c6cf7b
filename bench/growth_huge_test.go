package bench

import (
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

// hugeEnv must be set to run the tests below: they make a million files
// (about a minute, and ~100 MB of directory blocks).
const hugeEnv = "TEMPFS_HUGE"

func skipUnlessHuge(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("makes up to 1,000,000 files; not under -short")
	}
	if os.Getenv(hugeEnv) == "" {
		t.Skip("makes up to 1,000,000 files; set " + hugeEnv + "=1 to run")
	}
}

// hugeN is the number of entries: TEMPFS_SWEEP_ENTRIES, else def.
func hugeN(t *testing.T, def int) int {
	if s := os.Getenv("TEMPFS_SWEEP_ENTRIES"); s != "" {
		n, err := strconv.Atoi(s)
		require.NoError(t, err)
		return n
	}
	return def
}

// makeFiles makes n empty files named prefix<i> in dir, on two goroutines.
func makeFiles(t *testing.T, dir, prefix string, n int) {
	t.Helper()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < n; i += 2 {
				f, err := os.OpenFile(filepath.Join(dir, prefix+strconv.Itoa(i)), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
				if err == nil {
					err = f.Close()
				}
				if err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, errs[0])
	require.NoError(t, errs[1])
}

// TestSweepHugeDir sweeps a directory of 1,000,000 entries, 5 of them
// orphans, on OsFs (issue 18, acceptance 2): the heap may grow by at most
// 16 MiB while Sweep runs, and Sweep may take at most 1.3 times a bare
// Readdirnames loop over the same directory (medians of 9 rounds, in
// alternating order). It also reports, for comparison, the heap that reading the
// whole directory's FileInfos at once (Sweep before issue 18) takes.
func TestSweepHugeDir(t *testing.T) {
	skipUnlessHuge(t)
	dir := t.TempDir()
	sweepHuge(t, afero.NewOsFs(), dir, func(n int) { makeFiles(t, dir, "f", n) })
}

// TestSweepHugeDirMemfs is TestSweepHugeDir on memfs (issue 18,
// acceptance 2: OsFs and memfs).
func TestSweepHugeDirMemfs(t *testing.T) {
	skipUnlessHuge(t)
	fsys := memfs.New()
	require.NoError(t, fsys.MkdirAll("/spool", 0o755))
	sweepHuge(t, fsys, "/spool", func(n int) {
		for i := range n {
			f, err := fsys.Create("/spool/f" + strconv.Itoa(i))
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}
	})
}

// sweepHuge fills dir of fsys with a million entries (fill makes all but a
// handful of orphans), then measures Sweep against a bare Readdirnames
// loop, alternated, and Sweep's peak heap growth.
func sweepHuge(t *testing.T, fsys afero.Fs, dir string, fill func(n int)) {
	const orphans, rounds = 5, 9
	n := hugeN(t, 1_000_000)
	start := time.Now()
	fill(n - orphans)
	for i := range orphans {
		require.NoError(t, afero.WriteFile(fsys, filepath.Join(dir, ".t"+strconv.Itoa(i)+".tempfs-abcdefghijklm.tmp"), nil, 0o600))
	}
	t.Logf("made %d entries in %v", n, time.Since(start))

	bare := func() {
		d, err := fsys.Open(dir)
		require.NoError(t, err)
		defer d.Close()
		count := 0
		for {
			names, err := d.Readdirnames(1024)
			count += len(names)
			if err == io.EOF || (err == nil && len(names) == 0) {
				break
			}
			require.NoError(t, err)
		}
		require.Equal(t, n, count)
	}
	sweep := func() {
		got, err := tempfs.Sweep(fsys, dir, time.Hour) // the orphans are young: kept
		require.NoError(t, err)
		require.Empty(t, got)
	}
	var bareTimes, sweepTimes []time.Duration
	for r := range rounds {
		order := []struct {
			fn    func()
			times *[]time.Duration
		}{{bare, &bareTimes}, {sweep, &sweepTimes}}
		if r%2 == 1 {
			order[0], order[1] = order[1], order[0] // neither always goes first
		}
		for _, c := range order {
			// Each run starts with the collector at rest, so that one
			// run's garbage is not collected on the next one's time
			// (with a million files live, a collection is long).
			runtime.GC()
			t0 := time.Now()
			c.fn()
			*c.times = append(*c.times, time.Since(t0))
		}
	}
	peak := peakHeap(sweep)
	whole := peakHeap(func() {
		d, err := fsys.Open(dir)
		require.NoError(t, err)
		defer d.Close()
		_, err = d.Readdir(-1)
		require.NoError(t, err)
	})
	got, err := tempfs.Sweep(fsys, dir, 0)
	require.NoError(t, err)
	assert.Len(t, got, orphans)

	mb, ms := median(bareTimes), median(sweepTimes)
	ratio := float64(ms) / float64(mb)
	t.Logf("%s, entries %d: bare Readdirnames loop %v (%.0f ns/entry), Sweep %v (%.0f ns/entry), ratio %.3f (medians of %d)",
		fsys.Name(), n, mb, float64(mb)/float64(n), ms, float64(ms)/float64(n), ratio, rounds)
	t.Logf("peak heap growth: Sweep %.2f MiB; Readdir(-1) of the directory %.1f MiB", mib(peak), mib(whole))
	assert.LessOrEqual(t, mib(peak), 16.0, "peak heap growth during Sweep, MiB")
	assert.LessOrEqual(t, ratio, 1.3, "Sweep / bare Readdirnames loop")
}

// TestRemoveAllTreeCost removes a tree of 100,000 files (100 directories
// of 1,000) with tempfs.RemoveAll and with os.RemoveAll, alternated, on
// OsFs (issue 18, acceptance 3: at most 1.2 times os.RemoveAll, medians).
func TestRemoveAllTreeCost(t *testing.T) {
	skipUnlessHuge(t)
	const rounds = 3
	n := hugeN(t, 100_000)
	build := func() string {
		root := filepath.Join(t.TempDir(), "tree")
		require.NoError(t, os.Mkdir(root, 0o755))
		for d := range n / 1000 {
			sub := filepath.Join(root, strconv.Itoa(d))
			require.NoError(t, os.Mkdir(sub, 0o755))
			makeFiles(t, sub, "f", 1000)
		}
		return root
	}
	var osTimes, ourTimes []time.Duration
	for range rounds {
		for _, c := range []struct {
			fn    func(string) error
			times *[]time.Duration
		}{
			{os.RemoveAll, &osTimes},
			{func(p string) error { return tempfs.RemoveAll(afero.NewOsFs(), p) }, &ourTimes},
		} {
			root := build()
			t0 := time.Now()
			require.NoError(t, c.fn(root))
			*c.times = append(*c.times, time.Since(t0))
			_, err := os.Lstat(root)
			require.ErrorIs(t, err, os.ErrNotExist)
		}
	}
	mo, mt := median(osTimes), median(ourTimes)
	ratio := float64(mt) / float64(mo)
	t.Logf("RemoveAll of %d files: os.RemoveAll %v, tempfs.RemoveAll %v, ratio %.3f (medians of %d; all: os %v, tempfs %v)",
		n, mo, mt, ratio, rounds, osTimes, ourTimes)
	assert.LessOrEqual(t, ratio, 1.2, "tempfs.RemoveAll / os.RemoveAll")
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
