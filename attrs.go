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
	r.existing, r.hasExisting = fi.Mode().Perm(), true
	r.owner = ownerOf(fi)
}

// createPerm is the mode the temp file is created with, and sets the mode
// to apply exactly before the commit: perm (or the WithPermissions one)
// for a new target, the target's own bits for an existing one, so that the
// temp file is never readable by more than the target while it is written.
func (r *replacer) createPerm(perm fs.FileMode) fs.FileMode {
	switch {
	case r.cfg.perm != nil && r.cfg.staticPerm:
		r.mode, r.setMode = r.cfg.perm.Perm(), true
		return r.mode
	case r.cfg.perm != nil:
		return r.cfg.perm.Perm()
	case r.hasExisting:
		r.mode, r.setMode = r.existing, true
		return r.existing
	}
	return perm.Perm()
}

// applyAttrs gives the temp file the mode and owner it must have, with one
// Stat of the open temp file and a chmod or chown only where they differ.
// A process that may not chown (not root, not in the group) goes on: the
// new file keeps the writer's owner.
func (r *replacer) applyAttrs(t *tempFile) error {
	if !r.setMode && !r.owner.ok {
		return nil
	}
	fi, err := t.f.Stat()
	if err != nil {
		return fmt.Errorf("stat: %w", cause(err))
	}
	if r.setMode && fi.Mode().Perm() != r.mode {
		if err := t.chmod(r.b, r.mode); err != nil {
			return fmt.Errorf("chmod: %w", cause(err))
		}
	}
	if !r.owner.ok || ownerOf(fi) == r.owner {
		return nil
	}
	err = t.chown(r.b, r.owner.uid, r.owner.gid)
	if err != nil && !errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("chown: %w", cause(err))
	}
	return nil
}

// ownerOf reads the numeric owner from fi.Sys(): the Uid and Gid fields of
// a syscall.Stat_t on Unix hosts, the UID and GID of an SFTP FileStat.
// Backends without owners (MemMapFs, Windows) give one that is not ok.
func ownerOf(fi fs.FileInfo) owner {
	v := reflect.ValueOf(fi.Sys())
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
