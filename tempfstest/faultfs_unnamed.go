package tempfstest

import (
	"errors"
	"io/fs"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

var _ tempfs.UnnamedCreator = (*FaultFs)(nil)

// OpenUnnamed calls the inner Fs's OpenUnnamed (an "openunnamed" call);
// if the inner Fs has none ([tempfs.UnnamedCreator]), it fails with an
// error wrapping [errors.ErrUnsupported] and records no call, so tempfs
// takes the same path through a FaultFs as through the Fs it wraps. The
// file's calls (write, sync, chmod, close…) are calls of the FaultFs.
func (f *FaultFs) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	u, ok := f.inner.(tempfs.UnnamedCreator)
	if !ok {
		return nil, &fs.PathError{Op: "openunnamed", Path: dir, Err: errors.ErrUnsupported}
	}
	if err := f.check("openunnamed", dir); err != nil {
		return nil, err
	}
	file, err := u.OpenUnnamed(dir, perm, linkable)
	if err != nil {
		return nil, err
	}
	return &faultUnnamed{faultFile{fsys: f, file: file}}, nil
}

// LinkUnnamed calls the inner Fs's LinkUnnamed (a "linkunnamed" call) on
// the file f wraps.
func (f *FaultFs) LinkUnnamed(file afero.File, newname string) error {
	fu, ok := file.(*faultUnnamed)
	u, uok := f.inner.(tempfs.UnnamedCreator)
	if !ok || !uok || fu.fsys != f {
		return &fs.PathError{Op: "linkunnamed", Path: newname, Err: fs.ErrInvalid}
	}
	if err := f.check("linkunnamed", newname); err != nil {
		return err
	}
	return u.LinkUnnamed(fu.file, newname)
}

// faultUnnamed is a file of FaultFs.OpenUnnamed: it passes on the
// inner file's Chmod and Chown (fchmod, fchown), as calls.
type faultUnnamed struct{ faultFile }

type fileAttrs interface {
	Chmod(mode fs.FileMode) error
	Chown(uid, gid int) error
}

func (f *faultUnnamed) Chmod(mode fs.FileMode) error {
	if err := f.check("chmod"); err != nil {
		return err
	}
	a, ok := f.file.(fileAttrs)
	if !ok {
		return &fs.PathError{Op: "chmod", Path: f.Name(), Err: errors.ErrUnsupported}
	}
	return a.Chmod(mode)
}

func (f *faultUnnamed) Chown(uid, gid int) error {
	if err := f.check("chown"); err != nil {
		return err
	}
	a, ok := f.file.(fileAttrs)
	if !ok {
		return &fs.PathError{Op: "chown", Path: f.Name(), Err: errors.ErrUnsupported}
	}
	return a.Chown(uid, gid)
}
