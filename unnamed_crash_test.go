//go:build linux

package tempfs_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
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

// The SIGKILL test of both protocols: a child replaces an existing file on
// the real disk with durable WriteFiles, named or unnamed, and the parent
// kills it at random points. After every kill the target must be one
// whole version, the last finished one or the next; the temp files left
// behind are counted per protocol.

const (
	unnamedCrashEnvDir   = "TEMPFS_UNNAMED_CRASH_DIR"
	unnamedCrashEnvProto = "TEMPFS_UNNAMED_CRASH_PROTO"
	unnamedCrashEnvStart = "TEMPFS_UNNAMED_CRASH_START"
	unnamedCrashWrites   = 500 // per protocol
	unnamedCrashSize     = 64 << 10
	unnamedCrashMaxAfter = 12 // a child is killed after at most this many reported writes
)

// crashVersion is version v: v, data derived from v, and a SHA-256 of both.
func crashVersion(v uint64) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+unnamedCrashSize+sha256.Size), v)
	r := rand.New(rand.NewPCG(v, 16))
	for len(b) < 8+unnamedCrashSize {
		b = binary.LittleEndian.AppendUint64(b, r.Uint64())
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

func parseCrashVersion(b []byte) (uint64, error) {
	if len(b) != 8+unnamedCrashSize+sha256.Size {
		return 0, fmt.Errorf("length %d", len(b))
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return 0, fmt.Errorf("checksum mismatch")
	}
	return binary.BigEndian.Uint64(b), nil
}

func init() {
	dir := os.Getenv(unnamedCrashEnvDir)
	if dir == "" {
		return
	}
	start, err := strconv.ParseUint(os.Getenv(unnamedCrashEnvStart), 10, 64)
	if err != nil {
		os.Exit(2)
	}
	var opts []tempfs.Option
	if os.Getenv(unnamedCrashEnvProto) == "named" {
		opts = append(opts, tempfs.NamedForTest())
	}
	fsys := afero.NewOsFs()
	for v := start; v <= unnamedCrashWrites; v++ {
		if err := tempfs.WriteFile(fsys, filepath.Join(dir, "target"), crashVersion(v), 0o644, opts...); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("%d\n", v)
	}
	os.Exit(0)
}

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
			require.NoError(t, os.WriteFile(target, crashVersion(0), 0o644))
			fsys := afero.NewOsFs()
			version, kills, orphans, hit, partial := uint64(0), 0, 0, 0, 0
			for round := 0; version < unnamedCrashWrites; round++ {
				seen, killed := killWriter(t, rng, dir, proto, version+1)
				got, err := os.ReadFile(target)
				require.NoError(t, err, "round %d", round)
				v, err := parseCrashVersion(got)
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
					if _, err := parseCrashVersion(b); err != nil {
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
				tc.name, unnamedCrashWrites, len(crashVersion(0)), kills, orphans, hit, partial)
			assert.Greater(t, kills, unnamedCrashWrites/unnamedCrashMaxAfter/2, "most children must be killed mid-run")
		})
	}
}

// killWriter starts a child writing from version start, waits until it
// reported a random number of finished writes, lets it run a random
// moment more (the kill point), kills it and returns the last version it
// reported and whether the kill hit it mid-run.
func killWriter(t *testing.T, rng *rand.Rand, dir, proto string, start uint64) (seen uint64, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), unnamedCrashEnvDir+"="+dir, unnamedCrashEnvProto+"="+proto,
		unnamedCrashEnvStart+"="+strconv.FormatUint(start, 10))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(out)
	for range rng.IntN(unnamedCrashMaxAfter) {
		if !lines.Scan() {
			break
		}
		v, err := strconv.ParseUint(lines.Text(), 10, 64)
		require.NoError(t, err)
		seen = v
	}
	// The kill point, not a synchronisation: the child's progress above
	// is what the parent waited for.
	time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	for lines.Scan() {
		if v, err := strconv.ParseUint(lines.Text(), 10, 64); err == nil {
			seen = v
		}
	}
	err = cmd.Wait()
	if err == nil {
		require.Equal(t, uint64(unnamedCrashWrites), seen, "a child that exits must have written everything")
		return seen, false
	}
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled(), "the child must die by the kill (stderr: %s)", stderr.String())
	return seen, true
}
