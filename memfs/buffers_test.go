package memfs

import (
	"bytes"
	"fmt"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBuffersPoolEveryClass: a buffer of every pooled class comes back
// from the pool with its capacity, empty, and a put and get cost no
// allocation.
func TestBuffersPoolEveryClass(t *testing.T) {
	for shift := minPooledShift; shift <= maxPooledShift; shift++ {
		t.Run(fmt.Sprint(1<<shift), func(t *testing.T) {
			buf := box(make([]byte, 1<<shift))
			require.NotNil(t, buf)
			got := unbox(buf)
			assert.Empty(t, got)
			assert.Equal(t, 1<<shift, cap(got))
			var b buffers
			b.put(b.get(1 << shift))
			allocs := testing.AllocsPerRun(100, func() { b.put(b.get(1 << shift)) })
			if !raceEnabled { // the race detector drops pooled items at random
				assert.Zero(t, allocs)
			}
		})
	}
	assert.Nil(t, box(make([]byte, 100)), "not a pooled capacity")
	assert.Nil(t, unbox(new(int)))
}

// TestWriteGapZeroedInRecycledBuffer: a write past the end fills the gap
// with zeros, also when the file's buffer held another file's data.
func TestWriteGapZeroedInRecycledBuffer(t *testing.T) {
	for _, tc := range []struct {
		name    string
		first   int // bytes written at 0 first
		off     int64
		written int
	}{
		{"from empty", 0, 100, 10},
		{"grows in place", 10, 200, 10},
		{"grows into a new buffer", 10, 3000, 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := New()
			for i := range 8 { // fill the pools with dirty buffers
				name := fmt.Sprintf("/dirty%d", i)
				require.NoError(t, writeNew(f, name, bytes.Repeat([]byte{0xff}, 4096<<(i%3))))
				require.NoError(t, f.Remove(name))
			}
			h, err := f.OpenFile("/f", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			require.NoError(t, err)
			t.Cleanup(func() { h.Close() })
			if tc.first > 0 {
				_, err = h.Write(bytes.Repeat([]byte{1}, tc.first))
				require.NoError(t, err)
			}
			_, err = h.WriteAt(bytes.Repeat([]byte{2}, tc.written), tc.off)
			require.NoError(t, err)
			want := make([]byte, int(tc.off)+tc.written)
			copy(want, bytes.Repeat([]byte{1}, tc.first))
			copy(want[tc.off:], bytes.Repeat([]byte{2}, tc.written))
			got := make([]byte, len(want)+1)
			n, _ := h.ReadAt(got, 0)
			assert.Equal(t, want, got[:n])
		})
	}
}

func writeNew(f *Fs, name string, data []byte) error {
	h, err := f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	_, err = h.Write(data)
	if cerr := h.Close(); err == nil {
		err = cerr
	}
	return err
}
