//go:build unix

package asnobody

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// UID is the user and group the child runs as.
const UID = 65534

// childEnv marks the child process.
const childEnv = "TEMPFS_TEST_UNPRIVILEGED_CHILD"

// Child reports whether this process is a re-run started by [Run].
func Child() bool { return os.Getenv(childEnv) != "" }

// Run runs the tests that pattern (a -test.run expression) selects in a
// copy of the test binary as uid and gid 65534, with a TMPDIR it can
// write, passing -test.short on. It fails t if the child fails, or if
// its output lacks "--- PASS: <name>" for a name in mustPass, and returns
// the output. Call it only as root: the go-build directory is root-only,
// so the binary is copied where the child can run it.
func Run(t testing.TB, pattern string, mustPass ...string) string {
	t.Helper()
	if Child() {
		t.Fatal("asnobody: the child still runs as root")
	}
	shared, err := os.MkdirTemp("", "tempfs-unpriv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(shared) })
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bin := filepath.Join(shared, filepath.Base(exe))
	tmp := filepath.Join(shared, "tmp")
	for _, err := range []error{
		os.Chmod(shared, 0o755),
		copyFile(exe, bin),
		os.Mkdir(tmp, 0o700),
		os.Chown(tmp, UID, UID),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	args := []string{"-test.run=" + pattern, "-test.v", "-test.count=1"}
	if testing.Short() {
		args = append(args, "-test.short")
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = shared
	cmd.Env = append(os.Environ(), childEnv+"=1", "TMPDIR="+tmp, "GOCOVERDIR=")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: UID, Gid: UID}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("unprivileged child failed: %v\n%s", err, out)
	}
	for _, name := range mustPass {
		if !strings.Contains(string(out), "--- PASS: "+name) {
			t.Errorf("the unprivileged child did not pass %s:\n%s", name, out)
		}
	}
	return string(out)
}

func copyFile(from, to string) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, src); err != nil {
		dst.Close()
		return err
	}
	return dst.Close()
}
