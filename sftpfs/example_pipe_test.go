package sftpfs_test

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pkg/sftp"
	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/sftpfs"
)

// pipeServer serves this machine's files over SFTP in process, on pipes:
// pkg/sftp's own server, which has posix-rename but no fsync extension.
func pipeServer() (*sftp.Client, func(), error) {
	cr, sw := io.Pipe()
	sr, cw := io.Pipe()
	server, err := sftp.NewServer(struct {
		io.Reader
		io.WriteCloser
	}{sr, sw})
	if err != nil {
		return nil, nil, err
	}
	go server.Serve()
	client, err := sftp.NewClientPipe(cr, cw)
	if err != nil {
		server.Close()
		return nil, nil, err
	}
	return client, func() { server.Close(); client.Close() }, nil
}

// Against a server without fsync@openssh.com, a durable write is refused
// before anything is written; with NoSync it is still atomic. (OpenSSH's
// sftp-server has both extensions, and the durable write succeeds there.)
func Example_pipe() {
	client, stop, err := pipeServer()
	if err != nil {
		fmt.Println(err)
		return
	}
	defer stop()
	dir, err := os.MkdirTemp("", "sftp-example-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	fsys := sftpfs.New(client)
	target := filepath.Join(dir, "config.json")
	err = tempfs.WriteFile(fsys, target, []byte(`{"v":1}`), 0o644)
	fmt.Println("durable write refused:", errors.Is(err, errors.ErrUnsupported))

	err = tempfs.WriteFile(fsys, target, []byte(`{"v":2}`), 0o644, tempfs.NoSync())
	fmt.Println("atomic write:", err)
	data, _ := afero.ReadFile(fsys, target)
	fmt.Printf("%s\n", data)
	// Output:
	// durable write refused: true
	// atomic write: <nil>
	// {"v":2}
}
