package memfs

import "time"

// stamp is a file time in nanoseconds since the Unix epoch: what the
// kernel keeps, and what os.Chtimes hands it (t.UnixNano()).
type stamp int64

// stampOf is t as a stamp, as os.Chtimes converts it.
func stampOf(t time.Time) stamp { return stamp(t.UnixNano()) }

// time is s as [os.Stat] reports a file time: in the local time zone, with
// no monotonic clock reading.
func (s stamp) time() time.Time { return time.Unix(0, int64(s)) }

// clockWindow is how long a reading of the wall clock serves: within it,
// clock.now adds the monotonic time elapsed since the reading to it.
const clockWindow = time.Millisecond

// clock gives the times files are stamped with. time.Now reads two clocks
// (wall and monotonic); now reads the monotonic one only (time.Since) and
// adds what passed to the last time.Now, taken at most clockWindow ago.
// The two clocks advance at the same rate (NTP slews both), so the time is
// the one time.Now would give; only a step of the wall clock
// (settimeofday) shows up to clockWindow late, as it shows a tick late in
// the kernel's own timestamps. In a testing/synctest bubble, whose times
// have no monotonic reading, time.Since reads the bubble's clock, so the
// time is the bubble's. The zero clock is ready; it needs Fs.mu held for
// writing.
type clock struct {
	base   time.Time // the last time.Now
	baseNs stamp     // base as a stamp
}

// now returns the current time.
func (c *clock) now() stamp {
	if d := time.Since(c.base); d >= 0 && d < clockWindow {
		return c.baseNs + stamp(d)
	}
	c.base = time.Now()
	c.baseNs = stampOf(c.base)
	return c.baseNs
}

// touch sets n's modification time to now. f.mu held for writing.
func (f *Fs) touch(n *node) { n.mtime = f.clock.now() }
