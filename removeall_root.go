package tempfs

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// removeRootTree removes base, in the host directory parent, and everything
// under it, walking by name inside an [os.Root] opened on the tree itself:
// os.Root opens every path element relative to its parent without following
// links out of the root, so a directory swapped for a symbolic link to
// outside the tree is never followed. It is the host walk where openat and
// unlinkat are not reachable through package syscall (darwin, the BSDs,
// Windows). Limit: base itself, if it lacks u+rwx, is made writable through
// parent by name, so a link swapped in for base at that moment has its
// target (inside parent) made u+rwx; nothing outside the tree is removed.
func removeRootTree(parent *os.Root, base string) error {
	fi, err := parent.Lstat(base)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() {
		if fi.Mode().Perm()&0o700 != 0o700 {
			if err := parent.Chmod(base, fi.Mode().Perm()|0o700); err != nil {
				return err
			}
		}
		if err := emptyRootDir(parent, base, fi); err != nil {
			return err
		}
	}
	if err := parent.Remove(base); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// emptyRootDir removes what is in the directory base of parent, which
// Lstat described as fi, inside a root opened on it.
func emptyRootDir(parent *os.Root, base string, fi fs.FileInfo) error {
	tree, err := parent.OpenRoot(base)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	defer tree.Close()
	if now, err := tree.Stat("."); err != nil || !os.SameFile(fi, now) {
		// base was swapped (for a link, say) since the Lstat: leave what
		// it leads to alone, and let the caller unlink base itself.
		if err == nil {
			err = syscall.ENOTDIR
		}
		if rerr := parent.Remove(base); rerr == nil || errors.Is(rerr, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return clearDir(&RootFs{root: tree}, string(os.PathSeparator))
}
