//go:build unix

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
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The SIGKILL harness of the process-crash tests: the test binary runs
// itself as a child (crashWriter) that replaces dir/target with durable
// WriteFiles of versions start..end, printing each version once WriteFile
// returned, and the parent (killWriter) kills it at a random point.

const (
	crashEnvDir   = "TEMPFS_CRASH_CHILD_DIR"
	crashEnvStart = "TEMPFS_CRASH_CHILD_START"
	crashEnvEnd   = "TEMPFS_CRASH_CHILD_END"
	crashEnvSize  = "TEMPFS_CRASH_CHILD_SIZE"
	crashEnvProto = "TEMPFS_CRASH_CHILD_PROTO" // "named" forces the named protocol
)

// versionData is version v of a target of size bytes: v, size bytes
// derived from v, and a SHA-256 of both, so that a torn or mixed file is
// told apart.
func versionData(v uint64, size int) []byte {
	b := binary.BigEndian.AppendUint64(make([]byte, 0, 8+size+sha256.Size), v)
	r := rand.New(rand.NewPCG(v, v))
	for len(b) < 8+size {
		b = binary.LittleEndian.AppendUint64(b, r.Uint64())
	}
	sum := sha256.Sum256(b)
	return append(b, sum[:]...)
}

// parseVersion returns the version b holds, or an error if b is not one
// whole version of size bytes.
func parseVersion(b []byte, size int) (uint64, error) {
	if len(b) != 8+size+sha256.Size {
		return 0, fmt.Errorf("length %d, want %d", len(b), 8+size+sha256.Size)
	}
	body := b[:len(b)-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], b[len(body):]) {
		return 0, fmt.Errorf("checksum mismatch")
	}
	return binary.BigEndian.Uint64(b), nil
}

func init() {
	dir := os.Getenv(crashEnvDir)
	if dir == "" {
		return
	}
	if err := crashWriter(dir); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(0)
}

// crashWriter is the child's loop, configured by its environment.
func crashWriter(dir string) error {
	var n [3]uint64
	for i, env := range []string{crashEnvStart, crashEnvEnd, crashEnvSize} {
		var err error
		if n[i], err = strconv.ParseUint(os.Getenv(env), 10, 64); err != nil {
			return err
		}
	}
	start, end, size := n[0], n[1], int(n[2])
	var opts []tempfs.Option
	if os.Getenv(crashEnvProto) == "named" {
		opts = append(opts, tempfs.NamedForTest())
	}
	fsys := afero.NewOsFs()
	target := filepath.Join(dir, "target")
	for v := start; v <= end; v++ {
		if err := tempfs.WriteFile(fsys, target, versionData(v, size), 0o644, opts...); err != nil {
			return err
		}
		if _, err := fmt.Printf("%d\n", v); err != nil {
			return err
		}
	}
	return nil
}

// crashRun is what one child does and when it is killed.
type crashRun struct {
	dir, proto   string
	start, end   uint64
	size         int
	maxAfter     int           // killed after at most this many reported writes
	maxKillDelay time.Duration // and at most this much later
	rng          *rand.Rand    // the random choices
}

// killWriter starts a child writing versions c.start..c.end, waits until
// it reported a random number of finished writes, lets it run a random
// moment more (the kill point), kills it with SIGKILL and returns the last
// version it reported and whether the kill hit it before it finished.
func killWriter(t *testing.T, c crashRun) (seen uint64, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashEnvDir+"="+c.dir, crashEnvProto+"="+c.proto,
		crashEnvStart+"="+strconv.FormatUint(c.start, 10), crashEnvEnd+"="+strconv.FormatUint(c.end, 10),
		crashEnvSize+"="+strconv.Itoa(c.size))
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	lines := bufio.NewScanner(out)
	for range c.rng.IntN(c.maxAfter) {
		if !lines.Scan() {
			break
		}
		v, err := strconv.ParseUint(lines.Text(), 10, 64)
		require.NoError(t, err)
		seen = v
	}
	// The kill point, not a synchronisation: the child's progress above
	// is what the parent waited for.
	time.Sleep(time.Duration(c.rng.Int64N(int64(c.maxKillDelay))))
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	for lines.Scan() { // drain, so Wait does not block on the pipe
		if v, err := strconv.ParseUint(lines.Text(), 10, 64); err == nil {
			seen = v
		}
	}
	err = cmd.Wait()
	if err == nil {
		require.Equal(t, c.end, seen, "a child that exits must have written everything")
		return seen, false
	}
	var exit *exec.ExitError
	require.ErrorAs(t, err, &exit, "stderr: %s", stderr.String())
	ws, ok := exit.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled(), "the child must die by the kill, not fail (stderr: %s)", stderr.String())
	return seen, true
}
