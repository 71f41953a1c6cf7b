//go:build unix

package sftpfs_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"

	"github.com/pkg/sftp"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/sftpfs"
)

// serverPath is where Debian's openssh-sftp-server installs the server.
// .ci/install-sftp-server.sh installs it.
const serverPath = "/usr/lib/openssh/sftp-server"

// nobody is the user the server runs as when the tests run as root, so that
// the server enforces permissions as it does for a real user.
const nobody = 65534

// serverOpts configures one sftp-server process.
type serverOpts struct {
	// hide lists extensions to strip from the server's version packet: a
	// pipe filter between the real server and the client, so the client
	// sees a server that lacks them.
	hide []string
	// log runs the server with "-e -l DEBUG3" and keeps its stderr.
	log bool
	// onPacket, if set, is called with the 1-based number and type of
	// every packet the client sends, before the packet reaches the server;
	// it returns false to stop the packet there.
	onPacket func(n int, typ byte) bool
	// afterPacket, if set, is called with the number of every packet the
	// client sends, after the packet was handed to the server.
	afterPacket func(n int)
	// asRoot keeps the server running as root when the tests do (for the
	// tests of owners), instead of dropping to nobody.
	asRoot bool
}

// server is a running OpenSSH sftp-server talking to a pkg/sftp client over
// pipes.
type server struct {
	cmd    *exec.Cmd
	client *sftp.Client
	log    lockedBuffer
	stop   func()
}

// lockedBuffer is a bytes.Buffer written by exec's stderr goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// requireServer fails the test, with a message saying how to fix it, when
// the server binary is missing.
func requireServer(t testing.TB) {
	t.Helper()
	_, err := os.Stat(serverPath)
	require.NoError(t, err, "OpenSSH's sftp-server is needed for these tests: "+
		"run .ci/install-sftp-server.sh (apt-get install openssh-sftp-server)")
}

// serverDir returns a new, empty host directory the server's user can
// write, removed at the end of the test.
//
// It is a subdirectory of a private parent, so that a test looking at the
// parent's entries sees only its own (the host's temp dir is shared with
// every other test running).
func serverDir(t testing.TB) string {
	t.Helper()
	parent, err := os.MkdirTemp("", "sftpfs-test-")
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(parent) })
	require.NoError(t, os.Chmod(parent, 0o755)) // the server's user must reach dir
	dir := filepath.Join(parent, "root")
	require.NoError(t, os.Mkdir(dir, 0o700))
	if os.Geteuid() == 0 {
		require.NoError(t, os.Chown(dir, nobody, nobody))
	}
	return dir
}

// startServer starts sftp-server with start directory dir and returns it
// connected; it is stopped at the end of the test.
func startServer(t testing.TB, dir string, o serverOpts) *server {
	t.Helper()
	requireServer(t)
	args := []string{"-d", dir}
	if o.log {
		args = append(args, "-e", "-l", "DEBUG3")
	}
	s := &server{cmd: exec.Command(serverPath, args...)}
	s.cmd.Stderr = &s.log
	if os.Geteuid() == 0 && !o.asRoot {
		s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	}
	stdin, err := s.cmd.StdinPipe()
	require.NoError(t, err)
	stdout, err := s.cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, s.cmd.Start())

	var w io.WriteCloser = stdin
	if o.onPacket != nil || o.afterPacket != nil {
		w = &packetWriter{w: stdin, onPacket: o.onPacket, afterPacket: o.afterPacket}
	}
	var r io.Reader = stdout
	if len(o.hide) > 0 {
		r = &versionFilter{r: stdout, hide: o.hide}
	}
	s.client, err = sftp.NewClientPipe(r, w)
	if err != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
		require.NoError(t, err, "server log:\n%s", s.log.String())
	}
	var once sync.Once
	s.stop = func() {
		once.Do(func() {
			_ = s.client.Close()
			_ = s.cmd.Wait()
		})
	}
	t.Cleanup(s.stop)
	return s
}

