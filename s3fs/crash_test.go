package s3fs_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// runChild starts a child that streams 64 MiB to name and SIGKILLs it at
// its killAt-th event (0-based; -1: never). It returns how many events
// the child reached and whether it was killed.
func runChild(t *testing.T, bucket, name string, killAt int) (events int, killed bool) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=write", childEndpoint+"="+server(t).endpoint,
		childBucket+"="+bucket, childName+"="+name)
	stdin, err := cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if events == killAt {
			require.NoError(t, cmd.Process.Kill())
			killed = true
			break
		}
		events++
		_, err := stdin.Write([]byte{'g'})
		require.NoError(t, err)
	}
	io.Copy(io.Discard, stdout)
	err = cmd.Wait()
	if !killed {
		require.NoError(t, err, "child failed: %s", stderr.String())
	}
	return events, killed
}

// TestCrashDuringWriteReader SIGKILLs a child streaming a 64 MiB
// replacement at every point of its write: after each MiB it reads, and
// before and after each request it sends. Every read afterwards is the
// whole old or the whole new object; then tempfs.Sweep (through
// s3fs.SweepStale) aborts the uploads the children left, and nothing else
// changes.
func TestCrashDuringWriteReader(t *testing.T) {
	if testing.Short() {
		t.Skip("SIGKILLs a child at ~100 points of a 64 MiB write; skipped with -short")
	}
	c := newClient(t, clientOpts{})
	bucket := newBucket(t, c)
	fsys := s3fs.New(c, bucket)
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/keep", []byte("other object"), 0o600))
	const name = "/d/big"
	oldData, newData := content(1, childSize), content(2, childSize)
	oldSum, newSum := sha256.Sum256(oldData), sha256.Sum256(newData)
	writeOld := func() { require.NoError(t, replaceWrite(fsys, name, oldData)) }
	writeOld()

	total, killed := runChild(t, bucket, name, -1)
	require.False(t, killed)
	require.GreaterOrEqual(t, total, 50, "too few kill points")
	t.Logf("a write has %d kill points", total)
	points := make([]int, 0, total)
	for at := range total {
		points = append(points, at)
	}
	if raceEnabled && total > 50 {
		// 50 points spread evenly, always with the last (after the commit).
		points = points[:0]
		for i := range 50 {
			points = append(points, i*(total-1)/49)
		}
	}
	var sawOld, sawNew int
	for _, at := range points {
		_, killed := runChild(t, bucket, name, at)
		require.True(t, killed)
		got := sha256.Sum256(readAll(t, fsys, name))
		switch got {
		case oldSum:
			sawOld++
		case newSum:
			sawNew++
			writeOld()
		default:
			t.Fatalf("kill at point %d: the object is neither the old nor the new one", at)
		}
	}
	t.Logf("killed at %d points: old object %d times, new %d times", len(points), sawOld, sawNew)
	assert.Positive(t, sawOld)
	assert.Positive(t, sawNew)

	objects := func() []string {
		out, err := c.ListObjectsV2(context.Background(), &s3.ListObjectsV2Input{Bucket: &bucket})
		require.NoError(t, err)
		var keys []string
		for _, o := range out.Contents {
			keys = append(keys, aws.ToString(o.Key))
		}
		return keys
	}
	before := objects()
	assert.NotEmpty(t, uploads(t, c, bucket), "no child left an upload: the kills missed the multipart phase")
	swept, err := tempfs.Sweep(fsys, "/d", 0)
	require.NoError(t, err)
	assert.NotEmpty(t, swept)
	assert.Empty(t, uploads(t, c, bucket), "uploads left after Sweep")
	assert.Equal(t, before, objects(), "Sweep changed the objects")
	assert.Equal(t, []string{"d/", "d/big", "d/keep"}, before)
}
