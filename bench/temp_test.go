package bench

import (
	"os"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// createTempImpls are the temp-file creators compared; each iteration
// creates, closes and removes one file. os.CreateTemp runs only on OsFs.
var createTempImpls = []struct {
	name   string
	osOnly bool
	create func(fsys afero.Fs, dir string) (string, error)
}{
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

func BenchmarkCreateTemp(b *testing.B) {
	for _, be := range backends {
		for _, impl := range createTempImpls {
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
var mkdirTempImpls = []struct {
	name   string
	osOnly bool
	mkdir  func(fsys afero.Fs, dir string) (string, error)
}{
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

func BenchmarkMkdirTemp(b *testing.B) {
	for _, be := range backends {
		for _, impl := range mkdirTempImpls {
			if impl.osOnly && be.name != "OsFs" {
				continue
			}
			b.Run("fs="+be.name+"/impl="+impl.name, func(b *testing.B) {
				fsys, dir := be.new(b)
				b.ReportAllocs()
				cpu := startCPU()
				for b.Loop() {
					name, err := impl.mkdir(fsys, dir)
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
