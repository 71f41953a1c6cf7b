package tempfs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"path"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// The crash tests run each atomic write once to count its Fs and File
// calls (N), then once for every k in 0..N with the machine stopped before
// call k (every call from k on fails, as nothing runs after a crash), and
// take crash images of the simulator with 0 %, 50 % and 100 % of the
// unsynced state kept, over crashSeeds seeds each. Every image must hold
// the target byte-equal to OLD or NEW.

const (
	crashDir    = "/data"
	crashTarget = "/data/target"
	crashSeeds  = 50
)

var (
	errCrash     = errors.New("simulated crash")
	crashRetains = []float64{0, 0.5, 1}
)

// crashData returns n pseudo-random bytes, different per seed, so that a
// mix of OLD and NEW or a zero-filled block never looks like either.
func crashData(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 42))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

var (
	crashOld = crashData(1, 6000)      // two blocks and a bit
	crashNew = crashData(2, 3*4096+17) // four blocks, longer than OLD
)

// atomicWriter is one way to replace a file atomically.
type atomicWriter struct {
	name  string
	write func(fsys afero.Fs, name string, data []byte, opts ...tempfs.Option) error
}

var atomicWriters = []atomicWriter{
	{"WriteFile", func(fsys afero.Fs, name string, data []byte, opts ...tempfs.Option) error {
		return tempfs.WriteFile(fsys, name, data, 0o644, opts...)
	}},
	{"WriteReader", func(fsys afero.Fs, name string, data []byte, opts ...tempfs.Option) error {
		return tempfs.WriteReader(fsys, name, bytes.NewReader(data), 0o644, opts...)
	}},
	{"PendingFile", func(fsys afero.Fs, name string, data []byte, opts ...tempfs.Option) (err error) {
		p, err := tempfs.NewPendingFile(fsys, name, opts...)
		if err != nil {
			return err
		}
		defer func() {
			if cerr := p.Cleanup(); err == nil {
				err = cerr
			}
		}()
		for len(data) > 0 { // several writes, so a crash can fall between them
			n := min(len(data), 5000)
			if _, err := p.Write(data[:n]); err != nil {
				return err
			}
			data = data[n:]
		}
		return p.Commit()
	}},
}

// newCrashFs returns a simulator holding crashDir and, if withOld, the
// target with crashOld, all durable.
func newCrashFs(t *testing.T, withOld bool) *tempfstest.CrashFs {
	t.Helper()
	fsys := tempfstest.NewCrashFs()
	require.NoError(t, fsys.Mkdir(crashDir, 0o755))
	if withOld {
		require.NoError(t, tempfs.WriteFile(fsys, crashTarget, crashOld, 0o644))
	}
	fsys.SyncAll()
	return fsys
}

// crashReport is what crashMatrix found.
type crashReport struct {
	calls        int      // N: calls of one uninterrupted write
	ops          []string // their op names
	images       int      // crash images checked
	bad          []string // images where the target is neither OLD nor NEW
	notNew       []string // 0 %-retention images after success without NEW
	sweepFailure []string // images where Sweep left a temp file or hurt the target
}

