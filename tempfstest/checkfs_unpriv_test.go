//go:build linux

package tempfstest_test

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

// nobody is the unprivileged uid and gid the test drops to.
const nobody = 65534

// TestCheckFsUnprivileged runs the CheckFs tables as uid 65534 when the
// tests run as root, so that the permissions check runs (and fails on
// MemMapFs and on memfs acting as root) instead of being skipped.
func TestCheckFsUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("not root: the CheckFs tables already run unprivileged")
	}
	if testing.Short() {
		t.Skip("runs CheckFs on eight backends in a child process: skipped under -short")
	}
	shared, err := os.MkdirTemp("", "checkfs-unpriv-")
	require.NoError(t, err)
	t.Cleanup(func() { os.RemoveAll(shared) })
	require.NoError(t, os.Chmod(shared, 0o755))
	exe, err := os.Executable()
	require.NoError(t, err)
	bin := filepath.Join(shared, "tempfstest.test")
	src, err := os.Open(exe)
	require.NoError(t, err)
	defer src.Close()
	dst, err := os.OpenFile(bin, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	require.NoError(t, err)
	_, err = io.Copy(dst, src)
	require.NoError(t, errors2(err, dst.Close()))
	tmp := filepath.Join(shared, "tmp")
	require.NoError(t, os.Mkdir(tmp, 0o700))
	require.NoError(t, os.Chown(tmp, nobody, nobody))

	cmd := exec.Command(bin, "-test.run=^(TestCheckFsBackends|TestCheckFsNewChecksBite)$", "-test.v", "-test.count=1")
	cmd.Dir = shared
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nobody, Gid: nobody}}
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "unprivileged child failed:\n%s", out)
	assert.Contains(t, string(out), "--- PASS: TestCheckFsNewChecksBite/root_ignores_permissions", "the child did not run the test:\n%s", out)
	assert.Contains(t, string(out), "--- PASS: TestCheckFsBackends/MemMapFs", "the child did not run the test:\n%s", out)
}

func errors2(a, b error) error {
	if a != nil {
		return a
	}
	return b
}
