package tempfs_test

import (
	"io"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// roundTrip writes p, seeks back, reads it into q and closes f.
func roundTrip(b *testing.B, f interface {
	io.ReadWriteSeeker
	io.Closer
}, p, q []byte) {
	b.Helper()
	if _, err := f.Write(p); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		b.Fatal(err)
	}
	if _, err := io.ReadFull(f, q); err != nil {
		b.Fatal(err)
	}
	if err := f.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSpooled compares a 4 KiB round trip (write, seek to 0, read
// back, close) in a SpooledFile that stays in memory with the same on a
// CreateTemp file on OsFs (plus its removal), and with a SpooledFile that
// rolls over to OsFs.
func BenchmarkSpooled(b *testing.B) {
	const size = 4 << 10
	p, q := make([]byte, size), make([]byte, size)
	for i := range p {
		p[i] = byte(i)
	}
	osfs := afero.NewOsFs()
	b.Setenv("TMPDIR", b.TempDir())

	b.Run("memory", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			roundTrip(b, tempfs.NewSpooledFile(osfs, 1<<20), p, q)
		}
	})
	b.Run("createtemp-osfs", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			f, err := tempfs.CreateTemp(osfs, "", "bench-*")
			if err != nil {
				b.Fatal(err)
			}
			roundTrip(b, f, p, q)
			if err := osfs.Remove(f.Name()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rolled-osfs", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(size)
		for b.Loop() {
			roundTrip(b, tempfs.NewSpooledFile(osfs, 1<<10), p, q)
		}
	})
}
