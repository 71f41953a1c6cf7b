package memfs

import (
	"cmp"
	"slices"
)

// entries are a directory's entries: a map from name to node for lookups,
// and the entries in the order they were made, for Readdir. A listing in
// progress keeps its place in that order by sequence number, so paging
// through a directory copies nothing, whatever its size, and costs the
// same whatever else the directory holds. Callers know whether a name
// exists (they looked it up), so adding and removing cost one map
// operation each. Every method needs Fs.mu (for writing where it changes
// the entries).
type entries struct {
	m     map[string]slot
	order []ordered // by seq; a removed entry has a nil n until compacted
	dead  int       // how many of order are removed
	peak  int       // the most names m has held since it was made
	seq   uint64    // the last sequence number given
	// With Options.TrackSync (else nil): each name changed since the
	// directory's last sync, and what it named then (nil: nothing).
	unsynced map[string]*node
}

// slot is what a name holds: its node and the sequence number that places
// it in the directory's order.
type slot struct {
	n   *node
	seq uint64
}

// ordered is an entry in the directory's order.
type ordered struct {
	name string
	n    *node
	seq  uint64
}

func newEntries() *entries { return &entries{m: map[string]slot{}} }

// get returns what name holds: a nil node if nothing (also if e is nil:
// not a directory).
func (e *entries) get(name string) slot {
	if e == nil {
		return slot{}
	}
	return e.m[name]
}

// len returns the number of entries (0 if e is nil: not a directory).
func (e *entries) len() int {
	if e == nil {
		return 0
	}
	return len(e.m)
}

// add makes name, which does not exist, refer to n, last in the order.
func (e *entries) add(name string, n *node) {
	if e.unsynced != nil {
		e.note(name, nil, n)
	}
	e.seq++
	e.m[name] = slot{n: n, seq: e.seq}
	e.order = append(e.order, ordered{name: name, n: n, seq: e.seq})
	e.peak = max(e.peak, len(e.m))
}

// replace makes name, which exists with sequence number seq, refer to n.
// It keeps its place in the order: the name never stops existing.
func (e *entries) replace(name string, seq uint64, n *node) {
	if e.unsynced != nil {
		e.note(name, e.m[name].n, n)
	}
	e.m[name] = slot{n: n, seq: seq}
	e.order[e.index(seq)].n = n
}

// remove removes name, which exists with sequence number seq. Once more
// than half of the order is removed entries, the order is compacted (so
// its cost is amortised over the removals), and once the directory holds
// much less than it held, its memory is given back.
func (e *entries) remove(name string, seq uint64) {
	if e.unsynced != nil {
		e.note(name, e.m[name].n, nil)
	}
	delete(e.m, name)
	if last := len(e.order) - 1; e.order[last].seq == seq {
		// The newest entry (a temp file made and removed): drop it, no
		// search, no hole. Listings keep their place by seq, not index.
		e.order[last] = ordered{}
		e.order = e.order[:last]
		return
	}
	e.order[e.index(seq)] = ordered{seq: seq}
	e.dead++
	if e.dead > 16 && e.dead > len(e.order)/2 {
		e.order = slices.DeleteFunc(e.order, func(o ordered) bool { return o.n == nil })
		if cap(e.order) > 1024 && cap(e.order) > 4*len(e.order) {
			// Free what a big directory held (a small one keeps its
			// array, so that creating and removing does not allocate).
			e.order = slices.Clone(e.order)
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

// index returns the position of sequence number seq in the order (where
// it would be if it is not there).
func (e *entries) index(seq uint64) int {
	i, _ := slices.BinarySearchFunc(e.order, seq, func(o ordered, seq uint64) int { return cmp.Compare(o.seq, seq) })
	return i
}

// next calls fn for the entries whose sequence numbers are above after
// and at most upto, in order, until it gave count of them (all if
// count <= 0). It returns how many it gave and the sequence number of the
// last one given (after if none).
func (e *entries) next(after, upto uint64, count int, fn func(string, *node)) (int, uint64) {
	found := 0
	for i := e.index(after + 1); i < len(e.order) && e.order[i].seq <= upto && (count <= 0 || found < count); i++ {
		o := e.order[i]
		if o.n == nil {
			continue
		}
		fn(o.name, o.n)
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
