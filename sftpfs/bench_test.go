//go:build unix

package sftpfs_test

import (
	"fmt"
	"os"
	"path"
	"strconv"
	"testing"

	"github.com/pkg/sftp"
	"github.com/spf13/afero"
	aferosftp "github.com/spf13/afero/sftpfs"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The benchmarks compare, over the same pipe to OpenSSH's sftp-server:
//
//   - tempfs: tempfs's calls on this package's Fs (atomic and durable).
//   - afero-sftpfs: afero's sftpfs (v1.15.0). Its Rename cannot replace an
//     existing file, so its "WriteFile" is the closest it can do: temp file,
//     write, Sync (a no-op there), close, Remove the target, Rename. That is
//     neither atomic (the target is missing in between) nor durable.
//   - raw-pkg-sftp: the fewest pkg/sftp calls doing tempfs's durable
//     protocol (open excl, fchmod, write, fsync, close, posix-rename, open
//     dir, fsync, close), without tempfs's checks.

func BenchmarkWriteFile(b *testing.B) {
	for _, size := range []int{4 << 10, 1 << 20} {
		data := make([]byte, size)
		b.Run(fmt.Sprintf("tempfs/%dKiB", size>>10), func(b *testing.B) {
			fsys, dir, _ := newFs(b, serverOpts{})
			target := path.Join(dir, "target")
			b.SetBytes(int64(size))
			for b.Loop() {
				if err := tempfs.WriteFile(fsys, target, data, 0o600); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("afero-sftpfs/%dKiB", size>>10), func(b *testing.B) {
			_, dir, s := newFs(b, serverOpts{})
			fsys := aferosftp.New(s.client)
			target, tmp := path.Join(dir, "target"), path.Join(dir, ".target.tmp")
			b.SetBytes(int64(size))
			for b.Loop() {
				f, err := fsys.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
				require.NoError(b, err)
				_, err = f.Write(data)
				require.NoError(b, err)
				require.NoError(b, f.Sync())
				require.NoError(b, f.Close())
				if err := fsys.Remove(target); err != nil && !os.IsNotExist(err) {
					b.Fatal(err)
				}
				require.NoError(b, fsys.Rename(tmp, target))
			}
		})
		b.Run(fmt.Sprintf("raw-pkg-sftp/%dKiB", size>>10), func(b *testing.B) {
			_, dir, s := newFs(b, serverOpts{})
			target, tmp := path.Join(dir, "target"), path.Join(dir, ".target.tmp")
			b.SetBytes(int64(size))
			for b.Loop() {
				rawWriteFile(b, s.client, dir, tmp, target, data)
			}
		})
	}
}

func rawWriteFile(b *testing.B, c *sftp.Client, dir, tmp, target string, data []byte) {
	f, err := c.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL)
	require.NoError(b, err)
	require.NoError(b, f.Chmod(0o600))
	_, err = f.Write(data)
	require.NoError(b, err)
	require.NoError(b, f.Sync())
	require.NoError(b, f.Close())
	require.NoError(b, c.PosixRename(tmp, target))
	d, err := c.Open(dir)
	require.NoError(b, err)
	require.NoError(b, d.Sync())
	require.NoError(b, d.Close())
}

// BenchmarkCreateTemp creates, closes and removes one temp file per
// iteration.
func BenchmarkCreateTemp(b *testing.B) {
	b.Run("tempfs", func(b *testing.B) {
		fsys, dir, _ := newFs(b, serverOpts{})
		for b.Loop() {
			f, err := tempfs.CreateTemp(fsys, dir, "bench-*")
			require.NoError(b, err)
			require.NoError(b, f.Close())
			require.NoError(b, fsys.Remove(f.Name()))
		}
	})
	b.Run("afero-sftpfs", func(b *testing.B) {
		_, dir, s := newFs(b, serverOpts{})
		fsys := aferosftp.New(s.client)
		for b.Loop() {
			// afero's own helper, what afero users call.
			f, err := afero.TempFile(fsys, dir, "bench-*")
			require.NoError(b, err)
			require.NoError(b, f.Close())
			require.NoError(b, fsys.Remove(f.Name()))
		}
	})
	b.Run("raw-pkg-sftp", func(b *testing.B) {
		_, dir, s := newFs(b, serverOpts{})
		i := 0
		for b.Loop() {
			i++
			name := path.Join(dir, "bench-"+strconv.Itoa(i))
			f, err := s.client.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL)
			require.NoError(b, err)
			require.NoError(b, f.Chmod(0o600))
			require.NoError(b, f.Close())
			require.NoError(b, s.client.Remove(name))
		}
	})
}
