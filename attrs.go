package tempfs

import (
	"errors"
	"fmt"
	"io/fs"
	"reflect"
)

// This file holds what a replaced file hands on to its replacement: the
// permission bits and the owner, as os.WriteFile keeps them by writing in
// place. The replacement engine (replace.go) asks it.

// owner is a file's numeric owner and group; ok is false where the Fs
// reports none.
type owner struct {
	uid, gid int
	ok       bool
}

// keepAttrs records the mode and owner of the target fi that the write
// replaces, unless the file is moved as it is.
func (r *replacer) keepAttrs(fi fs.FileInfo) {
	if r.asIs || fi.Mode().Type() != 0 {
		return // Persist moves the file as it is; a link is replaced, not copied
	}
	r.existing, r.hasExisting = fi.Mode()&modeBits, true
	r.owner = ownerOf(fi)
}

// modeBits are the bits of a mode that tempfs sets: permissions, setuid,
// setgid and sticky.
const modeBits = fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky

// createPerm is the mode the temp file is created with, and sets the mode
// to give it exactly before any data is written: perm (or the
// WithPermissions one, before umask) for a new target; the target's own
// bits, or the WithStaticPermissions ones, exactly. A mode set exactly
// starts as its owner bits only, so that nobody else (another group, by a
// setgid directory) can open the temp file before its owner and mode are
// right.
func (r *replacer) createPerm(perm fs.FileMode) fs.FileMode {
	switch {
	case r.cfg.perm != nil && r.cfg.staticPerm:
		r.mode, r.setMode = *r.cfg.perm&modeBits, true
	case r.cfg.perm != nil:
		return r.cfg.perm.Perm()
	case r.hasExisting:
		r.mode, r.setMode = r.existing, true
	default:
		return perm.Perm()
	}
	return r.mode & 0o700
}

// attrSetter changes a file's mode and owner through the open file
// (fchmod, fchown), so that a name swapped for a link cannot redirect it.
type attrSetter interface {
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
}

// applyAttrs gives the new temp file the owner and mode it must have,
// before any data is written: one Stat of the open file, and a chown or
// chmod only where they differ, through the open file where the backend's
// files can (the host's), else by name. A process that may not give the
// file the target's owner (not root) gives it at least the target's group
// where it is in that group, and goes on otherwise: the new file keeps the
// writer's owner.
func (r *replacer) applyAttrs(t *tempFile) error {
	if !r.setMode && !r.owner.ok {
		return nil
	}
	fi, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("stat: %w", cause(err))
	}
	chmod := func(m fs.FileMode) error { return r.b.fsys.Chmod(t.name, m) }
	chown := func(uid, gid int) error { return r.b.fsys.Chown(t.name, uid, gid) }
	if h := handleAttrs(t.f); h != nil {
		chmod, chown = h.Chmod, h.Chown
	} else if t.unnamed {
		// No name to go by, and no handle to go through.
		chmod = func(fs.FileMode) error { return errors.ErrUnsupported }
		chown = func(int, int) error { return errors.ErrUnsupported }
	}
	if r.owner.ok && ownerOf(fi) != r.owner {
		err := chown(r.owner.uid, r.owner.gid)
		if errors.Is(err, fs.ErrPermission) {
			err = chown(-1, r.owner.gid)
		}
		if err != nil && !errors.Is(err, fs.ErrPermission) {
			return fmt.Errorf("chown: %w", cause(err))
		}
		// chown(2) may clear setuid and setgid: set the mode again.
		fi = nil
	}
	if r.setMode && (fi == nil || fi.Mode()&modeBits != r.mode) {
		if err := chmod(r.mode); err != nil {
			return fmt.Errorf("chmod: %w", cause(err))
		}
	}
	return nil
}

// ownerOf reads the numeric owner from fi's [FileOwner] method, else from
// fi.Sys(): the Uid and Gid fields of a syscall.Stat_t on Unix hosts, the
// UID and GID of an SFTP FileStat.
// Backends without owners (MemMapFs, Windows) give one that is not ok.
func ownerOf(fi fs.FileInfo) owner {
	if o, ok := fi.(FileOwner); ok {
		uid, gid := o.Owner()
		return owner{uid: uid, gid: gid, ok: true}
	}
	sys := fi.Sys()
	if o, ok := statOwner(sys); ok {
		return o
	}
	v := reflect.ValueOf(sys)
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return owner{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return owner{}
	}
	uid, ok1 := intField(v, "Uid", "UID")
	gid, ok2 := intField(v, "Gid", "GID")
	if !ok1 || !ok2 {
		return owner{}
	}
	return owner{uid: uid, gid: gid, ok: true}
}

// intField returns the first of the named fields of v that is an integer.
func intField(v reflect.Value, names ...string) (int, bool) {
	for _, n := range names {
		f := v.FieldByName(n)
		switch f.Kind() {
		case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uint:
			return int(f.Uint()), true
		case reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64, reflect.Int:
			return int(f.Int()), true
		}
	}
	return 0, false
}
