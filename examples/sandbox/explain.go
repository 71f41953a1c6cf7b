package main

import (
	"archive/tar"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"strings"
	"syscall"

	"github.com/tempfs-go/tempfs"
)

// explain says in the user's terms why the entry hdr was refused with
// err: which name or link is involved and what is wrong with it.
func (x *extractor) explain(hdr *tar.Header, err error) string {
	fsys := x.fsys
	name := hdr.Name
	if climbs(name) {
		return `the name climbs out of the target directory with ".."`
	}
	if why := x.explainPath(name); why != "" {
		return why
	}
	switch hdr.Typeflag {
	case tar.TypeSymlink:
		return fmt.Sprintf("symbolic link to %q: %s", hdr.Linkname, cause(err))
	case tar.TypeLink:
		if climbs(hdr.Linkname) {
			return fmt.Sprintf("hard link to %q: the target is outside the target directory", hdr.Linkname)
		}
		if why := x.explainPath(hdr.Linkname); why != "" {
			return fmt.Sprintf("hard link to %q: %s", hdr.Linkname, why)
		}
		fi, lerr := fsys.Stat(hdr.Linkname)
		switch {
		case errors.Is(lerr, fs.ErrNotExist):
			return fmt.Sprintf("hard link to %q, which does not exist in the target directory", hdr.Linkname)
		case lerr == nil && fi.IsDir():
			return fmt.Sprintf("hard link to %q, which is a directory", hdr.Linkname)
		}
		return fmt.Sprintf("hard link to %q: %s", hdr.Linkname, cause(err))
	}
	if fi, _, lerr := fsys.LstatIfPossible(strings.TrimRight(name, "/")); lerr == nil {
		isDir := hdr.Typeflag == tar.TypeDir || strings.HasSuffix(name, "/")
		switch {
		case fi.IsDir() && !isDir:
			return "a directory of that name is already there"
		case !fi.IsDir() && isDir && fi.Mode()&fs.ModeSymlink == 0:
			return "a file of that name is already there"
		}
	}
	return cause(err)
}

// explainPath looks at the directories on the way to name (not name
// itself) and says which one stops the way: a file, or a link that
// dangles, loops, leads out of the root or to a file. It returns "" if the
// way is clear.
func (x *extractor) explainPath(name string) string {
	fsys := x.fsys
	elems := strings.Split(strings.Trim(name, "/"), "/")
	p := ""
	for _, e := range elems[:len(elems)-1] {
		p = path.Join(p, e)
		if e == "." || e == ".." {
			continue
		}
		fi, _, err := fsys.LstatIfPossible(p)
		if err != nil {
			return "" // missing: it would be created
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			if !fi.IsDir() {
				return fmt.Sprintf("%q is a file, not a directory", p)
			}
			continue
		}
		target, _ := fsys.ReadlinkIfPossible(p)
		st, err := fsys.Stat(p)
		link := fmt.Sprintf("%q is a symbolic link to %q", p, target)
		if orig, ok := x.links[clean(p)]; ok && orig != target {
			link = fmt.Sprintf("%q is a symbolic link to %q (stored as %q)", p, orig, target)
		}
		switch {
		case errors.Is(err, tempfs.ErrEscapes):
			return link + ", which leads out of the target directory"
		case errors.Is(err, fs.ErrNotExist):
			return link + ", which does not exist in the target directory"
		case errors.Is(err, syscall.ELOOP):
			return link + ", which loops"
		case err != nil:
			return link + ": " + cause(err)
		case !st.IsDir():
			return link + ", which is not a directory"
		}
	}
	return ""
}

// climbs reports whether the tar name, taken inside the target directory
// (a leading "/" stripped), climbs above it as text.
func climbs(name string) bool {
	c := clean(name)
	return c == ".." || strings.HasPrefix(c, "../")
}

// cause is err's message without the operation and path around it (the
// entry's name is printed already) and without the generic words that
// follow a specific reason.
func cause(err error) string {
	for {
		var pe *fs.PathError
		var le *os.LinkError
		switch {
		case errors.As(err, &le):
			err = le.Err
			continue
		case errors.As(err, &pe):
			err = pe.Err
			continue
		}
		break
	}
	msg := err.Error()
	for _, generic := range []string{": " + tempfs.ErrEscapes.Error(), ": permission denied"} {
		if m := strings.TrimSuffix(msg, generic); m != "" {
			msg = m
		}
	}
	if msg == tempfs.ErrEscapes.Error() {
		msg = "it leads out of the target directory"
	}
	return msg
}

// oneLine keeps a message on one line (names in it are quoted already).
func oneLine(s string) string {
	return strings.NewReplacer("\n", " ", "\r", " ").Replace(s)
}
