package memfs

import (
	"slices"
	"sort"
)

// entries are a directory's entries: a map from name to node for lookups,
// and the names in the order they were made, for Readdir. A listing in
// progress keeps its place in that order by sequence number, so paging
// through a directory copies nothing, whatever its size, and costs the
// same whatever else the directory holds. Every method needs Fs.mu (for
// writing where it changes the entries).
type entries struct {
	m     map[string]slot
	order []ordered // by seq; a name removed since stays until compacted
	dead  int       // how many of order are no longer in m
	peak  int       // the most names m has held since it was made
	seq   uint64    // the last sequence number given
}

// slot is what a name holds: its node and the sequence number that places
// it in the directory's order.
type slot struct {
	n   *node
	seq uint64
}

// ordered is a name in the directory's order.
type ordered struct {
	name string
	seq  uint64
}

func newEntries() *entries { return &entries{m: map[string]slot{}} }

// get returns the node named name, or nil (also if e is nil: not a
// directory).
func (e *entries) get(name string) *node {
	if e == nil {
		return nil
	}
	return e.m[name].n
}

// len returns the number of entries (0 if e is nil: not a directory).
func (e *entries) len() int {
	if e == nil {
		return 0
	}
	return len(e.m)
}

// set makes name refer to n. A name that exists keeps its place in the
// order (rename over it: the name never stops existing); a new one goes
// last.
func (e *entries) set(name string, n *node) {
	if s, ok := e.m[name]; ok {
		e.m[name] = slot{n: n, seq: s.seq}
		return
	}
	e.seq++
	e.m[name] = slot{n: n, seq: e.seq}
	e.order = append(e.order, ordered{name: name, seq: e.seq})
	e.peak = max(e.peak, len(e.m))
}

// remove removes name. Once more than half of the order is removed names,
// the order is compacted (so its cost is amortised over the removals), and
// once the directory holds much less than it held, its memory is given
// back.
func (e *entries) remove(name string) {
	if _, ok := e.m[name]; !ok {
		return
	}
	delete(e.m, name)
	e.dead++
	if e.dead > 16 && e.dead > len(e.order)/2 {
		e.order = slices.DeleteFunc(e.order, func(o ordered) bool { return !e.live(o) })
		if cap(e.order) > 2*len(e.order)+16 {
			e.order = slices.Clone(e.order) // free what a big directory held
		}
		if e.peak > 1024 && len(e.m) < e.peak/8 {
			// A Go map never shrinks: copy it once the directory holds
			// an eighth of what it once did (the copy costs less than
			// the removals since the last one).
			m := make(map[string]slot, len(e.m))
			for name, s := range e.m {
				m[name] = s
			}
			e.m, e.peak = m, len(m)
		}
		e.dead = 0
	}
}

// live reports whether o is a name of the directory now.
func (e *entries) live(o ordered) bool {
	s, ok := e.m[o.name]
	return ok && s.seq == o.seq
}

// next calls fn for the entries whose sequence numbers are above after
// and at most upto, in order, until it gave count of them (all if
// count <= 0). It returns how many it gave and the sequence number of the
// last one given (after if none).
func (e *entries) next(after, upto uint64, count int, fn func(string, *node)) (int, uint64) {
	i := sort.Search(len(e.order), func(i int) bool { return e.order[i].seq > after })
	found := 0
	for ; i < len(e.order) && e.order[i].seq <= upto && (count <= 0 || found < count); i++ {
		o := e.order[i]
		s, ok := e.m[o.name]
		if !ok || s.seq != o.seq {
			continue
		}
		fn(o.name, s.n)
		found++
		after = o.seq
	}
	return found, after
}

// all calls fn for every entry, in no particular order, until fn returns
// false (none if e is nil: not a directory).
func (e *entries) all(fn func(string, *node) bool) {
	if e == nil {
		return
	}
	for name, s := range e.m {
		if !fn(name, s.n) {
			return
		}
	}
}

// sorted returns the names, sorted.
func (e *entries) sorted() []string {
	names := make([]string, 0, len(e.m))
	for name := range e.m {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
