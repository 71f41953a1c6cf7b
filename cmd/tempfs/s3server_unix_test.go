//go:build unix

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/s3fs"
)

// Root credentials of the test S3 server.
const (
	s3AccessKey = "tempfs-cmd-test-access"
	s3SecretKey = "tempfs-cmd-test-secret-key-0123456789"
)

// versitygwPath is where .ci/install-s3.sh builds the S3 server, unless
// $TEMPFS_VERSITYGW names another binary (as in s3fs's tests).
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

// s3Server is a Versity S3 Gateway on 127.0.0.1 serving a posix backend in
// a temp dir, with one bucket.
type s3Server struct {
	endpoint string
	root     string // the server's storage: root/bucket/key is the object
	bucket   string
	client   *s3.Client
	fsys     *s3fs.Fs // the bucket, for the tests' checks
}

// url returns the s3:// URL of a path of the bucket.
func (s *s3Server) url(p string) string { return "s3://" + s.bucket + p }

// extraEnv is what tempfs's environment needs for this server: its
// endpoint and credentials, and no AWS configuration from this machine.
func (s *s3Server) extraEnv() []string {
	none := filepath.Join(os.TempDir(), "tempfs-cmd-test-no-such-aws-file")
	return []string{
		"TEMPFS_S3_ENDPOINT=" + s.endpoint,
		"AWS_ACCESS_KEY_ID=" + s3AccessKey,
		"AWS_SECRET_ACCESS_KEY=" + s3SecretKey,
		"AWS_SESSION_TOKEN=", "AWS_PROFILE=", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + none, "AWS_SHARED_CREDENTIALS_FILE=" + none,
		"AWS_EC2_METADATA_DISABLED=true",
	}
}

// env is the environment for tempfs.
func (s *s3Server) env() []string { return append(os.Environ(), s.extraEnv()...) }

// startS3 starts versitygw on a free port of 127.0.0.1, creates a bucket,
// and stops the server when the test ends. It fails the test, saying how
// to fix it, when the binary is missing.
func startS3(t *testing.T) *s3Server {
	t.Helper()
	bin := versitygwPath()
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("S3 test server missing (%v): run .ci/install-s3.sh (builds versitygw v1.8.0), or set TEMPFS_VERSITYGW", err)
	}
	root := t.TempDir()
	// Metadata (modes) in a sidecar directory: the test's temp dir may be
	// on a file system without user xattrs.
	sidecar := t.TempDir()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	cmd := exec.Command(bin, "--port", addr, "--quiet", "--keep-alive", "posix", "--sidecar", sidecar, root)
	cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s3AccessKey, "ROOT_SECRET_KEY="+s3SecretKey)
	var out lockedBuilder
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Start())
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			break
		}
		select {
		case werr := <-done:
			done <- werr
			t.Fatalf("versitygw exited: %v: %s", werr, out.String())
		case <-time.After(20 * time.Millisecond):
		}
		require.True(t, time.Now().Before(deadline), "versitygw did not listen on %s: %s", addr, out.String())
	}
	endpoint := "http://" + addr
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: s3AccessKey, SecretAccessKey: s3SecretKey}, nil
		}),
	})
	bucket := fmt.Sprintf("tempfs-cmd-%d", os.Getpid())
	_, err = client.CreateBucket(context.Background(), &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	return &s3Server{endpoint: endpoint, root: root, bucket: bucket, client: client, fsys: s3fs.New(client, bucket)}
}

// keys lists every object key under prefix (a path of the bucket, "/a/b"),
// but not the prefix's own directory marker.
func (s *s3Server) keys(t *testing.T, prefix string) []string {
	t.Helper()
	in := &s3.ListObjectsV2Input{Bucket: aws.String(s.bucket), Prefix: aws.String(strings.TrimPrefix(prefix, "/") + "/")}
	var keys []string
	for p := s3.NewListObjectsV2Paginator(s.client, in); p.HasMorePages(); {
		page, err := p.NextPage(context.Background())
		require.NoError(t, err)
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); k != *in.Prefix {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

// uploads lists the unfinished multipart uploads' keys under prefix.
func (s *s3Server) uploads(t *testing.T, prefix string) []string {
	t.Helper()
	page, err := s.client.ListMultipartUploads(context.Background(), &s3.ListMultipartUploadsInput{
		Bucket: aws.String(s.bucket), Prefix: aws.String(strings.TrimPrefix(prefix, "/") + "/"),
	})
	require.NoError(t, err)
	var keys []string
	for _, u := range page.Uploads {
		keys = append(keys, aws.ToString(u.Key))
	}
	return keys
}

// mkdir makes a fresh directory in the bucket for one subtest.
func (s *s3Server) mkdir(t *testing.T) string {
	t.Helper()
	dir := "/" + strings.NewReplacer("/", "-", " ", "_").Replace(t.Name())
	require.NoError(t, s.fsys.MkdirAll(dir, 0o755))
	return dir
}
