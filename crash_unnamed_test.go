package tempfs_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tempfs-go/tempfs"
)

// TestCrashBothProtocols runs the crash matrix (crash_test.go) on the
// simulator for both protocols: unnamed (CrashFs models O_TMPFILE and
// linkat, so it is the default there) and named. Every crash image before
// every call holds OLD or NEW; without the file's fsync some image holds
// neither, and without the directory's fsync a successful write can be
// lost: the simulator catches both omissions in both protocols.
func TestCrashBothProtocols(t *testing.T) {
	t.Parallel()
	protocols := []struct {
		name string
		opts []tempfs.Option
	}{
		{"unnamed", nil},
		{"named", []tempfs.Option{tempfs.NamedForTest()}},
	}
	for _, p := range protocols {
		for _, w := range atomicWriters {
			for _, withOld := range []bool{true, false} {
				t.Run(fmt.Sprintf("%s/%s/old=%v", p.name, w.name, withOld), func(t *testing.T) {
					t.Parallel()
					rep := crashMatrix(t, w, withOld, p.opts...)
					t.Logf("N=%d calls %v, %d crash images", rep.calls, rep.ops, rep.images)
					assert.Equal(t, p.name == "unnamed", slices.Contains(rep.ops, "openunnamed"), "protocol %s: %v", p.name, rep.ops)
					assert.Empty(t, rep.bad, "crash images without OLD or NEW")
					assert.Empty(t, rep.notNew, "0%%-retention images after success without NEW")
					assert.Empty(t, rep.sweepFailure)

					noFileSync := crashMatrix(t, w, withOld, append(p.opts, tempfs.SkipFileSyncForTest())...)
					assert.NotEmpty(t, noFileSync.bad, "without the file fsync some crash image must lack OLD and NEW")
					noDirSync := crashMatrix(t, w, withOld, append(p.opts, tempfs.SkipDirSyncForTest())...)
					assert.NotEmpty(t, noDirSync.notNew, "without the directory fsync the 0%% image after success must lack NEW")
				})
			}
		}
	}
}
