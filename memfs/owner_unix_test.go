//go:build unix

package memfs_test

import (
	"io/fs"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

// TestFileInfoOwnerIsSysOwner: every FileInfo memfs gives (Stat, Lstat,
// File.Stat, Readdir) has Owner (tempfs's FileOwner), which reports the
// owner and group its Sys value holds, also for ids that do not fit a
// uint32 as they are.
func TestFileInfoOwnerIsSysOwner(t *testing.T) {
	for _, tc := range []struct {
		name     string
		uid, gid int
	}{
		{"user", 1000, 1001},
		{"root", 0, 0},
		{"negative", -5, -7},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := memfs.NewWith(memfs.Options{UID: tc.uid, GID: tc.gid, Root: true})
			require.NoError(t, afero.WriteFile(f, "/a", []byte("x"), 0o600))
			var infos []fs.FileInfo
			fi, err := f.Stat("/a")
			require.NoError(t, err)
			infos = append(infos, fi)
			fi, _, err = f.LstatIfPossible("/a")
			require.NoError(t, err)
			infos = append(infos, fi)
			h, err := f.Open("/a")
			require.NoError(t, err)
			t.Cleanup(func() { h.Close() })
			fi, err = h.Stat()
			require.NoError(t, err)
			infos = append(infos, fi)
			listed, err := afero.ReadDir(f, "/")
			require.NoError(t, err)
			require.Len(t, listed, 1)
			infos = append(infos, listed[0])
			for i, fi := range infos {
				o, ok := fi.(tempfs.FileOwner)
				require.True(t, ok, "info %d", i)
				st, ok := fi.Sys().(*syscall.Stat_t)
				require.True(t, ok, "info %d", i)
				uid, gid := o.Owner()
				assert.Equal(t, int(st.Uid), uid, "info %d", i)
				assert.Equal(t, int(st.Gid), gid, "info %d", i)
			}
		})
	}
}
