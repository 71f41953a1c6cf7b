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
	if p, ok := b[i].Get().(*[]byte); ok {
		return (*p)[:0]
	}
	return make([]byte, 0, 1<<(i+minPooledShift))
}

// put gives buf back, if it came from get.
func (b *buffers) put(buf []byte) {
	c := int64(cap(buf))
	if i := class(c); i >= 0 && c == 1<<(i+minPooledShift) {
		b[i].Put(&buf)
	}
}

// forget frees n's data if nothing refers to n any more. Fs.mu held for
// writing.
func (f *Fs) forget(n *node) {
	if n.nlink > 0 {
		return
	}
	n.gone.Store(true)
	if n.opens.Load() == 0 && n.data != nil {
		f.bufs.put(n.data)
		n.data = nil
	}
}