// kill ends the server process at once with SIGKILL.
func (s *server) kill() { _ = s.cmd.Process.Kill() }

// newFs returns an Fs over a fresh server rooted in a fresh directory.
func newFs(t testing.TB, o serverOpts) (*sftpfs.Fs, string, *server) {
	t.Helper()
	dir := serverDir(t)
	s := startServer(t, dir, o)
	return sftpfs.New(s.client), dir, s
}

// versionFilter passes the server's output through, but removes the
// extensions in hide from the first packet, SSH_FXP_VERSION.
type versionFilter struct {
	r       io.Reader
	hide    []string
	done    bool
	pending []byte
}

func (v *versionFilter) Read(p []byte) (int, error) {
	if !v.done {
		v.done = true
		pkt, err := readPacket(v.r)
		if err != nil {
			return 0, err
		}
		if v.pending, err = stripExtensions(pkt, v.hide); err != nil {
			return 0, err
		}
	}
	if len(v.pending) > 0 {
		n := copy(p, v.pending)
		v.pending = v.pending[n:]
		return n, nil
	}
	return v.r.Read(p)
}

// readPacket reads one length-prefixed SFTP packet, without its length.
func readPacket(r io.Reader) ([]byte, error) {
	var l [4]byte
	if _, err := io.ReadFull(r, l[:]); err != nil {
		return nil, err
	}
	pkt := make([]byte, binary.BigEndian.Uint32(l[:]))
	_, err := io.ReadFull(r, pkt)
	return pkt, err
}

const fxpVersion = 2 // SSH_FXP_VERSION

// stripExtensions rewrites a version packet (type, version, then name/data
// string pairs) without the named extensions and returns it framed.
func stripExtensions(pkt []byte, hide []string) ([]byte, error) {
	if len(pkt) < 5 || pkt[0] != fxpVersion {
		return nil, fmt.Errorf("first packet is not SSH_FXP_VERSION: % x", pkt[:min(len(pkt), 8)])
	}
	out := append([]byte(nil), pkt[:5]...)
	rest := pkt[5:]
	readString := func() ([]byte, error) {
		if len(rest) < 4 {
			return nil, errors.New("short extension pair")
		}
		n := binary.BigEndian.Uint32(rest)
		if uint64(len(rest)-4) < uint64(n) {
			return nil, errors.New("short extension string")
		}
		s := rest[:4+n]
		rest = rest[4+n:]
		return s, nil
	}
	for len(rest) > 0 {
		name, err := readString()
		if err != nil {
			return nil, err
		}
		data, err := readString()
		if err != nil {
			return nil, err
		}
		hidden := false
		for _, h := range hide {
			hidden = hidden || string(name[4:]) == h
		}
		if !hidden {
			out = append(append(out, name...), data...)
		}
	}
	return append(binary.BigEndian.AppendUint32(nil, uint32(len(out))), out...), nil
}

// packetWriter splits the client's output into packets and reports each to
// onPacket before passing it on and to afterPacket after.
type packetWriter struct {
	w           io.WriteCloser
	onPacket    func(n int, typ byte) bool
	afterPacket func(n int)
	buf         []byte
	n           int
	stopped     bool
}

var errStopped = errors.New("packet stopped by test")

func (p *packetWriter) Write(b []byte) (int, error) {
	if p.stopped {
		return 0, errStopped
	}
	p.buf = append(p.buf, b...)
	for len(p.buf) >= 5 {
		l := int(binary.BigEndian.Uint32(p.buf))
		if len(p.buf) < 4+l {
			break
		}
		pkt := p.buf[:4+l]
		p.n++
		if p.onPacket != nil && !p.onPacket(p.n, pkt[4]) {
			p.stopped = true
			return 0, errStopped
		}
		if _, err := p.w.Write(pkt); err != nil {
			return 0, err
		}
		p.buf = p.buf[4+l:]
		if p.afterPacket != nil {
			p.afterPacket(p.n)
		}
	}
	return len(b), nil
}

func (p *packetWriter) Close() error { return p.w.Close() }
