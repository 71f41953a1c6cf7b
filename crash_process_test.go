//go:build unix

package tempfs_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
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
	childEnvDir   = "TEMPFS_CRASH_CHILD_DIR"
	childEnvStart = "TEMPFS_CRASH_CHILD_START"
	childEnvEnd   = "TEMPFS_CRASH_CHILD_END"
	totalWrites   = 200 // versions 1..200, over all children
	childSize     = 1 << 20
	maxKillAfter  = 25 // a child is killed after at most this many writes
)

// versionData is version v of the target: v, ~1 MiB derived from v, and
// a SHA-256 of both, so that a torn or mixed file is told apart.
func versionData(v uint64) []byte {
	b := make([]byte, 8, 8+childSize+sha256.Size)
	binary.BigEndian.PutUint64(b, v)
	r := rand.New(rand.NewPCG(v, v))
	for len(b) < 8+childSize {
		b = binary.LittleEndian.AppendUint64(b, r.Uint64())
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// parseVersion returns the version b holds, or an error if b is not one
// whole version.
func parseVersion(b []byte) (uint64, error) {
	if len(b) != 8+childSize+sha256.Size {
		return 0, fmt.Errorf("length %d, want %d", len(b), 8+childSize+sha256.Size)
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return 0, fmt.Errorf("checksum mismatch")
	}
	return binary.BigEndian.Uint64(b), nil
}

// crashChild is the child's loop: write versions start..end and report
// each on stdout once WriteFile returned.
func crashChild(dir string, start, end uint64) error {
	fsys := afero.NewOsFs()
	target := filepath.Join(dir, "target")
	for v := start; v <= end; v++ {
		if err := tempfs.WriteFile(fsys, target, versionData(v), 0o644); err != nil {
			return err
		}
		if _, err := fmt.Printf("%d\n", v); err != nil {
			return err
		}
	}
	return nil
}

func TestProcessCrash(t *testing.T) {
	if dir := os.Getenv(childEnvDir); dir != "" {
		start, err := strconv.ParseUint(os.Getenv(childEnvStart), 10, 64)
		end, err2 := strconv.ParseUint(os.Getenv(childEnvEnd), 10, 64)
		if err = errors.Join(err, err2); err == nil {
			err = crashChild(dir, start, end)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
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
	require.NoError(t, tempfs.WriteFile(fsys, target, versionData(0), 0o644))
	version := uint64(0)

	totalOrphans, kills := 0, 0
	for round := 0; version < totalWrites; round++ {
		start := version + 1
		seen, killed := runAndKill(t, rng, dir, start)
		if killed {
			kills++
		}

		got, err := os.ReadFile(target)
		require.NoError(t, err, "round %d: the target must survive a kill", round)
		v, err := parseVersion(got)
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
		totalWrites, len(versionData(0)), kills, totalOrphans)
	assert.GreaterOrEqual(t, kills, totalWrites/maxKillAfter-1, "most children must be killed mid-run")
}

// runAndKill starts a child writing versions from start to totalWrites,
// waits until it reported a random number of finished writes, lets it run
// a random moment more, kills it with SIGKILL and returns the last version
// it reported and whether the kill hit it before it finished.
func runAndKill(t *testing.T, rng *rand.Rand, dir string, start uint64) (seen uint64, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestProcessCrash$")
	cmd.Env = append(os.Environ(), childEnvDir+"="+dir,
		childEnvStart+"="+strconv.FormatUint(start, 10), childEnvEnd+"="+strconv.Itoa(totalWrites))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())

	waitFor := rng.IntN(maxKillAfter)
	lines := bufio.NewScanner(out)
	for range waitFor {
		if !lines.Scan() {
			break
		}
		v, err := strconv.ParseUint(lines.Text(), 10, 64)
		require.NoError(t, err)
		seen = v
	}
	// The kill point: somewhere in the next writes (the child's progress,
	// not this delay, is what the parent waited for).
	time.Sleep(time.Duration(rng.IntN(4000)) * time.Microsecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	for lines.Scan() { // drain, so Wait does not block on the pipe
		if v, err := strconv.ParseUint(lines.Text(), 10, 64); err == nil {
			seen = v
		}
	}
	err = cmd.Wait()
	if err == nil {
		// The child finished its last writes before the kill.
		require.Equal(t, uint64(totalWrites), seen, "a child that exits must have written everything")
		return seen, false
	}
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
	ws, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled(), "the child must die by the kill, not fail (stderr: %s)", stderr.String())
	return seen, true
}
