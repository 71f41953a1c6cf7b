package memfs

import (
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestEntriesCompacted checks that a directory's order does not keep what
// its removed names held: after most names go, the order shrinks to about
// the names left, and a listing still gives each name left once.
func TestEntriesCompacted(t *testing.T) {
	e := newEntries()
	n := new(node)
	const total, left = 10_000, 100
	for i := range total {
		e.add("f"+strconv.Itoa(i), n)
	}
	for i := range total - left {
		name := "f" + strconv.Itoa(i)
		e.remove(name, e.get(name).seq)
	}
	assert.Equal(t, left, e.len())
	assert.LessOrEqual(t, len(e.order), 2*left+17, "removed names kept in the order")
	assert.LessOrEqual(t, cap(e.order), 2048, "the order's array is not freed")
	var got []string
	e.next(0, e.seq, 0, func(name string, _ *node) { got = append(got, name) })
	assert.Len(t, got, left)
	assert.Equal(t, "f"+strconv.Itoa(total-left), got[0], "creation order kept")

	// A name replaced keeps its place; one made again goes last.
	other := new(node)
	e.replace(got[0], e.get(got[0]).seq, other)
	e.remove(got[1], e.get(got[1]).seq)
	e.add(got[1], n)
	got = got[:0]
	var first *node
	e.next(0, e.seq, 0, func(name string, c *node) {
		if len(got) == 0 {
			first = c
		}
		got = append(got, name)
	})
	assert.Equal(t, "f"+strconv.Itoa(total-left), got[0])
	assert.Same(t, other, first, "a listing gives the node a name holds now")
	assert.Equal(t, "f"+strconv.Itoa(total-left+1), got[len(got)-1])
}

// heapInUse is the bytes of live heap objects after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// TestEntriesFreeMemory checks that a directory that once held many names
// gives their memory back once they are removed (issue 13: memory freed
// when files are removed), the index of names as well as the order: a
// spool directory that once held 100,000 names must not keep megabytes
// for ever.
func TestEntriesFreeMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("measures the heap: skipped under -short")
	}
	const total = 100_000
	n := new(node)
	base := heapInUse()
	e := newEntries()
	for i := range total {
		e.add("f"+strconv.Itoa(i), n)
	}
	full := heapInUse()
	for i := range total {
		name := "f" + strconv.Itoa(i)
		e.remove(name, e.get(name).seq)
	}
	after := heapInUse()
	require.Equal(t, 0, e.len())
	require.Greater(t, full, base+total*16, "the full directory holds its names")
	assert.Less(t, int64(after)-int64(base), int64(64<<10),
		"bytes a directory keeps after its %d names are removed (it held %d)", total, full-base)
	runtime.KeepAlive(e)
}

// checkEntries checks e's invariants: the order is by strictly rising
// sequence number, every name of the map is in it with its number, and
// dead counts exactly the entries of the order that are not.
func checkEntries(t *rapid.T, e *entries) {
	live := 0
	for i, o := range e.order {
		if i > 0 && o.seq <= e.order[i-1].seq {
			t.Fatalf("order not by rising seq at %d: %d after %d", i, o.seq, e.order[i-1].seq)
		}
		if o.seq > e.seq {
			t.Fatalf("seq %d above the last given, %d", o.seq, e.seq)
		}
		if o.n == nil {
			continue
		}
		if s, ok := e.m[o.name]; !ok || s.seq != o.seq || s.n != o.n {
			t.Fatalf("the order holds %q (seq %d) as live, the map %v", o.name, o.seq, s)
		}
		live++
	}
	if live != len(e.m) {
		t.Fatalf("%d names in the map, %d of them in the order", len(e.m), live)
	}
	if len(e.order)-live != e.dead {
		t.Fatalf("dead is %d, the order holds %d removed names", e.dead, len(e.order)-live)
	}
}

// TestEntriesListingModel runs random changes to a directory's entries
// interleaved with the pages of two listings, and checks each page against
// what a listing promises: it gives only names that exist now, never one
// twice, never an incarnation made after it began; once it ends, it has
// given every name that existed from its start to its end (a name set
// again, a rename over it, counts as existing throughout).
func TestEntriesListingModel(t *testing.T) {
	names := []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"}
	rapid.Check(t, func(t *rapid.T) {
		e := newEntries()
		present := map[string]bool{}
		type listing struct {
			started, ended bool
			after, upto    uint64
			since          map[string]bool // existed throughout since the start
			given          map[string]int
		}
		ls := []*listing{{}, {}}
		steps := rapid.IntRange(1, 400).Draw(t, "steps")
		for range steps {
			switch op := rapid.IntRange(0, 3).Draw(t, "op"); op {
			case 0: // create, or set over (a rename onto it, a link)
				name := rapid.SampledFrom(names).Draw(t, "set")
				if s := e.get(name); s.n != nil {
					e.replace(name, s.seq, new(node))
				} else {
					e.add(name, new(node))
				}
				present[name] = true
			case 1:
				name := rapid.SampledFrom(names).Draw(t, "remove")
				if s := e.get(name); s.n != nil {
					e.remove(name, s.seq)
				}
				delete(present, name)
				for _, l := range ls {
					delete(l.since, name)
				}
			case 2: // a page
				l := ls[rapid.IntRange(0, 1).Draw(t, "listing")]
				count := rapid.IntRange(-1, 4).Draw(t, "count")
				if !l.started {
					l.started, l.upto, l.after = true, e.seq, 0
					l.since, l.given = map[string]bool{}, map[string]int{}
					for n := range present {
						l.since[n] = true
					}
				}
				var got []string
				var found int
				found, l.after = e.next(l.after, l.upto, count, func(name string, _ *node) { got = append(got, name) })
				if found != len(got) || (count > 0 && found > count) {
					t.Fatalf("next(count %d) gave %d names, said %d", count, len(got), found)
				}
				for _, n := range got {
					if !present[n] {
						t.Fatalf("listed %q, which does not exist", n)
					}
					if !l.since[n] {
						t.Fatalf("listed %q, made (again) after the listing began", n)
					}
					if l.given[n]++; l.given[n] > 1 {
						t.Fatalf("listed %q twice", n)
					}
				}
				if l.ended && found > 0 {
					t.Fatalf("listing gave %q after its end", got)
				}
				if count <= 0 || found < count {
					l.ended = true
					for n := range l.since {
						if l.given[n] != 1 {
							t.Fatalf("%q existed throughout, listed %d times", n, l.given[n])
						}
					}
				}
			case 3: // Seek(0)
				*ls[rapid.IntRange(0, 1).Draw(t, "seek")] = listing{}
			}
			checkEntries(t, e)
		}
	})
}
