package tempfs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// SymlinkIfPossible creates newname as a symbolic link to oldname.
//
// A link RootFs makes never leads out of the root, for RootFs or for any
// other program that follows it on the host, whatever happens to the tree
// through RootFs afterwards (the link renamed or hard-linked elsewhere, a
// directory on the target's path replaced by another link). The rule that
// makes this hold by construction: the stored target is relative, cleaned
// as text (filepath.Clean: "a/b/.." is stored as "a", whatever a/b is or
// becomes), and does not begin with ".." — it never leaves the link's own
// directory. Since every link RootFs makes stays below the directory that
// holds it, a path through any number of them does too.
//
// An absolute oldname is a virtual path, like every name of a RootFs: it
// is stored relative to newname's directory ("/a/b/f" linked from "/a/l"
// is stored as "b/f"), and the same rule applies ("/a/f" from "/a/b/l"
// would be "../f" and is refused). An absolute oldname that names the link
// itself ("/tmp" for "/tmp") would become a link to itself and is refused
// with an error wrapping syscall.ELOOP.
//
// A target that climbs above the link's directory is refused with an
// error wrapping [ErrEscapes] that says so. Errors are [*os.LinkError].
func (fsys *RootFs) SymlinkIfPossible(oldname, newname string) error {
	const op = "symlink"
	r, err := fsys.open()
	if err != nil {
		return rootLinkErr(op, oldname, newname, err)
	}
	target, err := linkTarget(oldname, newname)
	if err != nil {
		return &os.LinkError{Op: op, Old: oldname, New: newname, Err: err}
	}
	return rootLinkErr(op, oldname, newname, r.Symlink(target, rel(newname)))
}

// linkTarget returns the target to store for a link newname -> oldname
// (see SymlinkIfPossible for the rule), or why it is refused.
func linkTarget(oldname, newname string) (string, error) {
	if oldname == "" {
		return "", fs.ErrInvalid
	}
	link := filepath.Clean(rel(newname))
	if climbs(link) {
		return "", ErrEscapes // the link's own name is outside the root
	}
	if filepath.IsAbs(oldname) || os.IsPathSeparator(oldname[0]) {
		abs := filepath.Clean(rel(oldname))
		if climbs(abs) {
			return "", fmt.Errorf("absolute target climbs above the root with \"..\": %w", ErrEscapes)
		}
		dir := filepath.Dir(link)
		t, err := filepath.Rel(dir, abs)
		if err != nil || climbs(t) {
			return "", fmt.Errorf("absolute target (a path inside the root) is outside the link's directory %s: %w",
				virtualDir(dir), ErrEscapes)
		}
		if first, _, _ := strings.Cut(t, string(filepath.Separator)); first == filepath.Base(link) {
			return "", fmt.Errorf("absolute target (a path inside the root) is the link itself: %w", syscall.ELOOP)
		}
		return t, nil
	}
	target := filepath.Clean(oldname)
	if climbs(target) || filepath.VolumeName(target) != "" {
		return "", fmt.Errorf("target climbs above the link's directory: %w", ErrEscapes)
	}
	return target, nil
}

// climbs reports whether the clean relative path t leaves the directory it
// is relative to.
func climbs(t string) bool {
	return t == ".." || strings.HasPrefix(t, ".."+string(filepath.Separator))
}

// virtualDir shows a directory relative to the root as a virtual path.
func virtualDir(dir string) string {
	if dir == "." {
		return string(filepath.Separator)
	}
	return string(filepath.Separator) + dir
}

// ReadlinkIfPossible returns the target of the symbolic link name, as
// stored.
func (fsys *RootFs) ReadlinkIfPossible(name string) (string, error) {
	const op = "readlink"
	r, err := fsys.open()
	if err != nil {
		return "", rootPathErr(op, name, err)
	}
	target, err := r.Readlink(rel(name))
	return target, rootPathErr(op, name, err)
}
