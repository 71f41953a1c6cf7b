// Command sandbox extracts an untrusted tar stream from stdin into a
// directory, through a [tempfs.RootFs], so that no entry can reach outside
// the directory: neither by "..", nor by an absolute name, nor by a
// symbolic link in the archive or already in the directory.
//
//	sandbox DIR < archive.tar
//
// It extracts what tar -x extracts: regular files (also GNU and pax sparse
// files, whose data is written in full, and contiguous files),
// directories (an existing directory is fine, as is a repeated entry or a
// trailing slash), symbolic links and hard links. Entries that carry only
// metadata (pax global headers, GNU volume labels) are skipped. As tar
// does, an entry replaces an existing file or link of the same name (a
// regular file atomically: a temp file beside it, synced, renamed into
// place, so a reader of DIR never sees half a file), and never an
// existing directory.
//
// Names are paths inside DIR: an absolute name "/etc/passwd" is written to
// DIR/etc/passwd, as GNU tar does after stripping the leading "/"; a name
// whose ".." climbs above DIR is refused. A symbolic link is created only
// if its target stays below the link's own directory, the rule RootFs
// keeps so that no link it makes can ever lead out of DIR (see
// docs/sandbox.md): "lib/libc.so -> libc.so.6" is created, "bin/sh ->
// ../usr/bin/sh" is refused. An absolute target is a path inside DIR.
// Hard links must name a file inside DIR. Device files and FIFOs are
// refused.
//
// Each refused entry gets one line on stderr, `refused "NAME": REASON`,
// and sandbox goes on with the next entry, so one bad entry does not hide
// the rest of the archive. It exits with status 1 if any entry was
// refused, 2 if the archive itself is unreadable or DIR cannot be opened,
// and 0 otherwise.
package main

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"strings"

	"github.com/tempfs-go/tempfs"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stderr))
}

// run is the command: it returns the exit status.
func run(args []string, stdin io.Reader, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: sandbox DIR < archive.tar")
		return 2
	}
	fsys, err := tempfs.OpenRoot(args[0])
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	refused, err := extract(fsys, stdin, stderr)
	if cerr := fsys.Close(); err == nil {
		err = cerr
	}
	switch {
	case err != nil:
		fmt.Fprintln(stderr, err)
		return 2
	case refused > 0:
		fmt.Fprintf(stderr, "%d entries refused\n", refused)
		return 1
	}
	return 0
}

// extract writes the entries of the tar stream r into fsys, reporting
// each refused entry on log in one line. It returns how many were refused,
// and an error only if the stream cannot be read.
func extract(fsys *tempfs.RootFs, r io.Reader, log io.Writer) (refused int, err error) {
	tr := tar.NewReader(r)
	x := &extractor{fsys: fsys, links: map[string]string{}}
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return refused, nil
		}
		// ErrInsecurePath only says the name has ".." or is absolute:
		// RootFs decides what that means.
		if err != nil && !errors.Is(err, tar.ErrInsecurePath) {
			return refused, fmt.Errorf("reading archive: %w", err)
		}
		why, err := x.entry(tr, hdr)
		if err != nil {
			return refused, fmt.Errorf("reading archive: entry %q: %w", hdr.Name, err)
		}
		if why != "" {
			refused++
			fmt.Fprintf(log, "refused %q: %s\n", hdr.Name, oneLine(why))
		}
	}
}

// streamError marks a failure to read the archive itself (as opposed to
// a refusal of one entry).
type streamError struct{ err error }

func (e streamError) Error() string { return e.err.Error() }
func (e streamError) Unwrap() error { return e.err }

// streamReader tells read errors of the archive apart from write errors.
type streamReader struct{ r io.Reader }

func (s streamReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF {
		err = streamError{err}
	}
	return n, err
}

// extractor extracts one archive.
type extractor struct {
	fsys *tempfs.RootFs
	// links maps the symbolic links made so far (clean names) to their
	// targets as the archive gave them, for messages.
	links map[string]string
}

