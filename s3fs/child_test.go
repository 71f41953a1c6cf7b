package s3fs_test

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sync"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// childEnv, when set, makes the test binary a child process of a crash
// test instead of running tests. Its value names what the child does.
const childEnv = "TEMPFS_S3_CHILD"

// Environment of a child: the gateway, the bucket and the key.
const (
	childEndpoint = "TEMPFS_S3_ENDPOINT"
	childBucket   = "TEMPFS_S3_BUCKET"
	childName     = "TEMPFS_S3_NAME"
	childSize     = 64 << 20
)

// content returns n deterministic bytes for version v (ChaCha8: fast
// even under the race detector, which instruments a byte loop).
func content(v uint64, n int) []byte {
	var seed [32]byte
	seed[0] = byte(v)
	b := make([]byte, n)
	rand.NewChaCha8(seed).Read(b)
	return b
}

// stepper makes a child stop at every event: it prints the event on
// stdout and waits for one byte on stdin before going on, so that the
// parent can SIGKILL it exactly there.
type stepper struct {
	mu  sync.Mutex
	in  *bufio.Reader
	out io.Writer
	rt  http.RoundTripper
}

func (s *stepper) event(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.out, format+"\n", args...)
	if _, err := s.in.ReadByte(); err != nil {
		os.Exit(3)
	}
}

func (s *stepper) RoundTrip(r *http.Request) (*http.Response, error) {
	op := awsmiddleware.GetOperationName(r.Context())
	s.event("before %s", op)
	resp, err := s.rt.RoundTrip(r)
	s.event("after %s", op)
	return resp, err
}

// mibReader reads data, stopping at an event after every MiB.
type mibReader struct {
	s    *stepper
	data []byte
	off  int
}

func (m *mibReader) Read(p []byte) (int, error) {
	if m.off >= len(m.data) {
		return 0, io.EOF
	}
	if m.off%(1<<20) == 0 {
		m.s.event("read %d MiB", m.off>>20)
	}
	n := copy(p, m.data[m.off:min(len(m.data), m.off+(1<<20)-m.off%(1<<20))])
	m.off += n
	return n, nil
}

// childMain streams version 2 (64 MiB) to the key, stopping at every
// event, and exits 0 once it is committed.
func childMain() int {
	switch os.Getenv(childEnv) {
	case "race":
		return raceChild()
	case "rss":
		return rssChild()
	}
	s := &stepper{in: bufio.NewReader(os.Stdin), out: os.Stdout}
	c := clientFor(os.Getenv(childEndpoint), clientOpts{transport: func(rt http.RoundTripper) http.RoundTripper { s.rt = rt; return s }})
	fsys := s3fs.NewWithOptions(c, os.Getenv(childBucket), s3fs.Options{PartSize: 8 << 20, Concurrency: 2})
	r := &mibReader{s: s, data: content(2, childSize)}
	if err := childWrite(fsys, os.Getenv(childName), r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

// childWrite is the write under test.
func childWrite(fsys *s3fs.Fs, name string, src io.Reader) error {
	return tempfs.WriteReader(fsys, name, src, 0o600)
}
