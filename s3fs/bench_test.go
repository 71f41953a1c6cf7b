package s3fs_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/s3/transfermanager"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// Part size and concurrency of the streaming benchmarks, for tempfs and
// the SDK's transfer manager alike.
const (
	benchPart        = 8 << 20
	benchConcurrency = 4
	benchBig         = 256 << 20
)

// genReader yields n bytes cycling through a 1 MiB random block, without
// allocating: a stand-in for a producer (a compressor, a network stream).
type genReader struct {
	block []byte
	n     int64
	off   int64
}

func newGenReader(block []byte, n int64) *genReader { return &genReader{block: block, n: n} }

func (g *genReader) Read(p []byte) (int, error) {
	if g.off >= g.n {
		return 0, io.EOF
	}
	i := g.off % int64(len(g.block))
	k := copy(p[:min(int64(len(p)), g.n-g.off)], g.block[i:])
	g.off += int64(k)
	return k, nil
}

// benchFs is an Fs on a fresh bucket whose client counts its requests.
func benchFs(b *testing.B, opts s3fs.Options) (*s3fs.Fs, *s3.Client, string, *counter) {
	b.Helper()
	cnt := &counter{}
	fsys, c, bucket := newFs(b, clientOpts{transport: func(rt http.RoundTripper) http.RoundTripper { cnt.rt = rt; return cnt }}, opts)
	require.NoError(b, fsys.Mkdir("/bench", 0o755))
	return fsys, c, bucket, cnt
}

// reportRequests reports the requests per operation since the last take.
func reportRequests(b *testing.B, cnt *counter) {
	b.Helper()
	total := 0
	for op, n := range cnt.take() {
		total += n
		b.ReportMetric(float64(n)/float64(b.N), op+"/op")
	}
	b.ReportMetric(float64(total)/float64(b.N), "req/op")
}

// BenchmarkWriteFile4KiB replaces a 4 KiB object: tempfs.WriteFile on
// s3fs (by default, and with NoDirChecks) against one PutObject. Mode
// 0o644 is the default an object without metadata has, so no mode header
// is sent, as the SDK's PutObject sends none; another mode adds one
// x-amz-meta-mode header (measured: 1.04x on versitygw).
func BenchmarkWriteFile4KiB(b *testing.B) {
	fsys, c, bucket, cnt := benchFs(b, s3fs.Options{})
	flat := s3fs.NewWithOptions(c, bucket, s3fs.Options{NoDirChecks: true})
	data := bytes.Repeat([]byte("0123456789abcdef"), 256)
	b.Run("tempfs", func(b *testing.B) {
		cnt.take()
		for b.Loop() {
			if err := tempfs.WriteFile(fsys, "/bench/f", data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, cnt)
	})
	b.Run("tempfs-NoDirChecks", func(b *testing.B) {
		cnt.take()
		for b.Loop() {
			if err := tempfs.WriteFile(flat, "/bench/f", data, 0o644); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, cnt)
	})
	b.Run("sdk-PutObject", func(b *testing.B) {
		cnt.take()
		for b.Loop() {
			if _, err := c.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String("bench/f"), Body: bytes.NewReader(data),
			}); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, cnt)
	})
}

// BenchmarkWriteFile4KiBPaired times tempfs.WriteFile (with NoDirChecks,
// and by default) and one PutObject of the same 4 KiB in turn, in every
// iteration, and reports each one's mean and the ratios: paired samples,
// so that the load of a shared machine hits both sides alike.
func BenchmarkWriteFile4KiBPaired(b *testing.B) {
	fsys, c, bucket, _ := benchFs(b, s3fs.Options{})
	flat := s3fs.NewWithOptions(c, bucket, s3fs.Options{NoDirChecks: true})
	data := bytes.Repeat([]byte("0123456789abcdef"), 256)
	sides := []struct {
		name string
		op   func() error
		sum  time.Duration
	}{
		{name: "sdk", op: func() error {
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String("bench/f"), Body: bytes.NewReader(data),
			})
			return err
		}},
		{name: "flat", op: func() error { return tempfs.WriteFile(flat, "/bench/f", data, 0o644) }},
		{name: "tempfs", op: func() error { return tempfs.WriteFile(fsys, "/bench/f", data, 0o644) }},
	}
	i := 0
	for b.Loop() {
		for k := range sides {
			s := &sides[(i+k)%len(sides)] // rotate who goes first
			start := time.Now()
			if err := s.op(); err != nil {
				b.Fatal(err)
			}
			s.sum += time.Since(start)
		}
		i++
	}
	for _, s := range sides {
		b.ReportMetric(float64(s.sum.Nanoseconds())/float64(b.N), s.name+"-ns/op")
	}
	b.ReportMetric(float64(sides[1].sum)/float64(sides[0].sum), "flat/sdk")
	b.ReportMetric(float64(sides[2].sum)/float64(sides[0].sum), "tempfs/sdk")
}

