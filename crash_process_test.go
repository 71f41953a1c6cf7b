//go:build unix

package tempfs_test

import (
	"bytes"
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

// The process-crash test: the test binary runs itself as a child that
// replaces one file on the real disk over and over with tempfs.WriteFile,
// and the parent kills it with SIGKILL at random points. After each kill
// the file must hold one whole version, and Sweep must remove the temp
// files the killed writes left.

const (
	totalWrites  = 200 // versions 1..200, over all children
	childSize    = 1 << 20
	maxKillAfter = 25 // a child is killed after at most this many writes
)

func TestProcessCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes that write 1 MiB files")
	}
	t.Parallel()
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 7))

	fsys := afero.NewOsFs()
	dir := t.TempDir()
	target := filepath.Join(dir, "target")
	require.NoError(t, tempfs.WriteFile(fsys, target, versionData(0, childSize), 0o644))
	version := uint64(0)

	totalOrphans, kills := 0, 0
	for round := 0; version < totalWrites; round++ {
		seen, killed := killWriter(t, crashRun{dir: dir, start: version + 1, end: totalWrites, size: childSize,
			maxAfter: maxKillAfter, maxKillDelay: 4 * time.Millisecond, rng: rng})
		if killed {
			kills++
		}

		got, err := os.ReadFile(target)
		require.NoError(t, err, "round %d: the target must survive a kill", round)
		v, err := parseVersion(got, childSize)
		require.NoError(t, err, "round %d: the target must be one whole version", round)
		assert.GreaterOrEqual(t, v, max(seen, version), "round %d: a finished write was lost", round)
		require.LessOrEqual(t, v, uint64(totalWrites), "round %d", round)
		version = v

		removed, err := tempfs.Sweep(fsys, dir, 0)
		require.NoError(t, err)
		totalOrphans += len(removed)
		names, err := afero.ReadDir(fsys, dir)
		require.NoError(t, err)
		if assert.Len(t, names, 1, "round %d: Sweep must leave only the target", round) {
			assert.Equal(t, "target", names[0].Name())
		}
		after, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.True(t, bytes.Equal(got, after), "round %d: Sweep must not touch the target", round)
	}
	t.Logf("%d WriteFiles of %d bytes, %d children killed, %d orphan temp files swept",
		totalWrites, len(versionData(0, childSize)), kills, totalOrphans)
	assert.GreaterOrEqual(t, kills, totalWrites/maxKillAfter-1, "most children must be killed mid-run")
}
