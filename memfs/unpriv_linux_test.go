//go:build linux

package memfs_test

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const unprivChildEnv = "MEMFS_TEST_UNPRIVILEGED_CHILD"

// nobody is the unprivileged uid and gid the test drops to when run as
// root, where permission bits do not bite on disk.
const nobody = 65534

// TestDifferentialOsUnprivileged runs TestDifferentialOs as a non-root
// user, so that permission bits bite on disk and in memfs. Run as root (as
// CI is), it re-runs the test binary under uid 65534.
func TestDifferentialOsUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		if os.Getenv(unprivChildEnv) == "" {
			t.Skip("not root: TestDifferentialOs already runs unprivileged")
		}
		TestDifferentialOs(t)
		return
	}
	if os.Getenv(unprivChildEnv) != "" {
		t.Fatal("child still runs as root")
	}
	// The go-build directory is root-only: copy the binary where nobody
	// can run it, and give the child a TMPDIR it can write.
	shared, err := os.MkdirTemp("", "memfs-unpriv-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(shared) })
	require.NoError(t, os.Chmod(shared, 0o755))
	exe, err := os.Executable()
	require.NoError(t, err)
	bin := filepath.Join(shared, "memfs.test")
	copyFile(t, exe, bin)
	tmp := filepath.Join(shared, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o700))
	require.NoError(t, os.Chown(tmp, nobody, nobody))

	args := []string{"-test.run=^TestDifferentialOsUnprivileged$", "-test.v", "-test.count=1"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = shared
	cmd.Env = append(os.Environ(), unprivChildEnv+"=1", "TMPDIR="+tmp, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "unprivileged child failed:\n%s", out)
	assert.Contains(t, string(out), "--- PASS: TestDifferentialOsUnprivileged", "the child did not run the test:\n%s", out)
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
