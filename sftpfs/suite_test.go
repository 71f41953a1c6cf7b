//go:build unix

package sftpfs_test

import (
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestSuite runs tempfs's cross-backend suite on an Fs over a real OpenSSH
// sftp-server. Each test gets its own server process, started in its own
// host directory, whose absolute path is the test's directory in the Fs.
// When the tests run as root the server runs as nobody, so it enforces
// permissions.
func TestSuite(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name: "SFTP",
		New: func(t testing.TB) (afero.Fs, string) {
			fsys, dir, _ := newFs(t, serverOpts{})
			return fsys, dir
		},
	})
}
