package bench

import (
	"os"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// tempImpl is one contender that creates a temp entry in dir and returns
// its name; osOnly ones run on OsFs only.
type tempImpl struct {
	name   string
	osOnly bool
	create func(fsys afero.Fs, dir string) (string, error)
}

// createTempImpls are the temp-file creators compared; each iteration
// creates, closes and removes one file. os.CreateTemp runs only on OsFs.
var createTempImpls = []tempImpl{
	{"tempfs", false, func(fsys afero.Fs, dir string) (string, error) {
		f, err := tempfs.CreateTemp(fsys, dir, "bench-*")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	}},
	{"os", true, func(_ afero.Fs, dir string) (string, error) {
		f, err := os.CreateTemp(dir, "bench-*")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	}},
	{"afero", false, func(fsys afero.Fs, dir string) (string, error) {
		f, err := afero.TempFile(fsys, dir, "bench-*")
		if err != nil {
			return "", err
		}
		return f.Name(), f.Close()
	}},
}

func BenchmarkCreateTemp(b *testing.B) { benchCreateRemove(b, createTempImpls) }

// benchCreateRemove runs each impl on each backend: create, then remove.
func benchCreateRemove(b *testing.B, impls []tempImpl) {
	for _, be := range backends {
		for _, impl := range impls {
			if impl.osOnly && be.name != "OsFs" {
				continue
			}
			b.Run("fs="+be.name+"/impl="+impl.name, func(b *testing.B) {
				fsys, dir := be.new(b)
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					name, err := impl.create(fsys, dir)
					if err != nil {
						b.Fatal(err)
					}
					if err := fsys.Remove(name); err != nil {
						b.Fatal(err)
					}
				}
				cpu.report(b)
			})
		}
	}
}

// mkdirTempImpls are the temp-directory creators compared; each iteration
// creates and removes one directory.
var mkdirTempImpls = []tempImpl{
	{"tempfs", false, func(fsys afero.Fs, dir string) (string, error) {
		return tempfs.MkdirTemp(fsys, dir, "bench-*")
	}},
	{"os", true, func(_ afero.Fs, dir string) (string, error) {
		return os.MkdirTemp(dir, "bench-*")
	}},
	{"afero", false, func(fsys afero.Fs, dir string) (string, error) {
		return afero.TempDir(fsys, dir, "bench-*")
	}},
}

func BenchmarkMkdirTemp(b *testing.B) { benchCreateRemove(b, mkdirTempImpls) }
