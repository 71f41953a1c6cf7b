//go:build unix

package main

import (
	"bufio"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/pem"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// sshdPath is where Debian's openssh-server installs sshd;
// .ci/install-sshd.sh installs it.
const sshdPath = "/usr/sbin/sshd"

// sshServer is a real OpenSSH sshd on 127.0.0.1 with its own host key,
// config and authorized key, and a HOME for the client that knows the
// host and holds the user's key.
type sshServer struct {
	port    int
	home    string     // HOME for tempfs: .ssh/known_hosts and .ssh/id_ed25519
	userKey ssh.Signer // the authorized key
	keyFile string     // its private key file, outside home
	user    string
}

// url returns the sftp:// URL of an absolute path on the server.
func (s *sshServer) url(p string) string {
	return fmt.Sprintf("sftp://%s@127.0.0.1:%d%s", s.user, s.port, p)
}

// extraEnv is what tempfs's environment needs for this server: its HOME,
// no agent.
func (s *sshServer) extraEnv() []string {
	return []string{"HOME=" + s.home, "SSH_AUTH_SOCK="}
}

// env is the environment for tempfs.
func (s *sshServer) env() []string { return append(os.Environ(), s.extraEnv()...) }

// newKey makes an ed25519 key and returns its signer and OpenSSH PEM.
func newKey(t *testing.T) (ssh.Signer, []byte) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	block, err := ssh.MarshalPrivateKey(priv, "")
	require.NoError(t, err)
	signer, err := ssh.NewSignerFromKey(priv)
	require.NoError(t, err)
	return signer, pem.EncodeToMemory(block)
}

// startSSHD starts sshd -D on a free port of 127.0.0.1 and stops it when
// the test ends. It fails the test, saying how to fix it, when sshd is
// missing. With ecdsaToo the server also has an ECDSA host key, which
// clients ask for before ed25519; known_hosts holds only the ed25519 key.
func startSSHD(t *testing.T, ecdsaToo bool) *sshServer {
	t.Helper()
	if _, err := os.Stat(sshdPath); err != nil {
		t.Fatalf("%s is missing: run .ci/install-sshd.sh (%v)", sshdPath, err)
	}
	cur, err := user.Current()
	require.NoError(t, err)
	if cur.Uid == "0" {
		// sshd's privilege separation directory, which the package's
		// service would create.
		require.NoError(t, os.MkdirAll("/run/sshd", 0o755))
	}
	dir := t.TempDir()
	hostKey, hostPEM := newKey(t)
	userKey, userPEM := newKey(t)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o600))
		return p
	}
	hostKeys := []string{"HostKey " + write("host_ed25519", hostPEM)}
	if ecdsaToo {
		_, ecdsaKey, err := ecdsaKeyPEM()
		require.NoError(t, err)
		hostKeys = append(hostKeys, "HostKey "+write("host_ecdsa", ecdsaKey))
	}
	authorized := write("authorized_keys", ssh.MarshalAuthorizedKey(userKey.PublicKey()))
	keyFile := write("user_ed25519", userPEM)

	for attempt := 0; ; attempt++ {
		port := freePort(t)
		config := write("sshd_config", []byte(strings.Join([]string{
			fmt.Sprintf("Port %d", port),
			"ListenAddress 127.0.0.1",
			strings.Join(hostKeys, "\n"),
			"AuthorizedKeysFile " + authorized,
			"PubkeyAuthentication yes",
			"PasswordAuthentication no",
			"KbdInteractiveAuthentication no",
			"PermitRootLogin prohibit-password",
			"StrictModes no",
			"UsePAM no",
			"PidFile none",
			"LogLevel INFO",
			"Subsystem sftp internal-sftp",
		}, "\n")+"\n"))
		cmd := exec.Command(sshdPath, "-D", "-e", "-f", config)
		stderr, err := cmd.StderrPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		listening, log := waitListening(stderr, port)
		if !listening {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
			if attempt < 3 && strings.Contains(log, "Address already in use") {
				continue
			}
			t.Fatalf("sshd did not start:\n%s", log)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		})
		home := filepath.Join(dir, "home")
		require.NoError(t, os.MkdirAll(filepath.Join(home, ".ssh"), 0o700))
		line := knownhosts.Line([]string{fmt.Sprintf("127.0.0.1:%d", port)}, hostKey.PublicKey())
		require.NoError(t, os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(line+"\n"), 0o600))
		require.NoError(t, os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519"), userPEM, 0o600))
		return &sshServer{port: port, home: home, userKey: userKey, keyFile: keyFile, user: cur.Username}
	}
}

// ecdsaKeyPEM makes a P-256 key in OpenSSH PEM.
func ecdsaKeyPEM() (ssh.Signer, []byte, error) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		return nil, nil, err
	}
	signer, err := ssh.NewSignerFromKey(priv)
	return signer, pem.EncodeToMemory(block), err
}

// waitListening reads sshd's log until it says it listens (then drains the
// rest in the background) or ends.
func waitListening(stderr interface{ Read([]byte) (int, error) }, port int) (bool, string) {
	sc := bufio.NewScanner(stderr)
	var log strings.Builder
	want := fmt.Sprintf("Server listening on 127.0.0.1 port %d", port)
	for sc.Scan() {
		log.WriteString(sc.Text() + "\n")
		if strings.Contains(sc.Text(), want) {
			go func() {
				for sc.Scan() {
				}
			}()
			return true, log.String()
		}
	}
	return false, log.String()
}

// freePort returns a TCP port of 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// startAgent starts an ssh-agent holding only the server's user key and
// returns its socket. ssh-agent without -D forks and prints its pid once
// its socket is bound.
func startAgent(t *testing.T, s *sshServer) string {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "agent.sock")
	out, err := exec.Command("ssh-agent", "-s", "-a", sock).Output()
	require.NoError(t, err)
	m := regexp.MustCompile(`SSH_AGENT_PID=(\d+)`).FindSubmatch(out)
	require.NotNil(t, m, "ssh-agent said: %s", out)
	pid, err := strconv.Atoi(string(m[1]))
	require.NoError(t, err)
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGTERM) })
	add := exec.Command("ssh-add", s.keyFile)
	add.Env = append(os.Environ(), "SSH_AUTH_SOCK="+sock)
	out, err = add.CombinedOutput()
	require.NoError(t, err, "ssh-add: %s", out)
	return sock
}
