// Command sandbox extracts an untrusted tar stream from stdin into a
// directory, through a [tempfs.RootFs], so that no entry can reach outside
// the directory: neither by "..", nor by an absolute name, nor by a
// symbolic link in the archive or already in the directory.
//
//	sandbox DIR < archive.tar
//
// Names are taken as paths inside DIR: an absolute name "/etc/passwd" is
// written to DIR/etc/passwd, as GNU tar does after stripping the leading
// "/". Each regular file is written atomically (a temp file beside it,
// synced, renamed into place), so a reader of DIR never sees half a file.
// Directories, symbolic links whose target stays inside DIR (an absolute
// target is taken as a path inside DIR, stored relative) and hard links
// inside DIR are created; other entry types are refused.
//
// An entry that would escape, or that fails, is refused: sandbox prints
// "refused NAME: REASON" on stderr and goes on with the next entry, so one
// bad entry does not hide the rest of the archive. It exits with status 1
// if any entry was refused, 2 if the archive itself is unreadable or DIR
// cannot be opened, and 0 otherwise.
package main

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: sandbox DIR < archive.tar")
		os.Exit(2)
	}
	fsys, err := tempfs.OpenRoot(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	refused, err := extract(fsys, os.Stdin, os.Stderr)
	if cerr := fsys.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	case refused > 0:
		fmt.Fprintf(os.Stderr, "%d entries refused\n", refused)
		os.Exit(1)
	}
}

// extract writes the entries of the tar stream r into fsys, reporting
// each refused entry on log. It returns how many were refused, and an
// error only if the stream cannot be read.
func extract(fsys *tempfs.RootFs, r io.Reader, log io.Writer) (refused int, err error) {
	tr := tar.NewReader(r)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return refused, nil
		}
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return refused, fmt.Errorf("reading archive: %w", err)
		}
		if err := extractEntry(fsys, tr, hdr); err != nil {
			refused++
			fmt.Fprintf(log, "refused %q: %v\n", hdr.Name, err)
		}
	}
}

func extractEntry(fsys *tempfs.RootFs, tr *tar.Reader, hdr *tar.Header) error {
	perm := fs.FileMode(hdr.Mode).Perm()
	switch hdr.Typeflag {
	case tar.TypeDir:
		return fsys.MkdirAll(hdr.Name, perm|0o700)
	case tar.TypeReg:
		return tempfs.WriteReader(fsys, hdr.Name, tr, perm, tempfs.CreateParents())
	case tar.TypeSymlink:
		if err := mkdirParent(fsys, hdr.Name); err != nil {
			return err
		}
		return fsys.SymlinkIfPossible(hdr.Linkname, hdr.Name)
	case tar.TypeLink:
		if err := mkdirParent(fsys, hdr.Name); err != nil {
			return err
		}
		return fsys.Link(hdr.Linkname, hdr.Name)
	default:
		return fmt.Errorf("entry type %q: %w", hdr.Typeflag, errors.ErrUnsupported)
	}
}

// mkdirParent creates the missing parents of name (a tar name, always
// '/'-separated).
func mkdirParent(fsys afero.Fs, name string) error {
	dir := path.Dir(name)
	if dir == "." || dir == "/" {
		return nil
	}
	return fsys.MkdirAll(dir, 0o755)
}
