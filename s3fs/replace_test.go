package s3fs_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"io/fs"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/s3fs"
)

const partSize = 5 << 20

// uploads lists the unfinished multipart uploads of bucket.
func uploads(t testing.TB, c *s3.Client, bucket string) []string {
	t.Helper()
	out, err := c.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{Bucket: &bucket})
	require.NoError(t, err)
	var keys []string
	for _, u := range out.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

func randomBytes(t testing.TB, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return b
}

func readAll(t testing.TB, fsys afero.Fs, name string) []byte {
	t.Helper()
	b, err := afero.ReadFile(fsys, name)
	require.NoError(t, err)
	return b
}

func TestReplace(t *testing.T) {
	cnt := &counter{}
	fsys, c, bucket := newFs(t, clientOpts{transport: func(rt http.RoundTripper) http.RoundTripper { cnt.rt = rt; return cnt }},
		s3fs.Options{PartSize: partSize, Concurrency: 2})
	require.NoError(t, afero.WriteFile(fsys, "/t", []byte("old"), 0o600))
	reader := s3fs.New(newClient(t, clientOpts{}), bucket) // uncounted
	for _, tc := range []struct {
		name      string
		size      int
		noClobber bool
		want      map[string]int
	}{
		{"empty", 0, false, map[string]int{"ListObjectsV2": 1, "PutObject": 1}},
		{"small", 4 << 10, false, map[string]int{"ListObjectsV2": 1, "PutObject": 1}},
		{"one part exactly", partSize, false, map[string]int{"ListObjectsV2": 1, "CreateMultipartUpload": 1, "UploadPart": 1, "CompleteMultipartUpload": 1}},
		{"multipart", 2*partSize + 7, false, map[string]int{"ListObjectsV2": 1, "CreateMultipartUpload": 1, "UploadPart": 3, "CompleteMultipartUpload": 1}},
		{"small no-clobber new", 10, true, map[string]int{"ListObjectsV2": 1, "PutObject": 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/t"
			if tc.noClobber {
				target = "/fresh"
			}
			before := readAll(t, reader, "/t")
			data := randomBytes(t, tc.size)
			cnt.take()
			r, err := fsys.Replace(target, 0o640, tc.noClobber)
			require.NoError(t, err)
			for off := 0; off < len(data); off += 1 << 20 {
				_, err := r.Write(data[off:min(off+1<<20, len(data))])
				require.NoError(t, err)
			}
			if !tc.noClobber {
				assert.True(t, bytes.Equal(before, readAll(t, reader, target)), "new content visible before Commit")
			}
			require.NoError(t, r.Commit())
			assert.Equal(t, tc.want, cnt.take())
			assert.True(t, bytes.Equal(data, readAll(t, fsys, target)), "content differs")
			fi, err := fsys.Stat(target)
			require.NoError(t, err)
			assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
			require.NoError(t, r.Abort(), "Abort after Commit")
			assert.True(t, bytes.Equal(data, readAll(t, fsys, target)), "Abort undid the Commit")
			assert.Empty(t, uploads(t, c, bucket))
		})
	}
}

func TestReplaceNoClobberAndAbort(t *testing.T) {
	fsys, c, bucket := newFs(t, clientOpts{}, s3fs.Options{PartSize: partSize, Concurrency: 2})
	old := randomBytes(t, 100)
	require.NoError(t, afero.WriteFile(fsys, "/t", old, 0o600))
	for _, tc := range []struct {
		name string
		size int
	}{{"small", 10}, {"multipart", partSize + 1}} {
		t.Run(tc.name+"/no-clobber refused", func(t *testing.T) {
			r, err := fsys.Replace("/t", 0o600, true)
			require.NoError(t, err)
			_, err = r.Write(randomBytes(t, tc.size))
			require.NoError(t, err)
			requirePathErr(t, r.Commit(), "commit", "/t", fs.ErrExist)
			require.NoError(t, r.Abort())
			assert.Equal(t, old, readAll(t, fsys, "/t"))
			assert.Empty(t, uploads(t, c, bucket), "upload left after a refused commit")
		})
		t.Run(tc.name+"/abort", func(t *testing.T) {
			r, err := fsys.Replace("/t", 0o600, false)
			require.NoError(t, err)
			_, err = r.Write(randomBytes(t, tc.size))
			require.NoError(t, err)
			require.NoError(t, r.Abort())
			require.NoError(t, r.Abort(), "second Abort")
			requirePathErr(t, r.Commit(), "commit", "/t", fs.ErrClosed)
			_, err = r.Write([]byte("late"))
			requirePathErr(t, err, "write", "/t", fs.ErrClosed)
			assert.Equal(t, old, readAll(t, fsys, "/t"))
			assert.Empty(t, uploads(t, c, bucket), "Abort left the upload")
		})
	}
}

// TestReplaceNoClobberRace: 8 goroutines commit to one new key at once,
// 20 rounds; exactly one wins each round, by the server's decision.
func TestReplaceNoClobberRace(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
	for round := range 20 {
		target := "/race-" + itoa(round)
		var (
			wg     sync.WaitGroup
			mu     sync.Mutex
			wins   int
			others []error
		)
		start := make(chan struct{})
		for w := range 8 {
			wg.Go(func() {
				r, err := fsys.Replace(target, 0o600, true)
				if err == nil {
					_, err = r.Write([]byte{byte(w)})
				}
				<-start
				if err == nil {
					err = r.Commit()
				}
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					wins++
				} else {
					others = append(others, err)
				}
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, wins, "round %d", round)
		for _, err := range others {
			require.ErrorIs(t, err, fs.ErrExist)
		}
	}
}

func TestSweepStale(t *testing.T) {
	fsys, c, bucket := newFs(t, clientOpts{}, s3fs.Options{PartSize: partSize, Concurrency: 1})
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	require.NoError(t, fsys.Mkdir("/d/sub", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/keep", []byte("keep"), 0o600))
	abandon := func(name string) {
		r, err := fsys.Replace(name, 0o600, false)
		require.NoError(t, err)
		_, err = r.Write(make([]byte, partSize)) // starts the upload
		require.NoError(t, err)
	}
	abandon("/d/a")
	abandon("/d/b")
	abandon("/d/sub/c")
	abandon("/other")
	cut := time.Now().Add(time.Minute)

	swept, err := fsys.SweepStale("/d", time.Now().Add(-time.Hour))
	require.NoError(t, err)
	assert.Empty(t, swept, "fresh uploads swept")

	swept, err = fsys.SweepStale("/d", cut)
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"/d/a", "/d/b"}, swept)
	assert.ElementsMatch(t, []string{"d/sub/c", "other"}, uploads(t, c, bucket), "uploads outside dir were touched")
	assert.Equal(t, "keep", string(readAll(t, fsys, "/d/keep")))

	_, err = fsys.SweepStale("/nul\x00", cut)
	requirePathErr(t, err, "sweep", "/nul\x00", fs.ErrInvalid)
}

// farFuture is a cut-off after every upload a test starts.
var farFuture = time.Now().Add(24 * time.Hour)
