//go:build unix

package sftpfs_test

import (
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"
)

// sshFxpClose is the SFTP packet type of a close request.
const sshFxpClose = 4

// TestMutantKillers holds the tests .ci/mutants.sh needs in this package:
// each fails when one close-error check is removed (the mutant named in
// .ci/mutants.txt).
func TestMutantKillers(t *testing.T) {
	t.Parallel()

	// sftp-syncdir-close: SyncDir reports a failed close of the directory
	// handle (here the close request cannot be sent).
	t.Run("SyncDirCloseError", func(t *testing.T) {
		var armed atomic.Bool
		fsys, dir, _ := newFs(t, serverOpts{onPacket: func(_ int, typ byte) bool {
			return !(armed.Load() && typ == sshFxpClose)
		}})
		require.NoError(t, fsys.SyncDir(dir))
		armed.Store(true)
		require.Error(t, fsys.SyncDir(dir), "the close of the directory failed")
	})
}
