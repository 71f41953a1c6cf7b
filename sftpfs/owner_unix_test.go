//go:build unix

package sftpfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/sftpfs"
)

// Issue 17: over SFTP, with the server running as root, rewriting a 0600
// file owned by 65534:65534 keeps its mode and owner; WithPermissions
// changes the mode and still keeps the owner.
func TestOwnerKeptOverSFTP(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("needs root: the server must run as root to give files away")
	}
	dir := serverDir(t)
	s := startServer(t, dir, serverOpts{asRoot: true})
	fsys := sftpfs.New(s.client)
	host := filepath.Join(dir, "conf")
	require.NoError(t, os.WriteFile(host, []byte("old"), 0o600))
	require.NoError(t, os.Chown(host, nobody, nobody))
	owner := func() ([]int, fs.FileMode) {
		fi, err := os.Stat(host)
		require.NoError(t, err)
		st := fi.Sys().(*syscall.Stat_t)
		return []int{int(st.Uid), int(st.Gid)}, fi.Mode().Perm()
	}
	require.NoError(t, tempfs.WriteFile(fsys, host, []byte("new"), 0o644))
	ids, mode := owner()
	assert.Equal(t, []int{nobody, nobody}, ids)
	assert.Equal(t, fs.FileMode(0o600), mode)

	require.NoError(t, tempfs.WriteFile(fsys, host, []byte("new"), 0o644, tempfs.WithStaticPermissions(0o644)))
	ids, mode = owner()
	assert.Equal(t, []int{nobody, nobody}, ids)
	assert.Equal(t, fs.FileMode(0o644), mode)
}
