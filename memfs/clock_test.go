package memfs

import (
	"os"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClockNowIsNow: every time the clock gives lies between time.Now
// before and after the call, by the monotonic clock and by the wall clock
// (up to the few nanoseconds between time.Now's two readings), and never
// goes back.
func TestClockNowIsNow(t *testing.T) {
	var c clock
	var last time.Time
	for i := range 20000 {
		before := time.Now()
		got := c.now()
		after := time.Now()
		require.False(t, got.Before(before) || got.After(after), "call %d: %v not in [%v, %v]", i, got, before, after)
		wall := got.Round(0)
		require.False(t, wall.Before(before.Round(0).Add(-time.Microsecond)) || wall.After(after.Round(0).Add(time.Microsecond)),
			"call %d: wall %v not in [%v, %v]", i, wall, before.Round(0), after.Round(0))
		require.False(t, got.Before(last), "call %d went back", i)
		last = got
	}
}

// TestClockReadsWallClockAfterWindow: a reading of the wall clock serves
// for clockWindow at most; after it the clock reads the wall clock again.
func TestClockReadsWallClockAfterWindow(t *testing.T) {
	var c clock
	old := time.Now().Add(-2 * clockWindow)
	c.base = old
	before := time.Now()
	got := c.now()
	assert.False(t, got.Before(before))
	assert.False(t, c.base.Before(before), "the base was not read again")
	within := c.base
	c.now()
	assert.Equal(t, within, c.base, "within the window the base stays")
}

// TestClockInSynctestBubble: in a testing/synctest bubble a file's times
// are the bubble's clock exactly, also on an Fs made outside it.
func TestClockInSynctestBubble(t *testing.T) {
	outside := New()
	require.NoError(t, writeNew(outside, "/before", []byte("x")))
	synctest.Test(t, func(t *testing.T) {
		for _, f := range []*Fs{outside, New()} {
			start := time.Now()
			require.NoError(t, writeNew(f, "/a", []byte("x")))
			fi, err := f.Stat("/a")
			require.NoError(t, err)
			assert.True(t, fi.ModTime().Equal(start), "%v != %v", fi.ModTime(), start)
			time.Sleep(time.Hour)
			h, err := f.OpenFile("/a", os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = h.Write([]byte("y"))
			require.NoError(t, err)
			require.NoError(t, h.Close())
			fi, err = f.Stat("/a")
			require.NoError(t, err)
			assert.True(t, fi.ModTime().Equal(start.Add(time.Hour)), "%v != %v", fi.ModTime(), start.Add(time.Hour))
		}
	})
	require.NoError(t, writeNew(outside, "/after", []byte("x")))
	fi, err := outside.Stat("/after")
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now(), fi.ModTime(), time.Minute, "outside the bubble again")
}
