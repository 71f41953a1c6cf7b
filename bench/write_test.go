//go:build unix

package bench

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/renameio/v2"
	"github.com/natefinch/atomic"
	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/bench/internal/seq"
)

// writeImpl replaces the file name with data. All durable ones fsync the
// file before the rename; those marked dirSync also fsync the directory
// after it (the full guarantee).
type writeImpl struct {
	name  string
	write func(name string, data []byte) error
}

var osFs = afero.NewOsFs()

// durableImpls: tempfs.WriteFile against peers. renameio and natefinch do
// not sync the directory; "renameio+dirsync" adds it for equal guarantees.
// renameio.WriteFile keeps an existing target's mode (it stats the target);
// the others write mode 0o600.
var durableImpls = []writeImpl{
	{"tempfs", func(name string, data []byte) error {
		return tempfs.WriteFile(osFs, name, data, 0o600)
	}},
	{"minimal", func(name string, data []byte) error {
		return seq.MinimalReplace(name, func(f *os.File) error { _, err := f.Write(data); return err }, true)
	}},
	{"renameio+dirsync", func(name string, data []byte) error {
		if err := renameio.WriteFile(name, data, 0o600); err != nil {
			return err
		}
		return seq.SyncDir(filepath.Dir(name))
	}},
	{"renameio", func(name string, data []byte) error {
		return renameio.WriteFile(name, data, 0o600)
	}},
	{"natefinch", func(name string, data []byte) error {
		return atomic.WriteFile(name, bytes.NewReader(data))
	}},
	{"os.WriteFile", func(name string, data []byte) error {
		return os.WriteFile(name, data, 0o600)
	}},
}

// noSyncImpls: atomic but not durable.
var noSyncImpls = []writeImpl{
	{"tempfs", func(name string, data []byte) error {
		return tempfs.WriteFile(osFs, name, data, 0o600, tempfs.NoSync())
	}},
	{"minimal", func(name string, data []byte) error {
		return seq.MinimalReplace(name, func(f *os.File) error { _, err := f.Write(data); return err }, false)
	}},
	{"os.WriteFile", func(name string, data []byte) error {
		return os.WriteFile(name, data, 0o600)
	}},
}

func benchWrites(b *testing.B, impls []writeImpl, size int) {
	data := bytes.Repeat([]byte("0123456789abcdef"), size/16)
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			name := filepath.Join(b.TempDir(), "target")
			if err := os.WriteFile(name, []byte("old"), 0o600); err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				if err := impl.write(name, data); err != nil {
					b.Fatal(err)
				}
			}
			cpu.report(b)
		})
	}
}

// BenchmarkWriteFile replaces an existing 4 KiB file on OsFs.
func BenchmarkWriteFile(b *testing.B) {
	b.Run("mode=durable", func(b *testing.B) { benchWrites(b, durableImpls, 4<<10) })
	b.Run("mode=nosync", func(b *testing.B) { benchWrites(b, noSyncImpls, 4<<10) })
}

// BenchmarkWriteReader streams a generated (not buffered) stream into an
// existing file on OsFs: tempfs.WriteReader against io.Copy into a plain
// *os.File with the same steps and fsyncs (minimalReplace).
func BenchmarkWriteReader(b *testing.B) {
	for _, size := range []int64{4 << 10, 1 << 20, 64 << 20} {
		b.Run("size="+sizeName(size), func(b *testing.B) {
			impls := []struct {
				name  string
				write func(name string, r io.Reader) error
			}{
				{"tempfs", func(name string, r io.Reader) error {
					return tempfs.WriteReader(osFs, name, r, 0o600)
				}},
				{"io.Copy", func(name string, r io.Reader) error {
					return seq.MinimalReplace(name, func(f *os.File) error { _, err := io.Copy(f, r); return err }, true)
				}},
			}
			for _, impl := range impls {
				b.Run("impl="+impl.name, func(b *testing.B) {
					name := filepath.Join(b.TempDir(), "target")
					if err := os.WriteFile(name, []byte("old"), 0o600); err != nil {
						b.Fatal(err)
					}
					b.SetBytes(size)
					b.ReportAllocs()
					cpu := startCPU()
					for b.Loop() {
						if err := impl.write(name, seq.NewGenReader(size)); err != nil {
							b.Fatal(err)
						}
					}
					cpu.report(b)
				})
			}
		})
	}
}
