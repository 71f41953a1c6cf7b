package tempfs_test

import (
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// benchBackends are the Fs compared by the Root benchmarks; each returns
// the Fs and the directory to work in.
var benchBackends = []struct {
	name string
	new  func(b *testing.B) (afero.Fs, string)
}{
	{"OsFs", func(b *testing.B) (afero.Fs, string) { return afero.NewOsFs(), b.TempDir() }},
	{"BasePathFs", func(b *testing.B) (afero.Fs, string) {
		return afero.NewBasePathFs(afero.NewOsFs(), b.TempDir()), "/"
	}},
	{"RootFs", func(b *testing.B) (afero.Fs, string) {
		fsys, err := tempfs.OpenRoot(b.TempDir())
		require.NoError(b, err)
		b.Cleanup(func() { require.NoError(b, fsys.Close()) })
		return fsys, "/"
	}},
}

func BenchmarkRootOpen(b *testing.B) {
	dir := b.TempDir()
	b.ReportAllocs()
	for b.Loop() {
		fsys, err := tempfs.OpenRoot(dir)
		if err != nil {
			b.Fatal(err)
		}
		if err := fsys.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRootCreateTemp(b *testing.B) {
	for _, be := range benchBackends {
		b.Run("fs="+be.name, func(b *testing.B) {
			fsys, dir := be.new(b)
			b.ReportAllocs()
			for b.Loop() {
				f, err := tempfs.CreateTemp(fsys, dir, "bench*")
				if err != nil {
					b.Fatal(err)
				}
				if err := f.Close(); err != nil {
					b.Fatal(err)
				}
				if err := fsys.Remove(f.Name()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkRootWriteFile(b *testing.B) { benchRootWriteFile(b, tempfs.NoSync()) }

func BenchmarkRootWriteFileSync(b *testing.B) { benchRootWriteFile(b) }

// benchRootWriteFile replaces a 4 KiB file with WriteFile and opts on
// each backend.
func benchRootWriteFile(b *testing.B, opts ...tempfs.Option) {
	data := make([]byte, 4096)
	for _, be := range benchBackends {
		b.Run("fs="+be.name, func(b *testing.B) {
			fsys, dir := be.new(b)
			name := dir + "/target"
			b.ReportAllocs()
			for b.Loop() {
				if err := tempfs.WriteFile(fsys, name, data, 0o644, opts...); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
