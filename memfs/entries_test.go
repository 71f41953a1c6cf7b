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
