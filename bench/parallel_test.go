package bench

import (
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// BenchmarkCreateTempParallel runs create + close + remove from 1 and from
// 8 goroutines at once. Every name each goroutine got is kept; after the
// timed loop the benchmark fails on any error, and on any name tempfs
// handed out twice. The scaling factor is the 1-way ns/op over the 8-way ns/op (ns/op
// of a parallel benchmark is wall time divided by all goroutines' ops).
func BenchmarkCreateTempParallel(b *testing.B) {
	for _, be := range backends {
		for _, impl := range createTempImpls {
			if impl.osOnly && be.name != "OsFs" {
				continue
			}
			for _, ways := range []int{1, 8} {
				b.Run(fmt.Sprintf("fs=%s/impl=%s/ways=%d", be.name, impl.name, ways), func(b *testing.B) {
					fsys, dir := be.new(b)
					b.ReportAllocs()
					cpu := startCPU()
					var (
						mu    sync.Mutex
						names [][]string
					)
					work := func(next func() bool) {
						var mine []string
						for next() {
							name, err := impl.create(fsys, dir)
							if err != nil {
								b.Error(err)
								return
							}
							if err := fsys.Remove(name); err != nil {
								b.Error(err)
								return
							}
							mine = append(mine, name)
						}
						mu.Lock()
						names = append(names, mine)
						mu.Unlock()
					}
					if ways == 1 {
						work(b.Loop)
					} else {
						// RunParallel starts parallelism × GOMAXPROCS goroutines.
						b.SetParallelism((ways + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
						b.RunParallel(func(pb *testing.PB) { work(pb.Next) })
					}
					cpu.report(b)
					b.StopTimer()
					// A name coming back after its file was removed is no
					// bug: O_EXCL keeps live files apart. But with 64 random
					// bits tempfs's names never come back in practice; the
					// peers' (32 bits for os, 9 digits for afero) do after
					// some 10^5 files, which is reported as reused-names.
					reused := reusedNames(names)
					b.ReportMetric(float64(reused), "reused-names")
					if impl.name == "tempfs" && reused > 0 {
						b.Fatalf("tempfs handed out %d names twice", reused)
					}
				})
			}
		}
	}
}

// reusedNames counts the names in lists that occurred before.
func reusedNames(lists [][]string) int {
	seen := make(map[string]struct{})
	n := 0
	for _, l := range lists {
		for _, name := range l {
			if _, ok := seen[name]; ok {
				n++
			}
			seen[name] = struct{}{}
		}
	}
	return n
}

// firstDuplicate returns a name that occurs more than once in lists.
func firstDuplicate(lists [][]string) (string, bool) {
	seen := make(map[string]struct{})
	for _, l := range lists {
		for _, n := range l {
			if _, ok := seen[n]; ok {
				return n, true
			}
			seen[n] = struct{}{}
		}
	}
	return "", false
}

// TestCreateTempParallelUnique is the companion of the parallel benchmark
// as a plain test: 8 goroutines create 500 files each without removing
// them, on MemMapFs and OsFs; every call succeeds and all 4000 names
// differ, for tempfs and for each peer.
func TestCreateTempParallelUnique(t *testing.T) {
	const ways, each = 8, 500
	for _, be := range backends {
		for _, impl := range createTempImpls {
			if impl.osOnly && be.name != "OsFs" {
				continue
			}
			t.Run(be.name+"/"+impl.name, func(t *testing.T) {
				fsys, dir := be.new(t)
				lists := make([][]string, ways)
				errs := make([]error, ways)
				var wg sync.WaitGroup
				for w := range ways {
					wg.Go(func() {
						for range each {
							name, err := impl.create(fsys, dir)
							if err != nil {
								errs[w] = err
								return
							}
							lists[w] = append(lists[w], name)
						}
					})
				}
				wg.Wait()
				for _, err := range errs {
					require.NoError(t, err)
				}
				dup, found := firstDuplicate(lists)
				assert.False(t, found, "duplicate name %q", dup)
				entries, err := afero.ReadDir(fsys, dir)
				require.NoError(t, err)
				assert.Len(t, entries, ways*each)
			})
		}
	}
}
