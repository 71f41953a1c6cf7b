package tempfs

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// SymlinkIfPossible creates newname as a symbolic link to oldname.
//
// A relative oldname is stored as given. An absolute oldname is a virtual
// path, like every name of a RootFs: it is stored relative to newname's
// directory ("/a/f" linked from "/a/b/l" is stored as "../f"), since
// os.Root never follows an absolute link; [afero.BasePathFs] likewise
// makes it a path under its base. So that the tree never holds a link out
// of it made by RootFs, a target that climbs above the root from newname's
// directory is refused with an error wrapping [ErrEscapes], and so is
// a target with ".." when newname's directory path goes through a symbolic
// link (the names could not tell where ".." leads). Errors are
// [*os.LinkError].
func (fsys *RootFs) SymlinkIfPossible(oldname, newname string) error {
	const op = "symlink"
	r, err := fsys.open()
	if err != nil {
		return rootLinkErr(op, oldname, newname, err)
	}
	target, err := linkTarget(r, oldname, newname)
	if err != nil {
		return rootLinkErr(op, oldname, newname, err)
	}
	return rootLinkErr(op, oldname, newname, r.Symlink(target, rel(newname)))
}

// linkTarget returns the target to store for a link newname -> oldname,
// or an error wrapping ErrEscapes if it would point out of the root.
func linkTarget(r *os.Root, oldname, newname string) (string, error) {
	if oldname == "" {
		return "", fs.ErrInvalid
	}
	dir := filepath.Dir(rel(newname))
	target := oldname
	if filepath.IsAbs(oldname) || os.IsPathSeparator(oldname[0]) {
		t, err := filepath.Rel(dir, rel(oldname))
		if err != nil {
			return "", ErrEscapes
		}
		target = t
	}
	joined := filepath.Join(dir, target)
	if joined == ".." || strings.HasPrefix(joined, ".."+string(filepath.Separator)) ||
		filepath.IsAbs(joined) || filepath.VolumeName(joined) != "" {
		return "", ErrEscapes
	}
	if !hasDotDot(target) {
		return target, nil
	}
	// ".." is read from where the link really is: refuse if any directory
	// on the way is a link.
	for p := dir; p != "." && p != string(filepath.Separator); p = filepath.Dir(p) {
		fi, err := r.Lstat(p)
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return "", ErrEscapes
		}
	}
	return target, nil
}

// hasDotDot reports whether the path has a ".." element.
func hasDotDot(p string) bool {
	for _, e := range strings.FieldsFunc(p, func(r rune) bool { return os.IsPathSeparator(uint8(r)) }) {
		if e == ".." {
			return true
		}
	}
	return false
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
