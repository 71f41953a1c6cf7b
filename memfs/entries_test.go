package memfs

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestEntriesCompacted checks that a directory's order does not keep what
// its removed names held: after most names go, the order shrinks to about
// the names left, and a listing still gives each name left once.
func TestEntriesCompacted(t *testing.T) {
	e := newEntries()
	n := new(node)
	const total, left = 10_000, 100
	for i := range total {
		e.set("f"+strconv.Itoa(i), n)
	}
	for i := range total - left {
		e.remove("f" + strconv.Itoa(i))
	}
	assert.Equal(t, left, e.len())
	assert.LessOrEqual(t, len(e.order), 2*left+17, "removed names kept in the order")
	assert.LessOrEqual(t, cap(e.order), 4*left+34, "the order's array is not freed")
	var got []string
	e.next(0, e.seq, 0, func(name string, _ *node) { got = append(got, name) })
	assert.Len(t, got, left)
	assert.Equal(t, "f"+strconv.Itoa(total-left), got[0], "creation order kept")

	// A name set again keeps its place; one made again goes last.
	e.set(got[0], n)
	e.remove(got[1])
	e.set(got[1], n)
	got = got[:0]
	e.next(0, e.seq, 0, func(name string, _ *node) { got = append(got, name) })
	assert.Equal(t, "f"+strconv.Itoa(total-left), got[0])
	assert.Equal(t, "f"+strconv.Itoa(total-left+1), got[len(got)-1])
}
