// Command quickstart shows in a dozen lines what tempfs gives you, on the
// real disk (OsFs) and in memory (MemMapFs), with the same code:
//
//  1. a scratch directory removed even when the code using it panics;
//  2. an atomic replace: a reader racing 200 rewrites never sees a partial
//     file, where afero.WriteFile's in-place write shows it partial ones;
//  3. the same mistake refused the same way on disk and in memory;
//  4. where the files went.
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"

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
		for _, scene := range []func(io.Writer, afero.Fs) error{panicScene, atomicScene, refusalScene} {
			if err := scene(w, b.fsys); err != nil {
				return fmt.Errorf("%s: %w", b.name, err)
			}
		}
	}
	return nil
}

// panicScene: the scratch directory is gone after fn panics, and the panic
// goes on with its value.
func panicScene(w io.Writer, fsys afero.Fs) error {
	var used string
	recovered := func() (v any) {
		defer func() { v = recover() }()
		_ = tempfs.WithTempDir(fsys, "quickstart-*", func(dir string) error {
			used = dir
			if err := afero.WriteFile(fsys, filepath.Join(dir, "part.txt"), []byte("x"), 0o600); err != nil {
				return err
			}
			panic("boom")
		})
		return nil
	}()
	_, err := fsys.Stat(used)
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("scratch dir %s still there after the panic (%v)", used, err)
	}
	fmt.Fprintf(w, "scratch dir %s: removed although fn panicked (%v)\n", used, recovered)
	return nil
}

// atomicScene: a reader polls a file while a writer rewrites it 200 times
// with two versions of 64 KiB; every read must be one whole version.
func atomicScene(w io.Writer, fsys afero.Fs) error {
	return tempfs.WithTempDir(fsys, "quickstart-atomic-*", func(dir string) error {
		target := filepath.Join(dir, "config.json")
		versions := [][]byte{bytes.Repeat([]byte("a"), 64<<10), bytes.Repeat([]byte("b"), 64<<10)}
		for _, c := range []struct {
			name  string
			write func(data []byte) error
		}{
			{"tempfs.WriteFile", func(data []byte) error { return tempfs.WriteFile(fsys, target, data, 0o644, tempfs.NoSync()) }},
			{"afero.WriteFile", func(data []byte) error { return afero.WriteFile(fsys, target, data, 0o644) }},
		} {
			if err := c.write(versions[0]); err != nil {
				return err
			}
			reads, partial, err := race(fsys, target, versions, c.write)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, "%-16s 200 rewrites, %d reads: %d partial\n", c.name, reads, partial)
		}
		entries, err := afero.ReadDir(fsys, dir)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "files beside the target afterwards: %d (temp files live there as .config.json.tempfs-*.tmp until the rename)\n", len(entries)-1)
		return nil
	})
}

// race rewrites target 200 times while a reader reads it, and counts the
// reads that were not one whole version.
func race(fsys afero.Fs, target string, versions [][]byte, write func([]byte) error) (reads, partial int64, err error) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		for !done.Load() || reads == 0 {
			b, rerr := afero.ReadFile(fsys, target)
			if rerr != nil {
				continue // afero.WriteFile on MemMapFs can race its own truncate
			}
			reads++
			if !bytes.Equal(b, versions[0]) && !bytes.Equal(b, versions[1]) {
				partial++
			}
		}
	})
	for i := range 200 {
		if err = write(versions[i%2]); err != nil {
			break
		}
		runtime.Gosched() // let the reader in, also on one CPU
	}
	done.Store(true)
	wg.Wait()
	return reads, partial, err
}

// refusalScene: a write onto a directory is refused the same way on every
// backend, before anything is written (MemMapFs alone would let a rename
// replace the directory).
func refusalScene(w io.Writer, fsys afero.Fs) error {
	return tempfs.WithTempDir(fsys, "quickstart-refuse-*", func(dir string) error {
		err := tempfs.WriteFile(fsys, dir, []byte("x"), 0o644)
		if !errors.Is(err, syscall.EISDIR) {
			return fmt.Errorf("want EISDIR, got %v", err)
		}
		fmt.Fprintf(w, "write onto a directory: refused, errors.Is(err, syscall.EISDIR): %q\n", err)
		return nil
	})
}
