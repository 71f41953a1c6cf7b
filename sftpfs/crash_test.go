//go:build unix

package sftpfs_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/sftpfs"
)

// readThroughServer reads name through a fresh server process.
func readThroughServer(t *testing.T, dir, name string) string {
	t.Helper()
	s := startServer(t, dir, serverOpts{})
	defer s.stop()
	f, err := sftpfs.New(s.client).Open(name)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	return string(b)
}

// TestKillServerDuringWriteFile kills the sftp-server process (SIGKILL) at
// every point of a durable WriteFile, 100 times, and checks through a
// fresh server that the target holds the old content or the new one each
// time, never a mix, an empty or a missing file.
//
// A kill point is a packet number k of the client's requests and a side:
// "before" kills the server and never delivers packet k (so requests
// 1..k-1 completed and k did not), "after" delivers packet k and then kills
// (so the server may or may not have carried it out). The 100 runs cycle
// through every point in a shuffled order. A process kill is not a power
// loss: this proves the order of operations, not the disk's durability.
func TestKillServerDuringWriteFile(t *testing.T) {
	t.Parallel()
	const runs = 100
	dir := serverDir(t)
	const base = "target"
	target := filepath.Join(dir, base)
	content := func(i int) string { // two write packets of 32 KiB and more
		return fmt.Sprintf("version %03d|", i) + strings.Repeat(fmt.Sprintf("%03d", i), 15000)
	}

	// Count the packets of one WriteFile, the INIT packet being number 1.
	var total int
	s := startServer(t, dir, serverOpts{afterPacket: func(n int) { total = n }})
	require.NoError(t, tempfs.WriteFile(sftpfs.New(s.client), target, []byte(content(0)), 0o600))
	s.stop()
	first := 2
	points := total - first + 1
	require.Greater(t, points, 8, "a WriteFile is a dozen requests or so")
	t.Logf("one WriteFile is %d requests", points)

	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("seed %d", seed)
	order := rng.Perm(2 * points)

	old := content(0)
	var sawOld, sawNew, sawOK int
	for i := range runs {
		point := order[i%len(order)]
		k, after := first+point/2, point%2 == 1
		next := content(i + 1)

		var srv *server
		o := serverOpts{}
		if after {
			o.afterPacket = func(n int) {
				if n == k {
					srv.kill()
				}
			}
		} else {
			o.onPacket = func(n int, _ byte) bool {
				if n == k {
					srv.kill()
					return false
				}
				return true
			}
		}
		srv = startServer(t, dir, o)
		err := tempfs.WriteFile(sftpfs.New(srv.client), target, []byte(next), 0o600)
		srv.stop()

		got := readThroughServer(t, dir, target)
		switch got {
		case old:
			sawOld++
			assert.Error(t, err, "run %d (packet %d, after=%v): WriteFile said nil but target is old", i, k, after)
		case next:
			sawNew++
			old = next
		default:
			require.Failf(t, "target is neither old nor new",
				"run %d (packet %d, after=%v): %d bytes, starts %q", i, k, after, len(got), got[:min(len(got), 20)])
		}
		if err == nil {
			sawOK++
		}
	}
	t.Logf("%d runs: target old %d times, new %d times; WriteFile returned nil %d times", runs, sawOld, sawNew, sawOK)
	assert.Positive(t, sawOld, "some kills came before the rename")
	assert.Positive(t, sawNew, "some kills came after the rename")

	// The killed writes leave temp files behind; Sweep finds them all.
	s = startServer(t, dir, serverOpts{})
	removed, err := tempfs.Sweep(sftpfs.New(s.client), dir, 0)
	require.NoError(t, err)
	t.Logf("Sweep removed %d temp files", len(removed))
	assert.Equal(t, []string{base}, entries(t, dir))
}
