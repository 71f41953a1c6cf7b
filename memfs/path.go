package memfs

import (
	"path/filepath"
	"strings"
	"syscall"
)

// maxSymlinks is how many symbolic links one lookup follows before it
// fails with ELOOP, as Linux does.
const maxSymlinks = 40

// maxNameLen is the longest name of one directory entry (NAME_MAX).
const maxNameLen = 255

func toSlash(name string) string { return filepath.ToSlash(name) }

// resolved is the result of a lookup: the directory holding the last
// component, the component's name and its node (nil if it does not exist).
type resolved struct {
	dir   *node
	base  string
	n     *node
	seq   uint64 // n's place in dir's order (see entries)
	slash bool   // the name ended with a slash
}

// How resolve treats a symbolic link as the last component.
const (
	noFollow    = iota // follow it only before a trailing slash (lstat)
	follow             // follow it (stat, open)
	neverFollow        // never follow it (mkdir, rename, unlink, link)
)

// resolve looks name up. Symbolic links in the directories on the way are
// followed; the last component's link as mode says. A missing last component is no error (r.n is
// nil); a missing or non-directory component on the way is. The error is
// a syscall.Errno. f.mu must be held.
func (f *Fs) resolve(name string, mode int) (resolved, error) {
	if name == "" {
		return resolved{}, syscall.ENOENT
	}
	p := toSlash(name)
	slash := strings.HasSuffix(p, "/")
	cur := f.root
	hops := 0
	// rest is what remains to walk: p, then what links expanded to.
	rest := p
	for {
		rest = trimSlashes(rest)
		if rest == "" {
			// The name (or a link's target) is the root.
			return resolved{dir: cur, base: "/", n: cur, slash: slash}, nil
		}
		comp, tail, more := rest, "", false
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			comp, tail, more = rest[:i], trimSlashes(rest[i+1:]), true
		}
		last := tail == ""
		if !cur.isDir() {
			return resolved{}, syscall.ENOTDIR
		}
		if !f.may(cur, mayExec) {
			return resolved{}, syscall.EACCES
		}
		if len(comp) > maxNameLen {
			return resolved{}, syscall.ENAMETOOLONG
		}
		var child *node
		var seq uint64
		switch comp {
		case ".":
			child = cur
		case "..":
			child = cur.parent
		default:
			s := cur.children.get(comp)
			child, seq = s.n, s.seq
		}
		if last {
			// more is set when a slash followed the component.
			trailing := more || slash
			if child != nil && child.isSymlink() && (mode == follow || trailing && mode == noFollow) {
				if hops++; hops > maxSymlinks {
					return resolved{}, syscall.ELOOP
				}
				cur, rest = f.linkStart(cur, child.target)
				if trailing {
					rest += "/"
				}
				continue
			}
			if child != nil && trailing && !child.isDir() && mode != neverFollow {
				return resolved{}, syscall.ENOTDIR
			}
			return resolved{dir: cur, base: comp, n: child, seq: seq, slash: trailing}, nil
		}
		switch {
		case child == nil:
			return resolved{}, syscall.ENOENT
		case child.isSymlink():
			if hops++; hops > maxSymlinks {
				return resolved{}, syscall.ELOOP
			}
			cur, rest = f.linkStart(cur, child.target)
			rest += "/" + tail
		default:
			cur, rest = child, tail
		}
	}
}

// trimSlashes is strings.TrimLeft(s, "/"), inlined.
func trimSlashes(s string) string {
	for len(s) > 0 && s[0] == '/' {
		s = s[1:]
	}
	return s
}

// linkStart is where the walk through a link with target continues: the
// root for an absolute target, else the directory holding the link.
func (f *Fs) linkStart(dir *node, target string) (*node, string) {
	if strings.HasPrefix(target, "/") {
		return f.root, toSlash(target)
	}
	return dir, toSlash(target)
}

// lookup resolves name and fails with ENOENT if it does not exist.
func (f *Fs) lookup(name string, mode int) (resolved, error) {
	r, err := f.resolve(name, mode)
	if err == nil && r.n == nil {
		err = syscall.ENOENT
	}
	return r, err
}
