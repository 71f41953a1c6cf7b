package memfs

import (
	"os"
	"path/filepath"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestClockNowIsNow: every time the clock gives lies between time.Now
// before and after the call by the wall clock (up to the few nanoseconds
// between time.Now's two readings), and never goes back.
func TestClockNowIsNow(t *testing.T) {
	var c clock
	var last stamp
	for i := range 20000 {
		before := time.Now()
		got := c.now()
		after := time.Now()
		wall := got.time()
		require.False(t, wall.Before(before.Round(0).Add(-time.Microsecond)) || wall.After(after.Round(0).Add(time.Microsecond)),
			"call %d: wall %v not in [%v, %v]", i, wall, before.Round(0), after.Round(0))
		require.GreaterOrEqual(t, got, last, "call %d went back", i)
		last = got
	}
}

// TestClockReadsWallClockAfterWindow: a reading of the wall clock serves
// for clockWindow at most; after it the clock reads the wall clock again.
func TestClockReadsWallClockAfterWindow(t *testing.T) {
	var c clock
	old := time.Now().Add(-2 * clockWindow)
	c.base, c.baseNs = old, stampOf(old)
	before := time.Now()
	got := c.now()
	assert.GreaterOrEqual(t, got, stampOf(before))
	assert.False(t, c.base.Before(before), "the base was not read again")
	within := c.base
	c.now()
	assert.Equal(t, within, c.base, "within the window the base stays")
}

// TestTimesAsOs: the times Stat reports are what os reports for the same
// Chtimes: the same instant to the nanosecond, in the local zone, with no
// monotonic clock reading (os hands the kernel t.UnixNano()).
func TestTimesAsOs(t *testing.T) {
	set := time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", 3600))
	withMono := time.Now()
	for _, tc := range []struct {
		name string
		t    time.Time
	}{{"fixed zone", set}, {"monotonic reading", withMono}} {
		t.Run(tc.name, func(t *testing.T) {
			disk := filepath.Join(t.TempDir(), "f")
			require.NoError(t, os.WriteFile(disk, nil, 0o600))
			require.NoError(t, os.Chtimes(disk, tc.t, tc.t))
			want, err := os.Stat(disk)
			require.NoError(t, err)
			f := New()
			require.NoError(t, writeNew(f, "/f", nil))
			require.NoError(t, f.Chtimes("/f", tc.t, tc.t))
			got, err := f.Stat("/f")
			require.NoError(t, err)
			assert.True(t, got.ModTime().Equal(want.ModTime()), "%v != %v", got.ModTime(), want.ModTime())
			assert.Equal(t, want.ModTime().Location(), got.ModTime().Location())
			assert.Equal(t, want.ModTime(), got.ModTime().Round(0), "same wall and zone")
			assert.Equal(t, got.ModTime().Round(0), got.ModTime(), "no monotonic reading")
		})
	}
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
