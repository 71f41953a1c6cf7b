//go:build linux

package tempfs_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The SIGKILL test of both protocols: a child replaces an existing file on
// the real disk with durable WriteFiles, named or unnamed, and the parent
// kills it at random points. After every kill the target must be one
// whole version, the last finished one or the next; the temp files left
// behind are counted per protocol.

const (
	unnamedCrashWrites   = 500 // per protocol
	unnamedCrashSize     = 64 << 10
	unnamedCrashMaxAfter = 12 // a child is killed after at most this many reported writes
)

func TestUnnamedProcessCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("kills children during 500 durable WriteFiles per protocol")
	}
	t.Parallel()
	for _, tc := range []struct {
		name, proto string
		dir         func(t *testing.T) string
	}{
		{"named", "named", func(t *testing.T) string { return t.TempDir() }},
		{"unnamed", "unnamed", func(t *testing.T) string { return t.TempDir() }},
		// The default protocol on a file system that refuses O_TMPFILE:
		// the named one, by fallback.
		{"fallback-bindfs", "unnamed", mountBindfs},
	} {
		proto := tc.proto
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			seed := uint64(time.Now().UnixNano())
			t.Logf("seed %d", seed)
			rng := rand.New(rand.NewPCG(seed, 16))
			dir := tc.dir(t)
			target := filepath.Join(dir, "target")
			require.NoError(t, os.WriteFile(target, versionData(0, unnamedCrashSize), 0o644))
			fsys := afero.NewOsFs()
			version, kills, orphans, hit, partial := uint64(0), 0, 0, 0, 0
			for round := 0; version < unnamedCrashWrites; round++ {
				seen, killed := killWriter(t, crashRun{dir: dir, proto: proto, start: version + 1, end: unnamedCrashWrites,
					size: unnamedCrashSize, maxAfter: unnamedCrashMaxAfter, maxKillDelay: 3 * time.Millisecond, rng: rng})
				got, err := os.ReadFile(target)
				require.NoError(t, err, "round %d", round)
				v, err := parseVersion(got, unnamedCrashSize)
				require.NoError(t, err, "round %d: the target must be one whole version", round)
				last := max(seen, version)
				require.True(t, v == last || v == last+1, "round %d: target is version %d, want OLD %d or NEW %d", round, v, last, last+1)
				version = v
				if killed {
					kills++
				}
				// An unnamed temp file gets a name only when complete and
				// synced: its orphans are whole versions; a named one's
				// may be partial.
				entries, err := os.ReadDir(dir)
				require.NoError(t, err)
				for _, e := range entries {
					if e.Name() == "target" {
						continue
					}
					b, err := os.ReadFile(filepath.Join(dir, e.Name()))
					require.NoError(t, err)
					if _, err := parseVersion(b, unnamedCrashSize); err != nil {
						partial++
						assert.NotEqual(t, "unnamed", tc.name, "round %d: an unnamed write left a partial file under a name: %v", round, err)
					}
				}
				removed, err := tempfs.Sweep(fsys, dir, 0)
				require.NoError(t, err)
				orphans += len(removed)
				if len(removed) > 0 {
					hit++
				}
				entries, err = os.ReadDir(dir)
				require.NoError(t, err)
				require.Len(t, entries, 1, "round %d: only the target after Sweep", round)
			}
			t.Logf("protocol %s: %d durable WriteFiles of %d bytes to an existing target, %d children killed, %d orphan temp files left (in %d kills), %d of them partial",
				tc.name, unnamedCrashWrites, len(versionData(0, unnamedCrashSize)), kills, orphans, hit, partial)
			assert.Greater(t, kills, unnamedCrashWrites/unnamedCrashMaxAfter/2, "most children must be killed mid-run")
		})
	}
}
