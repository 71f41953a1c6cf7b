package tempfs

import (
	"errors"
	"io/fs"
	"path/filepath"
	"syscall"

	"github.com/spf13/afero"
)

// maxLinks bounds a chain of symbolic links, as Linux's ELOOP does.
const maxLinks = 40

// resolveLinks follows the symbolic links at name to the file they end at
// (which need not exist).
func resolveLinks(fsys afero.Fs, name string) (string, error) {
	lr, ok := fsys.(afero.LinkReader)
	if !ok {
		return name, nil
	}
	for range maxLinks {
		fi, err := lstat(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			return name, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return name, nil
		}
		dest, err := lr.ReadlinkIfPossible(name)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(dest) {
			dest = filepath.Join(filepath.Dir(name), dest)
		}
		name = dest
	}
	return "", syscall.ELOOP
}
