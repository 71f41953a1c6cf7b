package tempfs_test

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

func ExampleCreateTemp() {
	fsys := afero.NewMemMapFs()
	f, err := tempfs.CreateTemp(fsys, "", "report-*.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer fsys.Remove(f.Name()) // the caller cleans up
	defer f.Close()

	base := filepath.Base(f.Name())
	fmt.Println(filepath.Dir(f.Name()))
	fmt.Println(strings.HasPrefix(base, "report-"), strings.HasSuffix(base, ".csv"))
	// Output:
	// /tmp
	// true true
}

func ExampleCreateTemp_badPattern() {
	_, err := tempfs.CreateTemp(afero.NewMemMapFs(), "/data", "../escape*")
	fmt.Println(err)
	// Output: createtemp ../escape*: pattern contains path separator: invalid argument
}

func ExampleMkdirTemp() {
	fsys := afero.NewMemMapFs()
	dir, err := tempfs.MkdirTemp(fsys, "", "build-*")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer tempfs.RemoveAll(fsys, dir) // the caller cleans up
	fi, _ := fsys.Stat(dir)
	fmt.Println(fi.IsDir(), fi.Mode().Perm())
	// Output: true -rwx------
}

func ExampleTempDir() {
	dir, err := tempfs.TempDir(afero.NewMemMapFs())
	fmt.Println(dir, err)
	// Output: /tmp <nil>
}

func ExampleWithTempDir() {
	fsys := afero.NewMemMapFs()
	var used string
	err := tempfs.WithTempDir(fsys, "work-*", func(dir string) error {
		used = dir
		for _, name := range []string{"a.txt", "b.txt"} {
			if err := afero.WriteFile(fsys, filepath.Join(dir, name), []byte(name), 0o600); err != nil {
				return err
			}
		}
		entries, err := afero.ReadDir(fsys, dir)
		fmt.Println("files while working:", len(entries))
		return err
	})
	_, statErr := fsys.Stat(used)
	fmt.Println("error:", err)
	fmt.Println("removed:", errors.Is(statErr, fs.ErrNotExist))
	// Output:
	// files while working: 2
	// error: <nil>
	// removed: true
}

func ExampleWithTempFile() {
	fsys := afero.NewMemMapFs()
	err := tempfs.WithTempFile(fsys, "scratch-*.txt", func(f afero.File) error {
		if _, err := io.WriteString(f, "hello"); err != nil {
			return err
		}
		if err := f.Sync(); err != nil {
			return err
		}
		// Other code can open it by name while fn runs.
		b, err := afero.ReadFile(fsys, f.Name())
		fmt.Println(string(b))
		return err
	})
	fmt.Println(err)
	// Output:
	// hello
	// <nil>
}

func ExampleRemoveAll() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/tmp/tree/sub", 0o500)
	_ = afero.WriteFile(fsys, "/tmp/tree/sub/ro.txt", []byte("x"), 0o400)
	fmt.Println(tempfs.RemoveAll(fsys, "/tmp/tree"))
	fmt.Println(tempfs.RemoveAll(fsys, "/tmp/not-there"))
	// Output:
	// <nil>
	// <nil>
}

func ExampleNewFile() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/srv", 0o755)
	// Create the file beside its final name, so that Persist is a rename
	// within one directory.
	f, err := tempfs.NewFile(fsys, "/srv", "upload-*")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close() // removes the file unless it was persisted
	if _, err := f.WriteString("payload"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(f.Persist("/srv/upload.bin"))
	b, _ := afero.ReadFile(fsys, "/srv/upload.bin")
	fmt.Println(string(b))
	// Output:
	// <nil>
	// payload
}

func ExampleFile_PersistNoClobber() {
	fsys := afero.NewMemMapFs()
	_ = afero.WriteFile(fsys, "/srv/taken", []byte("mine"), 0o600)
	f, _ := tempfs.NewFile(fsys, "/srv", "")
	defer f.Close()
	err := f.PersistNoClobber("/srv/taken")
	fmt.Println(errors.Is(err, fs.ErrExist))
	// Output: true
}

func ExampleNewDir() {
	fsys := afero.NewMemMapFs()
	d, err := tempfs.NewDir(fsys, "", "cache-*")
	if err != nil {
		fmt.Println(err)
		return
	}
	_ = afero.WriteFile(fsys, filepath.Join(d.Name(), "entry"), nil, 0o600)
	fmt.Println(d.Close())
	_, err = fsys.Stat(d.Name())
	fmt.Println(errors.Is(err, fs.ErrNotExist))
	// Output:
	// <nil>
	// true
}

func ExampleWriteFile() {
	fsys := afero.NewMemMapFs()
	_ = afero.WriteFile(fsys, "/etc/app.json", []byte(`{"v":1}`), 0o644)
	// Readers see the old content or the new, never a partial file.
	if err := tempfs.WriteFile(fsys, "/etc/app.json", []byte(`{"v":2}`), 0o644); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := afero.ReadFile(fsys, "/etc/app.json")
	fmt.Println(string(b))
	// Output: {"v":2}
}

func ExampleWriteFile_directoryTarget() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/data/dir", 0o755)
	err := tempfs.WriteFile(fsys, "/data/dir", []byte("x"), 0o644)
	fmt.Println(err)
	// Output: writefile /data/dir: is a directory
}

func ExampleWriteReader() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/out", 0o755)
	src := strings.NewReader(strings.Repeat("line\n", 1000))
	if err := tempfs.WriteReader(fsys, "/out/big.txt", src, 0o644); err != nil {
		fmt.Println(err)
		return
	}
	fi, _ := fsys.Stat("/out/big.txt")
	fmt.Println(fi.Size())
	// Output: 5000
}

func ExampleNewPendingFile() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/out", 0o755)
	p, err := tempfs.NewPendingFile(fsys, "/out/result.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer p.Cleanup() // removes the temp file unless Commit succeeded
	fmt.Fprintf(p, "%d results\n", 42)
	if err := p.Commit(); err != nil {
		fmt.Println(err)
		return
	}
	b, _ := afero.ReadFile(fsys, "/out/result.txt")
	fmt.Print(string(b))
	// Output: 42 results
}

func ExampleSweep() {
	fsys := afero.NewMemMapFs()
	_ = fsys.MkdirAll("/out", 0o755)
	// A write interrupted before Commit leaves its temp file behind.
	p, _ := tempfs.NewPendingFile(fsys, "/out/state.db")
	_, _ = p.WriteString("half")
	removed, err := tempfs.Sweep(fsys, "/out", 0)
	fmt.Println(len(removed), err)
	// Output: 1 <nil>
}

func ExampleIsTempName() {
	fmt.Println(tempfs.IsTempName(".state.db.tempfs-0123456789abc.tmp"))
	fmt.Println(tempfs.IsTempName("state.db"))
	// Output:
	// true
	// false
}
