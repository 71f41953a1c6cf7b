//go:build !linux

package tempfs

import "os"

// removeHostTree removes base, in the host directory parent, and everything
// under it: off Linux, package syscall offers no openat or unlinkat, so the
// walk runs inside an os.Root on the tree (see removeRootTree).
func removeHostTree(parent *os.Root, base string) error {
	return removeRootTree(parent, base)
}
