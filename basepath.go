package tempfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/spf13/afero"
)

// checkInside refuses, with an *fs.PathError wrapping [ErrEscapes], a name
// that an [afero.BasePathFs] would resolve outside its base: by afero's
// string-prefix check (base /x/001 lets ../0012 reach /x/0012) or through
// a symbolic link inside the base that points out (the host OS follows it).
// The last element of name is followed only if followLast is set: an atomic
// write replaces a link at the target rather than writing through it.
//
// The check walks the path one element at a time, as the OS will, so it
// costs an Lstat per element; a link swapped in between the check and the
// use can still lead out. Only [RootFs] closes that race.
func checkInside(fsys afero.Fs, op, name string, followLast bool) error {
	b := probe(fsys)
	return b.checkInside(op, name, followLast)
}

// checkInside is [checkInside] for a backend already probed: nothing to
// do (and inlined) but on a BasePathFs.
func (b *backend) checkInside(op, name string, followLast bool) error {
	if b.base == nil {
		return nil
	}
	return checkInsideBase(b.base, op, name, followLast)
}

func checkInsideBase(bp *afero.BasePathFs, op, name string, followLast bool) error {
	if err := insideBase(bp, name, followLast); err != nil {
		if errors.Is(err, ErrEscapes) {
			return &fs.PathError{Op: op, Path: name, Err: ErrEscapes}
		}
		return wrapErr(op, name, err)
	}
	return nil
}

func insideBase(bp *afero.BasePathFs, name string, followLast bool) error {
	base, err := bp.RealPath(string(filepath.Separator))
	if err != nil {
		return err
	}
	real, err := bp.RealPath(name)
	if err != nil || !within(base, real) {
		return ErrEscapes
	}
	rel, err := filepath.Rel(base, real)
	if err != nil {
		return ErrEscapes
	}
	hops := 0
	_, err = walkIn(bp, base, base, rel, followLast, &hops)
	return err
}

// within reports whether the host path p is base or under it.
func within(base, p string) bool {
	base = strings.TrimSuffix(base, string(filepath.Separator))
	return p == base || strings.HasPrefix(p, base+string(filepath.Separator))
}

// walkIn resolves the elements of the relative path rest from the resolved
// host directory cur, following symbolic links and ".." the way the OS
// does, and returns the host path it ends at; it fails with ErrEscapes as
// soon as a step leaves base. An element that does not exist ends the
// walk (the OS will fail there, or create it inside): the rest is joined
// to it as it is.
func walkIn(bp *afero.BasePathFs, base, cur, rest string, followLast bool, hops *int) (string, error) {
	parts := strings.Split(filepath.FromSlash(rest), string(filepath.Separator))
	for i, part := range parts {
		switch part {
		case "", ".":
			continue
		case "..":
			if cur = filepath.Dir(cur); !within(base, cur) {
				return "", ErrEscapes
			}
			continue
		}
		next := filepath.Join(cur, part)
		if i == len(parts)-1 && !followLast {
			return next, nil
		}
		virtual := string(filepath.Separator) + strings.TrimPrefix(strings.TrimPrefix(next, base), string(filepath.Separator))
		fi, _, err := bp.LstatIfPossible(virtual)
		if errors.Is(err, fs.ErrNotExist) {
			// The rest does not exist yet: the OS stops here too.
			return filepath.Join(append([]string{next}, parts[i+1:]...)...), nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			if *hops++; *hops > maxLinks {
				return "", syscall.ELOOP
			}
			dest, err := bp.ReadlinkIfPossible(virtual)
			if err != nil {
				return "", err
			}
			from := cur
			if filepath.IsAbs(dest) {
				// A host path: it must start with the base as written, and
				// its own ".." are walked, not cleaned (after a link, ".."
				// is the link target's parent).
				rel, ok := hostRel(bp, base, filepath.FromSlash(dest))
				if !ok {
					return "", ErrEscapes
				}
				from, dest = base, rel
			}
			if next, err = walkIn(bp, base, from, dest, true, hops); err != nil {
				return "", err
			}
		}
		cur = next
	}
	return cur, nil
}

// hostRel returns dest, an absolute link target, relative to base, if it
// starts with base. Link targets are host paths only when the BasePathFs
// sits on the host's file system; for any other source (another
// BasePathFs, say) an absolute target cannot be placed, and is refused.
func hostRel(bp *afero.BasePathFs, base, dest string) (string, bool) {
	b := strings.TrimSuffix(base, string(filepath.Separator))
	if dest != b && !strings.HasPrefix(dest, b+string(filepath.Separator)) {
		return "", false
	}
	hostFi, err := os.Stat(base)
	if err != nil {
		return "", false
	}
	fi, err := bp.Stat(string(filepath.Separator))
	if err != nil || !os.SameFile(hostFi, fi) {
		return "", false
	}
	return strings.TrimPrefix(dest, b), true
}

// resolveInBase follows the symbolic links of name in a BasePathFs as the
// host OS will, and returns the virtual path of the file it ends at, or an
// error wrapping ErrEscapes if that is outside the base. BasePathFs stores
// and reports link targets as host paths, so tempfs cannot follow them as
// virtual ones.
func resolveInBase(bp *afero.BasePathFs, name string) (string, error) {
	base, err := bp.RealPath(string(filepath.Separator))
	if err != nil {
		return "", err
	}
	real, err := bp.RealPath(name)
	if err != nil || !within(base, real) {
		return "", ErrEscapes
	}
	rel, err := filepath.Rel(base, real)
	if err != nil {
		return "", ErrEscapes
	}
	hops := 0
	end, err := walkIn(bp, base, base, rel, true, &hops)
	if err != nil {
		return "", err
	}
	return unbase(bp, end)
}

// unbase maps a host path that a BasePathFs reported back to a path in the
// sandbox, refusing one outside it.
func unbase(bp *afero.BasePathFs, host string) (string, error) {
	base, err := bp.RealPath(string(filepath.Separator))
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(base, host)
	if err != nil || !within(base, filepath.Clean(host)) {
		return "", ErrEscapes
	}
	return filepath.Join(string(filepath.Separator), rel), nil
}