// entry extracts one entry. It returns why the entry was refused ("" if it
// was extracted or skipped), or an error if the archive cannot be read on.
func (x *extractor) entry(tr *tar.Reader, hdr *tar.Header) (string, error) {
	fsys := x.fsys
	name := hdr.Name
	perm := fs.FileMode(hdr.Mode).Perm()
	typ := hdr.Typeflag
	if typ == tar.TypeReg && strings.HasSuffix(name, "/") && hdr.Size == 0 {
		typ = tar.TypeDir // old tars mark directories by the slash only
	}
	switch typ {
	case tar.TypeXGlobalHeader, tar.TypeXHeader, tar.TypeGNULongName, tar.TypeGNULongLink, 'V':
		return "", nil // metadata only: nothing to extract
	case tar.TypeChar, tar.TypeBlock:
		return "device file: the sandbox never creates devices", nil
	case tar.TypeFifo:
		return "named pipe (FIFO): cannot be created through the sandbox", nil
	case 'M':
		return "continuation of a multi-volume archive: not supported", nil
	}
	if strings.Trim(name, "/") == "" && typ != tar.TypeDir {
		return "empty name", nil
	}
	var err error
	switch typ {
	case tar.TypeDir, 'D': // 'D': a GNU dump directory
		err = mkdir(fsys, name, perm|0o700)
	case tar.TypeReg, tar.TypeCont, tar.TypeGNUSparse: // the reader makes TypeRegA TypeReg
		err = tempfs.WriteReader(fsys, name, streamReader{tr}, perm, tempfs.CreateParents())
		var se streamError
		if errors.As(err, &se) {
			return "", se.err
		}
	case tar.TypeSymlink:
		err = create(fsys, name, func() error { return fsys.SymlinkIfPossible(hdr.Linkname, name) })
		if err == nil {
			x.links[clean(name)] = hdr.Linkname
		}
	case tar.TypeLink:
		err = create(fsys, name, func() error { return fsys.Link(hdr.Linkname, name) })
	default:
		return fmt.Sprintf("unknown entry type %q", typ), nil
	}
	if err != nil {
		return x.explain(hdr, err), nil
	}
	return "", nil
}

// clean is a tar name as a clean path inside the target directory.
func clean(name string) string {
	return path.Clean(strings.TrimLeft(name, "/"))
}

// create makes the missing parents of name (a tar name, '/'-separated)
// and then the link with mk. If a file or link of that name is already
// there, it is replaced, as tar does, but only once mk has failed for that
// reason alone (a refused link leaves it as it was); an existing directory
// stays, and the entry is refused.
func create(fsys *tempfs.RootFs, name string, mk func() error) error {
	if dir := path.Dir(strings.TrimRight(name, "/")); dir != "." && dir != "/" {
		if err := fsys.MkdirAll(dir, 0o755); err != nil {
			return err
		}
	}
	err := mk()
	if !errors.Is(err, fs.ErrExist) {
		return err
	}
	fi, _, lerr := fsys.LstatIfPossible(name)
	if lerr != nil || fi.IsDir() {
		return err
	}
	if err := fsys.Remove(name); err != nil {
		return err
	}
	return mk()
}

// mkdir makes the directory name and its missing parents. An existing
// directory (or link to one) is fine; an existing file or other link is
// replaced, as tar does.
func mkdir(fsys *tempfs.RootFs, name string, perm fs.FileMode) error {
	err := fsys.MkdirAll(name, perm)
	if err == nil {
		return nil
	}
	name = strings.TrimRight(name, "/")
	fi, _, lerr := fsys.LstatIfPossible(name)
	if lerr != nil || fi.IsDir() {
		return err
	}
	if st, serr := fsys.Stat(name); serr == nil && st.IsDir() {
		return err // a link to a directory, which MkdirAll refused
	}
	if rerr := fsys.Remove(name); rerr != nil {
		return err
	}
	return fsys.Mkdir(name, perm)
}
