package s3fs_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"path"
	"sync"
	"testing"

	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/s3fs"
)

// errInjected is the cause of every injected fault.
var errInjected = errors.New("injected network fault")

// faultMode says what happens to the request a fault hits.
type faultMode int

const (
	// failSend fails the request before it is sent: the server sees
	// nothing (a refused connection).
	failSend faultMode = iota
	// dropReply sends the request and drops the connection before the
	// reply arrives: the server did the work, the client does not know.
	dropReply
)

func (m faultMode) String() string { return [...]string{"fail", "drop"}[m] }

// faulty is an http.RoundTripper that counts requests and makes the
// at-th one (1-based) fail as mode says. It records the operations sent.
type faulty struct {
	rt   http.RoundTripper
	mu   sync.Mutex
	n    int
	at   int
	mode faultMode
	ops  []string
	hit  string
}

func (f *faulty) RoundTrip(r *http.Request) (*http.Response, error) {
	op := awsmiddleware.GetOperationName(r.Context())
	f.mu.Lock()
	f.n++
	hit := f.n == f.at
	f.ops = append(f.ops, op)
	if hit {
		f.hit = op
	}
	f.mu.Unlock()
	if !hit {
		return f.rt.RoundTrip(r)
	}
	if f.mode == failSend {
		if r.Body != nil {
			r.Body.Close()
		}
		return nil, fmt.Errorf("%s: %w", op, errInjected)
	}
	resp, err := f.rt.RoundTrip(r)
	if err == nil {
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return nil, fmt.Errorf("%s: connection dropped after the request: %w", op, errInjected)
}

func (f *faulty) arm(at int, mode faultMode) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n, f.at, f.mode, f.ops, f.hit = 0, at, mode, nil, ""
}

// writeFn is one way of writing data to name of an Fs.
type writeFn func(fsys afero.Fs, name string, data []byte) error

// replaceWrite writes through s3fs's Replace directly, as tempfs does:
// Abort after any failure.
func replaceWrite(fsys afero.Fs, name string, data []byte) error {
	r, err := fsys.(*s3fs.Fs).Replace(name, 0o600, false)
	if err != nil {
		return err
	}
	if _, err := io.Copy(r, bytes.NewReader(data)); err != nil {
		r.Abort()
		return err
	}
	if err := r.Commit(); err != nil {
		r.Abort()
		return err
	}
	return nil
}

// runFaults fails, in turn, every request a write of each size makes, in
// both modes, and checks what is left: the target whole old (or, when the
// reply of the request that publishes was dropped, whole new), an error
// naming the caller's path and wrapping the injected cause, no upload
// left (except one whose CreateMultipartUpload reply was lost, which the
// client cannot know: SweepStale frees it).
func runFaults(t *testing.T, writes map[string]writeFn) {
	f := &faulty{}
	fsys, c, bucket := newFs(t, clientOpts{attempts: 1, transport: func(rt http.RoundTripper) http.RoundTripper { f.rt = rt; return f }},
		s3fs.Options{PartSize: partSize, Concurrency: 2})
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	old := []byte("old content")
	targets := map[string]bool{}
	for wname, write := range writes {
		for _, size := range []int{4 << 10, 2*partSize + 100} {
			data := randomBytes(t, size)
			// A clean run counts the requests.
			target := fmt.Sprintf("/d/%s-%d", wname, size)
			targets[path.Base(target)] = true
			require.NoError(t, afero.WriteFile(afero.Fs(fsys), target, old, 0o600))
			f.arm(0, failSend)
			require.NoError(t, write(fsys, target, data))
			total := len(f.ops)
			require.NotZero(t, total)
			for at := 1; at <= total; at++ {
				for _, mode := range []faultMode{failSend, dropReply} {
					require.NoError(t, afero.WriteFile(afero.Fs(fsys), target, old, 0o600))
					f.arm(at, mode)
					err := write(fsys, target, data)
					hit := f.hit
					f.arm(0, failSend)
					t.Run(fmt.Sprintf("%s/%d/%02d-%s/%s", wname, size, at, hit, mode), func(t *testing.T) {
						require.NotEmpty(t, hit, "request %d was not sent", at)
						require.Error(t, err)
						assert.ErrorIs(t, err, errInjected)
						var pe *fs.PathError
						if assert.ErrorAs(t, err, &pe) {
							assert.Equal(t, target, pe.Path)
						}
						got := readAll(t, fsys, target)
						publishes := hit == "PutObject" || hit == "CompleteMultipartUpload"
						if mode == dropReply && publishes {
							assert.True(t, bytes.Equal(old, got) || bytes.Equal(data, got), "partial content after a dropped commit reply")
						} else {
							assert.Equal(t, old, got, "target changed")
						}
						left := uploads(t, c, bucket)
						if mode == dropReply && hit == "CreateMultipartUpload" {
							assert.Len(t, left, 1, "the upload the lost reply named")
							swept, err := fsys.SweepStale("/d", farFuture)
							require.NoError(t, err)
							assert.Equal(t, []string{target}, swept)
						}
						assert.Empty(t, uploads(t, c, bucket), "upload left")
						d, err := fsys.Open("/d")
						require.NoError(t, err)
						names, err := d.Readdirnames(-1)
						require.NoError(t, err)
						d.Close()
						for _, n := range names {
							assert.True(t, targets[n], "object %s appeared", n)
						}
					})
				}
			}
		}
	}
}

// TestFaults fails every request of tempfs's WriteFile, WriteReader and
// PendingFile on s3fs (and of s3fs's own Replace), small and multipart.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("fails every request of multipart writes in turn; skipped with -short")
	}
	runFaults(t, map[string]writeFn{
		"Replace": replaceWrite,
		"WriteFile": func(fsys afero.Fs, name string, data []byte) error {
			return tempfs.WriteFile(fsys, name, data, 0o600)
		},
		"WriteReader": func(fsys afero.Fs, name string, data []byte) error {
			return tempfs.WriteReader(fsys, name, bytes.NewReader(data), 0o600)
		},
		"PendingFile": func(fsys afero.Fs, name string, data []byte) error {
			p, err := tempfs.NewPendingFile(fsys, name)
			if err != nil {
				return err
			}
			defer p.Cleanup()
			if _, err := p.Write(data); err != nil {
				return err
			}
			return p.Commit()
		},
	})
}
