//go:build linux

package tempfstest_test

import (
	"os"
	"testing"

	"github.com/tempfs-go/tempfs/internal/asnobody"
)

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
	asnobody.Run(t, "^(TestCheckFsBackends|TestCheckFsNewChecksBite)$",
		"TestCheckFsNewChecksBite/root_ignores_permissions", "TestCheckFsBackends/MemMapFs")
}
