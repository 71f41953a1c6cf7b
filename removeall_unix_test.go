//go:build unix

package tempfs_test

import (
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

const unprivChildEnv = "TEMPFS_TEST_UNPRIVILEGED_CHILD"

// nobody is the unprivileged uid and gid the test drops to when run as
// root, where permission bits do not bite.
const nobody = 65534

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

// runAsNobody runs the test named test again in a copy of the test binary
// under uid and gid 65534, and fails t if it does not pass there. Call it
// only as root.
func runAsNobody(t *testing.T, test string) {
	t.Helper()
	if os.Getenv(unprivChildEnv) != "" {
		t.Fatal("child still runs as root")
	}
	// The go-build directory is root-only: copy the binary where nobody
	// can run it, and give the child a TMPDIR it can write.
	shared, err := os.MkdirTemp("", "tempfs-unpriv-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(shared) })
	require.NoError(t, os.Chmod(shared, 0o755))
	exe, err := os.Executable()
	require.NoError(t, err)
	bin := filepath.Join(shared, "tempfs.test")
	copyFile(t, exe, bin)
	tmp := filepath.Join(shared, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o700))
	require.NoError(t, os.Chown(tmp, nobody, nobody))

	args := []string{"-test.run=^" + test + "$", "-test.v", "-test.count=1"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = shared
	cmd.Env = append(os.Environ(), unprivChildEnv+"=1", "TMPDIR="+tmp, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	t.Logf("unprivileged child:\n%s", out)
	require.NoError(t, err, "unprivileged child failed")
	assert.Contains(t, string(out), "--- PASS: "+test, "the child did not run the test")
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

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	src, err := os.Open(from)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, err)
	require.NoError(t, dst.Close())
}
