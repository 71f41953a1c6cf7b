package tempfstest_test

import (
	"io/fs"
	"os"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/memfs"
)

// Broken variants of memfs, each breaking one rule a new CheckFs check
// looks at.

// lstatFollows follows links in Lstat, as an Fs without lstat would.
type lstatFollows struct{ *memfs.Fs }

func (f lstatFollows) LstatIfPossible(name string) (fs.FileInfo, bool, error) {
	fi, err := f.Stat(name)
	return fi, true, err
}

// noLinks makes Link copy the file instead of linking it.
type noLinks struct{ *memfs.Fs }

func (f noLinks) Link(oldname, newname string) error {
	data, err := afero.ReadFile(f.Fs, oldname)
	if err != nil {
		return err
	}
	return afero.WriteFile(f.Fs, newname, data, 0o600)
}

// readdirAll returns every entry whatever n says.
type readdirAll struct{ *memfs.Fs }

func (f readdirAll) Open(name string) (afero.File, error) {
	h, err := f.Fs.Open(name)
	return allFile{h}, err
}

type allFile struct{ afero.File }

func (a allFile) Readdirnames(int) ([]string, error) { return a.File.Readdirnames(-1) }
func (a allFile) Readdir(int) ([]fs.FileInfo, error) { return a.File.Readdir(-1) }

// renameTruncates empties the target before renaming over it, so that its
// open handles lose their data.
type renameTruncates struct{ *memfs.Fs }

func (f renameTruncates) Rename(oldname, newname string) error {
	if h, err := f.Fs.OpenFile(newname, os.O_WRONLY|os.O_TRUNC, 0); err == nil {
		h.Close()
	}
	return f.Fs.Rename(oldname, newname)
}