// BenchmarkWriteReader256MiB streams 256 MiB from a generating reader:
// tempfs.WriteReader on s3fs against the SDK's transfer manager, both with
// 8 MiB parts, 4 at once.
func BenchmarkWriteReader256MiB(b *testing.B) {
	if testing.Short() {
		b.Skip("256 MiB per op; skipped with -short")
	}
	fsys, c, bucket, cnt := benchFs(b, s3fs.Options{PartSize: benchPart, Concurrency: benchConcurrency})
	block := randomBytes(b, 1<<20)
	b.Run("tempfs", func(b *testing.B) {
		b.SetBytes(benchBig)
		cnt.take()
		for b.Loop() {
			if err := tempfs.WriteReader(fsys, "/bench/big", newGenReader(block, benchBig), 0o644); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, cnt)
	})
	b.Run("sdk-transfermanager", func(b *testing.B) {
		tm := sdkUploader(c)
		b.SetBytes(benchBig)
		cnt.take()
		for b.Loop() {
			if _, err := tm.UploadObject(context.Background(), &transfermanager.UploadObjectInput{
				Bucket: &bucket, Key: aws.String("bench/big"), Body: newGenReader(block, benchBig),
			}); err != nil {
				b.Fatal(err)
			}
		}
		reportRequests(b, cnt)
	})
}

// BenchmarkWriteReader256MiBPaired streams 256 MiB with tempfs.WriteReader
// and with the SDK's transfer manager in turn, in every iteration (8 MiB
// parts, 4 at once), and reports both means and their ratio.
func BenchmarkWriteReader256MiBPaired(b *testing.B) {
	if testing.Short() {
		b.Skip("512 MiB per op; skipped with -short")
	}
	fsys, c, bucket, _ := benchFs(b, s3fs.Options{PartSize: benchPart, Concurrency: benchConcurrency})
	block := randomBytes(b, 1<<20)
	tm := sdkUploader(c)
	sides := []struct {
		name string
		op   func() error
		sum  time.Duration
	}{
		{name: "sdk", op: func() error {
			_, err := tm.UploadObject(context.Background(), &transfermanager.UploadObjectInput{
				Bucket: &bucket, Key: aws.String("bench/big"), Body: newGenReader(block, benchBig),
			})
			return err
		}},
		{name: "tempfs", op: func() error {
			return tempfs.WriteReader(fsys, "/bench/big", newGenReader(block, benchBig), 0o644)
		}},
	}
	i := 0
	for b.Loop() {
		for k := range sides {
			s := &sides[(i+k)%len(sides)]
			start := time.Now()
			if err := s.op(); err != nil {
				b.Fatal(err)
			}
			s.sum += time.Since(start)
		}
		i++
	}
	for _, s := range sides {
		b.ReportMetric(float64(s.sum.Nanoseconds())/float64(b.N), s.name+"-ns/op")
	}
	b.ReportMetric(float64(sides[1].sum)/float64(sides[0].sum), "tempfs/sdk")
}

// sdkUploader is the SDK's multipart uploader with the benchmarks' part
// size and concurrency.
func sdkUploader(c *s3.Client) *transfermanager.Client {
	return transfermanager.New(c, func(o *transfermanager.Options) {
		o.PartSizeBytes = benchPart
		o.Concurrency = benchConcurrency
	})
}
