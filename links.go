package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero"
)

// maxLinks bounds a chain of symbolic links, as Linux's ELOOP does.
const maxLinks = 40

// resolve follows the symbolic links of name (with [FollowSymlinks]) to the
// file they end at, which need not exist, and returns its path in the Fs.
// It walks one element at a time as the kernel does: a link met anywhere
// on the way is followed, relative targets from the link's directory, and
// ".." after a link is the parent of what the link led to, not a textual
// step back. On a confined Fs ([RootFs]) it refuses, with ErrEscapes, what
// the Fs itself refuses to follow: an absolute target, or ".." above the
// root. A BasePathFs is walked on the host (basepath.go), since it reports
// link targets as host paths.
func (b backend) resolve(name string) (string, error) {
	if b.base != nil {
		return resolveInBase(b.base, name)
	}
	lr, ok := b.fsys.(afero.LinkReader)
	if !ok {
		return name, nil
	}
	w := walker{b: b, lr: lr}
	start := "."
	if filepath.IsAbs(name) || b.confined {
		start = rootOf(name)
	}
	return w.walk(start, name)
}

// rootOf is the root of the (virtual) path name: "/" or a volume's root.
func rootOf(name string) string {
	return filepath.VolumeName(name) + string(filepath.Separator)
}

// walker resolves one name; hops counts the links followed.
type walker struct {
	b    backend
	lr   afero.LinkReader
	hops int
}

// walk resolves the path rest from the resolved directory cur. An element
// that does not exist ends the walk: if it is the last, the path to it is
// the answer (a new file there); if not, the kernel would fail there too.
func (w *walker) walk(cur, rest string) (string, error) {
	parts := strings.Split(filepath.ToSlash(rest), "/")
	if filepath.IsAbs(rest) {
		cur = rootOf(rest)
	}
	for i, part := range parts {
		switch part {
		case "", ".":
			continue
		case "..":
			if w.b.confined && cur == rootOf(cur) {
				return "", ErrEscapes
			}
			cur = filepath.Join(cur, "..")
			continue
		}
		next := filepath.Join(cur, part)
		fi, err := lstat(w.b.fsys, next)
		if errors.Is(err, fs.ErrNotExist) {
			if i == len(parts)-1 {
				return next, nil
			}
			return "", err
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if w.hops++; w.hops > maxLinks {
				return "", syscall.ELOOP
			}
			dest, err := w.lr.ReadlinkIfPossible(next)
			if err != nil {
				return "", err
			}
			if filepath.IsAbs(dest) && w.b.confined {
				return "", fmt.Errorf("link %s points to an absolute path: %w", next, ErrEscapes)
			}
			if next, err = w.walk(cur, dest); err != nil {
				return "", err
			}
		} else if i < len(parts)-1 && !fi.IsDir() {
			return "", syscall.ENOTDIR
		}
		cur = next
	}
	return cur, nil
}
