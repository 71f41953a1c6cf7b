package main

import (
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
)

// progressDelay is how long an input must last before its progress line
// appears: short writes print nothing.
const progressDelay = time.Second

// progress shows the bytes read so far and the rate on a terminal, once
// the input has lasted longer than a delay. The line is drawn by
// schollz/progressbar; a goroutine feeds it, every 200 ms, the count the
// reader keeps.
type progress struct {
	n    atomic.Int64
	quit chan struct{}
	done sync.WaitGroup
}

// startProgress starts the progress line on w for an input of size bytes
// (-1 when unknown) after delay.
func startProgress(w io.Writer, size int64, delay time.Duration) *progress {
	p := &progress{quit: make(chan struct{})}
	bar := progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("tempfs write"),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowCount(),
		progressbar.OptionSetWidth(20),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionSpinnerType(14),
		// No spinner goroutine of the library's own: the bar draws only
		// when fed, so nothing shows before the delay.
		progressbar.OptionSetSpinnerChangeInterval(0),
		progressbar.OptionSetPredictTime(size >= 0),
		progressbar.OptionClearOnFinish(),
	)
	// The clock starts now, so the rate counts from the first byte.
	bar.StartWithoutRender()
	p.done.Add(1)
	go func() {
		defer p.done.Done()
		select {
		case <-p.quit:
			return
		case <-time.After(delay):
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			_ = bar.Set64(p.n.Load())
			select {
			case <-tick.C:
			case <-p.quit:
				// With ClearOnFinish, Finish erases the line.
				_ = bar.Finish()
				return
			}
		}
	}()
	return p
}

// reader counts what is read through it.
func (p *progress) reader(r io.Reader) io.Reader { return countingReader{r, &p.n} }

// stop removes the progress line; it returns when the line is done with.
func (p *progress) stop() {
	close(p.quit)
	p.done.Wait()
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}
