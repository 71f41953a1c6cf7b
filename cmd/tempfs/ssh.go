package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"time"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/agent"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tempfs-go/tempfs/sftpfs"
)

// identityFiles are the keys tried after the agent's, in ssh's order.
var identityFiles = [...]string{"id_ed25519", "id_ecdsa", "id_rsa"}

// openSFTP opens sftp://[user@]host[:port]/path. The path is absolute on
// the server; /~/path is relative to the login directory. Host keys are
// checked against ~/.ssh/known_hosts (and /etc/ssh/ssh_known_hosts);
// keys come from the ssh agent ($SSH_AUTH_SOCK), then from ~/.ssh/id_*
// files without a passphrase. ~/.ssh/config is not read.
func openSFTP(e *env, u *url.URL) (*location, error) {
	if u.Hostname() == "" {
		return nil, &usageError{fmt.Sprintf("sftp URL %q has no host", u.Redacted())}
	}
	if _, ok := u.User.Password(); ok {
		return nil, &usageError{"sftp URLs with a password are not supported: use an ssh key"}
	}
	p := u.Path
	switch {
	case p == "" || p == "/~":
		p = "."
	case strings.HasPrefix(p, "/~/"):
		p = p[len("/~/"):]
	}
	userName := u.User.Username()
	if userName == "" {
		cur, err := user.Current()
		if err != nil {
			return nil, fmt.Errorf("sftp://%s: no user name in the URL and no current user: %w", u.Host, err)
		}
		userName = cur.Username
	}
	port := u.Port()
	if port == "" {
		port = "22"
	}
	addr := net.JoinHostPort(u.Hostname(), port)
	prefix := "sftp://" + userName + "@" + addr
	conn, err := dialSSH(e, userName, addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", prefix, err)
	}
	client, err := sftp.NewClient(conn)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("%s: starting sftp: %w", prefix, err)
	}
	return &location{
		fsys:   sftpfs.New(client),
		path:   p,
		remote: true,
		prefix: prefix,
		close: func() error {
			return errors.Join(client.Close(), conn.Close())
		},
	}, nil
}

// dialSSH connects and authenticates.
func dialSSH(e *env, userName, addr string) (*ssh.Client, error) {
	home, err := os.UserHomeDir()
	if err != nil {
		return nil, err
	}
	sshDir := filepath.Join(home, ".ssh")
	hostKeys, err := hostKeyCallback(sshDir)
	if err != nil {
		return nil, err
	}
	signers, closeAgent := keySigners(e, sshDir)
	defer closeAgent()
	if len(signers) == 0 {
		return nil, fmt.Errorf("no ssh key: start ssh-agent (SSH_AUTH_SOCK) or create %s without a passphrase", filepath.Join(sshDir, identityFiles[0]))
	}
	var keyErr *knownhosts.KeyError
	config := &ssh.ClientConfig{
		User: userName,
		Auth: []ssh.AuthMethod{ssh.PublicKeys(signers...)},
		HostKeyCallback: func(host string, remote net.Addr, key ssh.PublicKey) error {
			err := hostKeys(host, remote, key)
			errors.As(err, &keyErr)
			return err
		},
		Timeout: 30 * time.Second,
	}
	conn, err := ssh.Dial("tcp", addr, config)
	if err != nil && keyErr != nil && len(keyErr.Want) > 0 {
		// The host is known, under another key type than the one the
		// server offered first: ask for the known types and try again.
		config.HostKeyAlgorithms = algorithmsFor(keyErr.Want)
		keyErr = nil
		conn, err = ssh.Dial("tcp", addr, config)
	}
	if err != nil {
		if keyErr != nil && len(keyErr.Want) == 0 {
			return nil, fmt.Errorf("host key of %s is not in %s: connect once with ssh to check and record it", addr, filepath.Join(sshDir, "known_hosts"))
		}
		return nil, err
	}
	return conn, nil
}

// hostKeyCallback reads the user's known_hosts and the system's.
func hostKeyCallback(sshDir string) (ssh.HostKeyCallback, error) {
	files := []string{filepath.Join(sshDir, "known_hosts")}
	if _, err := os.Stat(files[0]); err != nil {
		return nil, fmt.Errorf("known hosts: %w (connect once with ssh to record the host key)", err)
	}
	const system = "/etc/ssh/ssh_known_hosts"
	if _, err := os.Stat(system); err == nil {
		files = append(files, system)
	}
	return knownhosts.New(files...)
}

// keySigners returns the agent's keys, then those of the identity files
// that need no passphrase, and a function that closes the agent
// connection.
func keySigners(e *env, sshDir string) ([]ssh.Signer, func()) {
	var signers []ssh.Signer
	closeAgent := func() {}
	if sock := e.getenv("SSH_AUTH_SOCK"); sock != "" {
		if c, err := net.Dial("unix", sock); err == nil {
			closeAgent = func() { c.Close() }
			if s, err := agent.NewClient(c).Signers(); err == nil {
				signers = append(signers, s...)
			}
		}
	}
	for _, name := range identityFiles {
		data, err := os.ReadFile(filepath.Join(sshDir, name))
		if err != nil {
			continue
		}
		if s, err := ssh.ParsePrivateKey(data); err == nil {
			signers = append(signers, s)
		}
	}
	return signers, closeAgent
}

// algorithmsFor lists the host key algorithms that match known keys.
func algorithmsFor(keys []knownhosts.KnownKey) []string {
	var algos []string
	for _, k := range keys {
		switch t := k.Key.Type(); t {
		case ssh.KeyAlgoRSA:
			algos = append(algos, ssh.KeyAlgoRSASHA512, ssh.KeyAlgoRSASHA256, ssh.KeyAlgoRSA)
		default:
			algos = append(algos, t)
		}
	}
	return algos
}
