package tempfstest_test

import (
	"io/fs"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestMutantKillers holds the tests .ci/mutants.sh needs in this package:
// each fails when FaultFs stops passing a sync's or a close's error through
// (the mutant named in .ci/mutants.txt).
func TestMutantKillers(t *testing.T) {
	t.Parallel()

	// fault-syncdir-pass-ignore: FaultFs.SyncDir returns the inner
	// DirSyncer's error.
	t.Run("SyncDirError", func(t *testing.T) {
		ff := tempfstest.NewFaultFs(tempfstest.NewCrashFs())
		require.NoError(t, ff.Mkdir("/d", 0o755))
		require.NoError(t, ff.SyncDir("/d"))
		assert.ErrorIs(t, ff.SyncDir("/missing"), fs.ErrNotExist)
		f, err := ff.Create("/f")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.ErrorIs(t, ff.SyncDir("/f"), syscall.ENOTDIR)
	})

	// fault-file-close: a file's Close returns the inner file's error (a
	// second Close is fs.ErrClosed on CrashFs).
	t.Run("CloseError", func(t *testing.T) {
		ff := tempfstest.NewFaultFs(tempfstest.NewCrashFs())
		f, err := ff.Create("/f")
		require.NoError(t, err)
		require.NoError(t, f.Close())
		assert.ErrorIs(t, f.Close(), fs.ErrClosed)
	})
}
