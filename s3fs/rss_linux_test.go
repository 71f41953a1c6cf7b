package s3fs_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// rssChild streams 256 MiB with tempfs.WriteReader on s3fs, or with the
// SDK's transfer manager ($TEMPFS_S3_RSS), both with 8 MiB parts, 4 at
// once, then prints its peak RSS (VmHWM) in KiB.
func rssChild() int {
	c := clientFor(os.Getenv(childEndpoint), clientOpts{})
	bucket := os.Getenv(childBucket)
	block := make([]byte, 1<<20)
	for i := range block {
		block[i] = byte(i * 7)
	}
	var err error
	if os.Getenv("TEMPFS_S3_RSS") == "sdk" {
		_, err = sdkUploader(c).UploadObject(context.Background(), &transfermanager.UploadObjectInput{
			Bucket: &bucket, Key: aws.String("rss-sdk"), Body: newGenReader(block, benchBig),
		})
	} else {
		fsys := s3fs.NewWithOptions(c, bucket, s3fs.Options{PartSize: benchPart, Concurrency: benchConcurrency})
		err = tempfs.WriteReader(fsys, "/rss-tempfs", newGenReader(block, benchBig), 0o600)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	sc := bufio.NewScanner(bytes.NewReader(status))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			fmt.Println(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return 0
		}
	}
	return 1
}

// TestPeakRSS streams 256 MiB in a child process and checks its peak RSS
// stays within part size × concurrency + 32 MiB (64 MiB here), and logs
// the SDK transfer manager's beside it.
func TestPeakRSS(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 256 MiB twice; skipped with -short")
	}
	if raceEnabled {
		t.Skip("the race detector's shadow memory multiplies RSS (158 MiB measured): run without -race")
	}
	bucket := newBucket(t, newClient(t, clientOpts{}))
	peak := func(what string) int64 {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=rss", "TEMPFS_S3_RSS="+what,
			childEndpoint+"="+server(t).endpoint, childBucket+"="+bucket)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		require.NoError(t, err, stderr.String())
		kib, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
		require.NoError(t, err)
		return kib << 10
	}
	tfs, sdk := peak("tempfs"), peak("sdk")
	t.Logf("peak RSS streaming 256 MiB, 8 MiB parts x 4: tempfs on s3fs %d MiB, SDK transfer manager %d MiB", tfs>>20, sdk>>20)
	assert.LessOrEqual(t, tfs, int64(benchPart*benchConcurrency+32<<20))
}
