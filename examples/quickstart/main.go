// Command quickstart runs tempfs's three everyday scenes on the real disk
// (OsFs) and in memory (MemMapFs), and prints what it did:
//
//  1. a temporary directory holding several files, removed on the way out;
//  2. a named temporary file written, flushed and read back by its path;
//  3. an atomic overwrite of a file, durable on disk.
//
// The same code runs on both file systems: only the afero.Fs differs.
package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	for _, b := range []struct {
		name string
		fsys afero.Fs
	}{
		{"OsFs", afero.NewOsFs()},
		{"MemMapFs", afero.NewMemMapFs()},
	} {
		fmt.Fprintf(w, "== %s\n", b.name)
		for _, scene := range []func(io.Writer, afero.Fs) error{tempDirScene, tempFileScene, atomicScene} {
			if err := scene(w, b.fsys); err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
		}
	}
	return nil
}

// tempDirScene: a scratch directory with several files, cleaned up on
// return, on error and on panic.
func tempDirScene(w io.Writer, fsys afero.Fs) error {
	var used string
	err := tempfs.WithTempDir(fsys, "quickstart-*", func(dir string) error {
		used = dir
		for i := range 3 {
			name := filepath.Join(dir, fmt.Sprintf("part-%d.txt", i))
			if err := afero.WriteFile(fsys, name, []byte(fmt.Sprintf("part %d\n", i)), 0o600); err != nil {
				return err
			}
		}
		entries, err := afero.ReadDir(fsys, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "temp dir: wrote %d files in %s\n", len(entries), dir)
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := fsys.Stat(used); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("temp dir %s still there (%v)", used, err)
	}
	fmt.Fprintln(w, "temp dir: removed")
	return nil
}

// tempFileScene: a named temp file that other code can open by path while
// it exists, removed afterwards.
func tempFileScene(w io.Writer, fsys afero.Fs) error {
	var used string
	err := tempfs.WithTempFile(fsys, "quickstart-*.txt", func(f afero.File) error {
		used = f.Name()
		if _, err := io.WriteString(f, "hello from a named temp file"); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		b, err := afero.ReadFile(fsys, f.Name()) // read back by path
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "temp file: read back %q from %s\n", b, f.Name())
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := fsys.Stat(used); !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("temp file %s still there (%v)", used, err)
	}
	fmt.Fprintln(w, "temp file: removed")
	return nil
}

// atomicScene: replace a file so that readers and crashes see the old
// version or the new one, never a partial file.
func atomicScene(w io.Writer, fsys afero.Fs) error {
	return tempfs.WithTempDir(fsys, "quickstart-atomic-*", func(dir string) error {
		target := filepath.Join(dir, "config.json")
		if err := tempfs.WriteFile(fsys, target, []byte(`{"version": 1}`), 0o644); err != nil {
			return err
		}
		if err := tempfs.WriteFile(fsys, target, []byte(`{"version": 2}`), 0o644); err != nil {
			return err
		}
		b, err := afero.ReadFile(fsys, target)
		if err != nil {
			return err
		}
		entries, err := afero.ReadDir(fsys, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "atomic write: %s now holds %s (%d file in the directory, no temp file left)\n", filepath.Base(target), b, len(entries))
		return nil
	})
}
