//go:build unix

package tempfs_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/internal/asnobody"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// TestRemoveAllReadOnlyTree removes a tree of 0o500 directories and 0o400
// files on OsFs as a non-root user. Run as root (as CI is), it re-runs
// itself in a copy of the test binary under uid 65534.
func TestRemoveAllReadOnlyTree(t *testing.T) {
	if os.Getuid() != 0 {
		removeReadOnlyTree(t)
		return
	}
	runAsNobody(t, "TestRemoveAllReadOnlyTree")
}

// runAsNobody runs the test named test again under uid 65534 and fails
// t if it does not pass there. Call it only as root.
func runAsNobody(t *testing.T, test string) {
	t.Helper()
	t.Logf("unprivileged child:\n%s", asnobody.Run(t, "^"+test+"$", test))
}

func removeReadOnlyTree(t *testing.T) {
	fsys := afero.NewOsFs()
	root := filepath.Join(t.TempDir(), "ro")
	tempfstest.MakeReadOnlyTree(t, fsys, root)
	// Teeth: permissions bite here, so the plain removal fails.
	err := os.RemoveAll(root)
	require.ErrorIs(t, err, fs.ErrPermission, "permissions do not bite: running as root?")

	require.NoError(t, tempfs.RemoveAll(fsys, root))
	_, err = os.Lstat(root)
	assert.ErrorIs(t, err, fs.ErrNotExist)
}
