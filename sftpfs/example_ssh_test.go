package sftpfs_test

import (
	"log"
	"os"
	"path/filepath"

	"github.com/pkg/sftp"
	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/sftpfs"
)

// Connect over SSH with golang.org/x/crypto/ssh, checking the host key
// against ~/.ssh/known_hosts, and replace a remote file atomically and
// durably. (Compiled, not run: it needs a server.)
func Example_ssh() {
	home, err := os.UserHomeDir()
	if err != nil {
		log.Fatal(err)
	}
	hostKeys, err := knownhosts.New(filepath.Join(home, ".ssh", "known_hosts"))
	if err != nil {
		log.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(home, ".ssh", "id_ed25519"))
	if err != nil {
		log.Fatal(err)
	}
	signer, err := ssh.ParsePrivateKey(key)
	if err != nil {
		log.Fatal(err)
	}
	conn, err := ssh.Dial("tcp", "files.example.com:22", &ssh.ClientConfig{
		User:            "deploy",
		Auth:            []ssh.AuthMethod{ssh.PublicKeys(signer)},
		HostKeyCallback: hostKeys,
	})
	if err != nil {
		log.Fatal(err)
	}
	defer conn.Close()
	client, err := sftp.NewClient(conn)
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	fsys := sftpfs.New(client)
	// Fails before writing anything if the server lacks posix-rename or
	// fsync@openssh.com (OpenSSH has both).
	err = tempfs.WriteFile(fsys, "/srv/app/config.json", []byte(`{"v":2}`), 0o644)
	if err != nil {
		log.Fatal(err)
	}
}
