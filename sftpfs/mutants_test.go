//go:build unix

package sftpfs_test

import (
	"errors"
	"io"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
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

	// replace-nosync-refused: without fsync@openssh.com a durable write is
	// refused before the caller's reader is read.
	t.Run("NoFsyncRefusedBeforeReading", func(t *testing.T) {
		fsys, dir, _ := newFs(t, serverOpts{hide: []string{"fsync@openssh.com"}})
		r := &countingReader{r: strings.NewReader("NEW")}
		err := tempfs.WriteReader(fsys, filepath.Join(dir, "target"), r, 0o600)
		require.ErrorIs(t, err, errors.ErrUnsupported)
		assert.Zero(t, r.n, "the reader was read before the refusal")
	})
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}
