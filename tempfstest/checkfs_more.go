package tempfstest

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"syscall"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// checkPermissions: as a non-root user, writing a 0o400 file, creating in
// a 0o500 directory and listing a 0o300 directory fail with
// fs.ErrPermission. Skipped (passes) when the process runs as root, where
// the disk does not enforce permission bits either.
func checkPermissions(fsys afero.Fs, dir string) error {
	if os.Geteuid() == 0 {
		return nil
	}
	file, ro, wx := filepath.Join(dir, "f"), filepath.Join(dir, "ro"), filepath.Join(dir, "wx")
	if err := errors.Join(writeFile(fsys, file, "old"), fsys.Chmod(file, 0o400),
		fsys.Mkdir(ro, 0o700), fsys.Chmod(ro, 0o500), fsys.Mkdir(wx, 0o700), fsys.Chmod(wx, 0o300)); err != nil {
		return err
	}
	// Give the permissions back, so that the scratch directory can go.
	defer func() { _, _ = fsys.Chmod(ro, 0o700), fsys.Chmod(wx, 0o700) }()
	w, werr := fsys.OpenFile(file, os.O_WRONLY, 0)
	if werr == nil {
		_ = w.Close()
	}
	c, cerr := fsys.OpenFile(filepath.Join(ro, "new"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if cerr == nil {
		_ = c.Close()
	}
	l, lerr := fsys.Open(wx)
	if lerr == nil {
		_, lerr = l.Readdirnames(-1)
		_ = l.Close()
	}
	return errors.Join(
		wantErr("opening a 0o400 file for writing", werr, fs.ErrPermission),
		wantErr("creating a file in a 0o500 directory", cerr, fs.ErrPermission),
		wantErr("listing a 0o300 directory", lerr, fs.ErrPermission),
		wantContent(fsys, file, "old"))
}

// checkSymlinks: where fsys offers afero.Symlinker, Stat follows a link
// (relative, to a file) and Lstat does not; a loop of links fails with
// syscall.ELOOP.
func checkSymlinks(fsys afero.Fs, dir string) error {
	s, ok := fsys.(afero.Symlinker)
	if !ok {
		return nil
	}
	file, link := filepath.Join(dir, "f"), filepath.Join(dir, "l")
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	err := s.SymlinkIfPossible("f", link)
	if errors.Is(err, afero.ErrNoSymlink) {
		return nil // the Fs has none after all (BasePathFs over MemMapFs)
	}
	if err := errors.Join(err, writeFile(fsys, file, "data"),
		s.SymlinkIfPossible("b", a), s.SymlinkIfPossible("a", b)); err != nil {
		return err
	}
	var errs []error
	if fi, err := fsys.Stat(link); err != nil || !fi.Mode().IsRegular() || fi.Size() != 4 {
		errs = append(errs, divergef("Stat of a link to a 4-byte file: %v, %v", fi, err))
	}
	if fi, _, err := s.LstatIfPossible(link); err != nil || fi.Mode()&fs.ModeSymlink == 0 {
		errs = append(errs, divergef("Lstat of a link: %v, %v (want a symbolic link)", fi, err))
	}
	if target, err := s.ReadlinkIfPossible(link); err != nil || target != "f" {
		errs = append(errs, divergef("Readlink of a link to f: %q, %v", target, err))
	}
	_, err = fsys.Stat(a)
	errs = append(errs, wantErr("Stat of a loop of links", err, syscall.ELOOP),
		wantContent(fsys, link, "data"))
	return errors.Join(errs...)
}

// checkHardLinks: where fsys offers [tempfs.HardLinker], two names of one
// file share its data, and the link count (where FileInfo.Sys reports it)
// counts them.
func checkHardLinks(fsys afero.Fs, dir string) error {
	l, ok := fsys.(tempfs.HardLinker)
	if !ok {
		return nil
	}
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := errors.Join(writeFile(fsys, a, "one"), l.Link(a, b)); err != nil {
		return err
	}
	var errs []error
	if err := wantLinks(fsys, b, 2); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(writeFile(fsys, a, "two"), fsys.Remove(a)); err != nil {
		return err
	}
	return errors.Join(append(errs, wantContent(fsys, b, "two"), wantLinks(fsys, b, 1))...)
}

// wantLinks checks name's link count, where its FileInfo tells it.
func wantLinks(fsys afero.Fs, name string, want uint64) error {
	fi, err := fsys.Stat(name)
	if err != nil {
		return err
	}
	if n, ok := linkCount(fi); ok && n != want {
		return divergef("%s has %d links, want %d", name, n, want)
	}
	return nil
}

// checkUnlinkedOpen: a file open for reading and writing stays readable and
// writable after its name is removed, and a reader keeps the old content
// after another file is renamed over its name.
func checkUnlinkedOpen(fsys afero.Fs, dir string) (err error) {
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := errors.Join(writeFile(fsys, a, "old"), writeFile(fsys, b, "new")); err != nil {
		return err
	}
	f, err := fsys.OpenFile(a, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, f.Close()) }()
	if err := fsys.Rename(b, a); err != nil {
		return err
	}
	if err := wantRead(f, "old"); err != nil {
		return fmt.Errorf("after a rename over its name: %w", err)
	}
	if err := fsys.Remove(a); err != nil {
		return err
	}
	if _, err := f.WriteAt([]byte("O"), 0); err != nil {
		return divergef("WriteAt after Remove: %v", err)
	}
	if err := wantRead(f, "Old"); err != nil {
		return fmt.Errorf("after Remove: %w", err)
	}
	return wantMissing(fsys, a)
}

func wantRead(f afero.File, want string) error {
	buf := make([]byte, len(want)+1)
	n, err := f.ReadAt(buf, 0)
	// A nil error with the short read is readat-eof's divergence, not ours.
	if string(buf[:n]) != want || err != nil && !errors.Is(err, io.EOF) {
		return divergef("ReadAt gave %q, %v; want %q", buf[:n], err, want)
	}
	return nil
}

// checkReaddirPaging: Readdirnames(n) and Readdir(n) with n > 0 return at
// most n entries a call, every entry once, then nothing and io.EOF.
func checkReaddirPaging(fsys afero.Fs, dir string) error {
	want := []string{"a", "b", "c", "d", "e"}
	for _, n := range want {
		if err := writeFile(fsys, filepath.Join(dir, n), n); err != nil {
			return err
		}
	}
	var errs []error
	for _, api := range []string{"Readdirnames", "Readdir"} {
		d, err := fsys.Open(dir)
		if err != nil {
			return err
		}
		var got []string
		var sizes []int
		for range 10 {
			var names []string
			if api == "Readdir" {
				var fis []fs.FileInfo
				fis, err = d.Readdir(2)
				for _, fi := range fis {
					names = append(names, fi.Name())
				}
			} else {
				names, err = d.Readdirnames(2)
			}
			got, sizes = append(got, names...), append(sizes, len(names))
			if err != nil {
				break
			}
		}
		_ = d.Close()
		slices.Sort(got)
		if !errors.Is(err, io.EOF) || !slices.Equal(got, want) || !slices.Equal(sizes, []int{2, 2, 1, 0}) {
			errs = append(errs, divergef("%s(2) over 5 entries gave pages of %v, %q, ending with %v; want pages of 2, 2, 1, 0 and io.EOF",
				api, sizes, got, err))
		}
	}
	return errors.Join(errs...)
}
