//go:build linux

package memfs_test

import (
	"os"
	"testing"

	"github.com/tempfs-go/tempfs/internal/asnobody"
)

// TestDifferentialOsUnprivileged runs TestDifferentialOs as a non-root
// user, so that permission bits bite on disk and in memfs. Run as root (as
// CI is), it re-runs the test binary under uid 65534.
func TestDifferentialOsUnprivileged(t *testing.T) {
	if os.Getuid() != 0 {
		if !asnobody.Child() {
			t.Skip("not root: TestDifferentialOs already runs unprivileged")
		}
		TestDifferentialOs(t)
		return
	}
	t.Logf("unprivileged child:\n%s", asnobody.Run(t, "^TestDifferentialOsUnprivileged$", "TestDifferentialOsUnprivileged"))
}