// crashMatrix crashes w before each of its calls in turn and checks every
// crash image.
func crashMatrix(t *testing.T, w atomicWriter, withOld bool, opts ...tempfs.Option) crashReport {
	t.Helper()
	count := tempfstest.NewFaultFs(newCrashFs(t, withOld))
	require.NoError(t, w.write(count, crashTarget, crashNew, opts...))
	rep := crashReport{calls: count.Count()}
	for _, c := range count.Calls() {
		rep.ops = append(rep.ops, c.Op)
	}
	for k := 0; k <= rep.calls; k++ {
		fsys := newCrashFs(t, withOld)
		ff := tempfstest.NewFaultFs(fsys)
		ff.FailFrom(k, errCrash)
		err := w.write(ff, crashTarget, crashNew, opts...)
		if k < rep.calls {
			require.ErrorIs(t, err, errCrash, "crash before call %d", k)
		} else {
			require.NoError(t, err, "write without a crash")
		}
		for _, retain := range crashRetains {
			for seed := range uint64(crashSeeds) {
				img, err := fsys.Crash(tempfstest.CrashOptions{Retain: retain, Seed: seed})
				require.NoError(t, err)
				rep.images++
				where := fmt.Sprintf("k=%d retain=%v seed=%d", k, retain, seed)
				got, err := afero.ReadFile(img, crashTarget)
				ok := (err == nil && (bytes.Equal(got, crashNew) || withOld && bytes.Equal(got, crashOld))) ||
					(!withOld && errors.Is(err, fs.ErrNotExist))
				if !ok {
					rep.bad = append(rep.bad, fmt.Sprintf("%s: target %d bytes, err %v", where, len(got), err))
				}
				if k == rep.calls && retain == 0 && !bytes.Equal(got, crashNew) {
					rep.notNew = append(rep.notNew, where)
				}
				if msg := sweepImage(img, got, err); msg != "" {
					rep.sweepFailure = append(rep.sweepFailure, where+": "+msg)
				}
			}
		}
	}
	return rep
}

// sweepImage runs Sweep on a crash image and returns what went wrong: a
// temp file left, or the target changed.
func sweepImage(img afero.Fs, target []byte, targetErr error) string {
	if _, err := tempfs.Sweep(img, crashDir, 0); err != nil {
		return err.Error()
	}
	names, err := afero.ReadDir(img, crashDir)
	if err != nil {
		return err.Error()
	}
	for _, fi := range names {
		if fi.Name() != path.Base(crashTarget) {
			return "left " + fi.Name()
		}
	}
	got, err := afero.ReadFile(img, crashTarget)
	if !bytes.Equal(got, target) || (err == nil) != (targetErr == nil) {
		return "Sweep changed the target"
	}
	return ""
}

func TestCrashConsistency(t *testing.T) {
	t.Parallel()
	for _, w := range atomicWriters {
		for _, withOld := range []bool{true, false} {
			t.Run(fmt.Sprintf("%s/old=%v", w.name, withOld), func(t *testing.T) {
				t.Parallel()
				rep := crashMatrix(t, w, withOld)
				t.Logf("N=%d calls %v, %d crash images", rep.calls, rep.ops, rep.images)
				assert.Greater(t, rep.calls, 5, "the write makes its calls through the Fs")
				assert.Empty(t, rep.bad, "crash images without OLD or NEW")
				assert.Empty(t, rep.notNew, "0%%-retention images after success without NEW")
				assert.Empty(t, rep.sweepFailure)
			})
		}
	}
}

// TestCrashTeethSkipFileSync shows that the crash test catches a missing
// fsync of the temp file: some crash image then holds an empty or partial
// target.
func TestCrashTeethSkipFileSync(t *testing.T) {
	t.Parallel()
	for _, w := range atomicWriters {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			rep := crashMatrix(t, w, true, tempfs.SkipFileSyncForTest())
			t.Logf("%d of %d crash images bad", len(rep.bad), rep.images)
			assert.NotEmpty(t, rep.bad, "without the file fsync some crash image must lack OLD and NEW")
		})
	}
}

// TestCrashTeethSkipDirSync shows that the crash test catches a missing
// fsync of the directory: after a successful write the rename may be lost,
// though every image still holds OLD or NEW.
func TestCrashTeethSkipDirSync(t *testing.T) {
	t.Parallel()
	for _, w := range atomicWriters {
		t.Run(w.name, func(t *testing.T) {
			t.Parallel()
			rep := crashMatrix(t, w, true, tempfs.SkipDirSyncForTest())
			assert.NotEmpty(t, rep.notNew, "without the directory fsync the 0%% image after success must lack NEW")
			assert.Empty(t, rep.bad, "the directory fsync is not what keeps OLD or NEW")
		})
	}
}
