package s3fs_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/s3fs"
)

// Root credentials of the test server.
const (
	accessKey = "tempfs-test-access"
	secretKey = "tempfs-test-secret-key-0123456789"
)

// versitygwPath is where .ci/install-s3.sh builds the server, unless
// $TEMPFS_VERSITYGW names another binary.
func versitygwPath() string {
	if p := os.Getenv("TEMPFS_VERSITYGW"); p != "" {
		return p
	}
	cache := os.Getenv("XDG_CACHE_HOME")
	if cache == "" {
		home, _ := os.UserHomeDir()
		cache = filepath.Join(home, ".cache")
	}
	return filepath.Join(cache, "tempfs", "versitygw-v1.8.0", "versitygw")
}

// gateway is one versitygw process serving a posix backend in a temp dir,
// shared by every test of the binary and stopped by TestMain.
type gateway struct {
	endpoint string
	root     string
	cmd      *exec.Cmd
	done     chan error
}

var (
	gwOnce  sync.Once
	gw      *gateway
	gwErr   error
	bucketN atomic.Int64
)

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(childMain())
	}
	code := m.Run()
	if gw != nil {
		gw.stop()
	}
	os.Exit(code)
}

// server returns the shared gateway, starting it on first use. When the
// binary is missing the test fails, naming the install script.
func server(t testing.TB) *gateway {
	t.Helper()
	gwOnce.Do(func() { gw, gwErr = startGateway() })
	require.NoError(t, gwErr)
	return gw
}

func startGateway() (*gateway, error) {
	bin := versitygwPath()
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("S3 test server missing (%v): run .ci/install-s3.sh (builds versitygw v1.8.0), or set TEMPFS_VERSITYGW", err)
	}
	root, err := os.MkdirTemp("", "tempfs-s3-*")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	args := []string{"--port", addr, "--quiet", "--keep-alive", "posix"}
	if !hasXattrs(root) {
		sidecar := filepath.Join(root, ".sidecar")
		if err := os.Mkdir(sidecar, 0o700); err != nil {
			return nil, err
		}
		args = append(args, "--sidecar", sidecar)
	}
	args = append(args, root)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+accessKey, "ROOT_SECRET_KEY="+secretKey)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	g := &gateway{endpoint: "http://" + addr, root: root, cmd: cmd, done: make(chan error, 1)}
	go func() { g.done <- cmd.Wait() }()
	// Wait until it accepts connections (or exits).
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			return g, nil
		}
		select {
		case werr := <-g.done:
			return nil, fmt.Errorf("versitygw exited: %v: %s", werr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			g.stop()
			return nil, fmt.Errorf("versitygw did not listen on %s: %s", addr, out.String())
		}
	}
}

func (g *gateway) stop() {
	g.cmd.Process.Kill()
	<-g.done
	os.RemoveAll(g.root)
}

// hasXattrs reports whether dir's file system keeps user extended
// attributes, where versitygw stores metadata; else it gets --sidecar.
func hasXattrs(dir string) bool {
	f := filepath.Join(dir, ".xattr-probe")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		return false
	}
	defer os.Remove(f)
	return setXattr(f) == nil
}

// clientOpts configures a test client.
type clientOpts struct {
	transport func(http.RoundTripper) http.RoundTripper
	attempts  int
}

// newClient returns an SDK client for the gateway.
func newClient(t testing.TB, o clientOpts) *s3.Client {
	t.Helper()
	return clientFor(server(t).endpoint, o)
}

func clientFor(endpoint string, o clientOpts) *s3.Client {
	var rt http.RoundTripper = awshttp.NewBuildableClient().GetTransport()
	if o.transport != nil {
		rt = o.transport(rt)
	}
	return s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secretKey}, nil
		}),
		HTTPClient:       &http.Client{Transport: rt},
		RetryMaxAttempts: o.attempts,
	})
}

// newBucket creates a fresh bucket and returns its name.
func newBucket(t testing.TB, c *s3.Client) string {
	t.Helper()
	name := fmt.Sprintf("tempfs-%d-%d", os.Getpid(), bucketN.Add(1))
	_, err := c.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(name)})
	require.NoError(t, err)
	return name
}

// newFs returns an Fs on a fresh bucket, and the client under it.
func newFs(t testing.TB, o clientOpts, opts s3fs.Options) (*s3fs.Fs, *s3.Client, string) {
	t.Helper()
	c := newClient(t, o)
	b := newBucket(t, newClient(t, clientOpts{}))
	return s3fs.NewWithOptions(c, b, opts), c, b
}

// counter counts the HTTP requests a client sends, by S3 operation.
type counter struct {
	mu  sync.Mutex
	ops map[string]int
	rt  http.RoundTripper
}

func (c *counter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.ops == nil {
		c.ops = map[string]int{}
	}
	c.ops[awsmiddleware.GetOperationName(r.Context())]++
	c.mu.Unlock()
	return c.rt.RoundTrip(r)
}

// take returns the counts so far and resets them.
func (c *counter) take() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	ops := c.ops
	c.ops = nil
	if ops == nil {
		ops = map[string]int{}
	}
	return ops
}
