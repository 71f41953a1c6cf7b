package memfs

import (
	"math/bits"
	"sync"
)

// File data up to maxPooled bytes lives in buffers of a power-of-two
// capacity, which go back to the Fs's pools when the file is gone (no name,
// no open handle), so that writing and replacing small files does not
// make garbage. Larger data is allocated to size and left to the GC.
const (
	minPooledShift = 9  // 512 bytes
	maxPooledShift = 16 // 64 KiB
)

// buffers are per-Fs pools of file data, one per capacity class.
type buffers [maxPooledShift - minPooledShift + 1]sync.Pool

// class is the pool index for a buffer of capacity c, or -1.
func class(c int64) int {
	if c <= 0 || c > 1<<maxPooledShift {
		return -1
	}
	return max(bits.Len64(uint64(c-1)), minPooledShift) - minPooledShift
}

// get returns an empty buffer with room for size bytes.
func (b *buffers) get(size int64) []byte {
	i := class(size)
	if i < 0 {
		return make([]byte, 0, size)
	}
	if buf := unbox(b[i].Get()); buf != nil {
		return buf
	}
	return make([]byte, 0, 1<<(i+minPooledShift))
}

// put gives buf back, if it came from get.
func (b *buffers) put(buf []byte) {
	c := int64(cap(buf))
	if i := class(c); i >= 0 && c == 1<<(i+minPooledShift) {
		b[i].Put(box(buf[:c]))
	}
}

// box returns buf, whose length is one of the pooled capacities, as a
// pointer to an array: a pool holds it without allocating (a *[]byte would
// cost an allocation per put).
func box(buf []byte) any {
	switch len(buf) {
	case 1 << 9:
		return (*[1 << 9]byte)(buf)
	case 1 << 10:
		return (*[1 << 10]byte)(buf)
	case 1 << 11:
		return (*[1 << 11]byte)(buf)
	case 1 << 12:
		return (*[1 << 12]byte)(buf)
	case 1 << 13:
		return (*[1 << 13]byte)(buf)
	case 1 << 14:
		return (*[1 << 14]byte)(buf)
	case 1 << 15:
		return (*[1 << 15]byte)(buf)
	case 1 << 16:
		return (*[1 << 16]byte)(buf)
	}
	return nil
}

// unbox is box undone: an empty buffer, or nil for anything else.
func unbox(v any) []byte {
	switch a := v.(type) {
	case *[1 << 9]byte:
		return a[:0]
	case *[1 << 10]byte:
		return a[:0]
	case *[1 << 11]byte:
		return a[:0]
	case *[1 << 12]byte:
		return a[:0]
	case *[1 << 13]byte:
		return a[:0]
	case *[1 << 14]byte:
		return a[:0]
	case *[1 << 15]byte:
		return a[:0]
	case *[1 << 16]byte:
		return a[:0]
	}
	return nil
}

// forget frees n's data if nothing refers to n any more. Fs.mu held for
// writing.
func (f *Fs) forget(n *node) {
	if n.nlink > 0 {
		return
	}
	n.gone.Store(true)
	// A tracked Fs keeps the data: a crash may bring the name back.
	if n.opens.Load() == 0 && n.data != nil && n.dur == nil {
		f.bufs.put(n.data)
		n.data = nil
	}
}
