//go:build linux

package memfs

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The review of the owners kept as uint32 (c87c09e): Chown and the owner
// reported compared with os and with what chown(2) answers. Linux only, as
// perf_review_test.go.

// TestChownAsOs: as root, every owner Chown sets is the owner os
// reports after the same os.Chown (the kernel keeps uid_t and gid_t, 32
// bits, and takes (uid_t)-1 as "leave it").
func TestChownAsOs(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("os.Chown to other owners needs root")
	}
	for _, tc := range []struct {
		name     string
		uid, gid int
	}{
		{"-1 -1", -1, -1},
		{"nobody", 65534, 65534},
		{"-2", -2, -2},
		{"2^32+5", 1<<32 + 5, 1<<32 + 6},
		{"2^31", 1 << 31, 1 << 31},
		{"uint32 max", 1<<32 - 1, 1<<32 - 1},
		{"uid only", 1000, -1},
		{"gid only", -1, 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			disk := filepath.Join(t.TempDir(), "f")
			require.NoError(t, os.WriteFile(disk, nil, 0o600))
			require.NoError(t, os.Chown(disk, 7, 8))
			require.NoError(t, os.Chown(disk, tc.uid, tc.gid))
			fi, err := os.Stat(disk)
			require.NoError(t, err)
			want := fi.Sys().(*syscall.Stat_t)

			f := NewWith(Options{Root: true})
			require.NoError(t, writeNew(f, "/f", nil))
			require.NoError(t, f.Chown("/f", 7, 8))
			require.NoError(t, f.Chown("/f", tc.uid, tc.gid))
			got, err := f.Stat("/f")
			require.NoError(t, err)
			st := got.Sys().(*syscall.Stat_t)
			assert.Equal(t, [2]uint32{want.Uid, want.Gid}, [2]uint32{st.Uid, st.Gid}, "os (want) and memfs (got): uid, gid")
			uid, gid := got.(interface{ Owner() (int, int) }).Owner()
			assert.Equal(t, [2]int{int(want.Uid), int(want.Gid)}, [2]int{uid, gid}, "Owner()")
		})
	}
}

// TestOwnerOptions: an Fs acting as a uid or gid beyond 32 bits, or
// negative, reports its files' owner as the kernel would keep it (the low
// 32 bits), as it did when owners were ints, and owns what it creates:
// it may write, chmod and chtimes them, and chown them to its own ids.
func TestOwnerOptions(t *testing.T) {
	for _, tc := range []struct {
		name     string
		uid, gid int
	}{{"0", 0, 0}, {"nobody", 65534, 65534}, {"2^32+7", 1<<32 + 7, 1<<32 + 9}, {"-5", -5, -6}, {"2^31", 1 << 31, 1<<31 + 1}} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewWith(Options{UID: tc.uid, GID: tc.gid, Umask: 0o022})
			require.NoError(t, writeNew(f, "/f", []byte("x")))
			require.NoError(t, f.Chmod("/f", 0o600))
			require.NoError(t, afero.WriteFile(f, "/f", []byte("y"), 0o600))
			require.NoError(t, f.Chtimes("/f", time.Now(), time.Now()))
			require.NoError(t, f.Chown("/f", tc.uid, tc.gid))
			require.NoError(t, f.Chown("/f", -1, -1))
			fi, err := f.Stat("/f")
			require.NoError(t, err)
			uid, gid := fi.(interface{ Owner() (int, int) }).Owner()
			assert.Equal(t, [2]int{int(uint32(tc.uid)), int(uint32(tc.gid))}, [2]int{uid, gid})
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				assert.Equal(t, [2]uint32{uint32(tc.uid), uint32(tc.gid)}, [2]uint32{st.Uid, st.Gid})
			}
			err = f.Chown("/f", tc.uid+1, -1)
			assert.ErrorIs(t, err, syscall.EPERM, "giving a file away needs root")
		})
	}
}

// TestChownAsKernel: Chown on a non-root Fs answers as chown(2) for a
// user without CAP_CHOWN. What Linux 6 answered for uid 65534 (setpriv
// --reuid=65534 --regid=65534) on a file owned by 0:0: Chown(-1, -1) and
// Chown(2^32-1, 2^32-1) (the same uid_t -1) succeed and change nothing;
// Chown(0, -1) and Chown(-1, 65534) fail with EPERM. On its own file the
// owner may keep its uid and give the group to its own gid.
func TestChownAsKernel(t *testing.T) {
	const me, other = 1000, 0
	for _, tc := range []struct {
		name     string
		owner    int // the file's uid and gid
		uid, gid int
		err      error
		want     [2]uint32
	}{
		{"other's file, -1 -1", other, -1, -1, nil, [2]uint32{other, other}},
		{"other's file, uid_t -1 twice", other, 1<<32 - 1, 1<<32 - 1, nil, [2]uint32{other, other}},
		{"other's file, its own uid", other, other, -1, syscall.EPERM, [2]uint32{other, other}},
		{"other's file, my gid", other, -1, me, syscall.EPERM, [2]uint32{other, other}},
		{"my file, -1 -1", me, -1, -1, nil, [2]uint32{me, me}},
		{"my file, uid_t -1", me, 1<<32 - 1, -1, nil, [2]uint32{me, me}},
		{"my file, my uid", me, me, -1, nil, [2]uint32{me, me}},
		{"my file, my uid + 2^32", me, me + 1<<32, -1, nil, [2]uint32{me, me}},
		{"my file, other uid", me, 5, -1, syscall.EPERM, [2]uint32{me, me}},
		{"my file, other gid", me, -1, 5, syscall.EPERM, [2]uint32{me, me}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewWith(Options{UID: me, GID: me})
			require.NoError(t, writeNew(f, "/f", nil))
			f.opts.Root = true
			require.NoError(t, f.Chown("/f", tc.owner, tc.owner))
			f.opts.Root = false
			err := f.Chown("/f", tc.uid, tc.gid)
			if tc.err == nil {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, tc.err)
			}
			fi, err := f.Stat("/f")
			require.NoError(t, err)
			st := fi.Sys().(*syscall.Stat_t)
			assert.Equal(t, tc.want, [2]uint32{st.Uid, st.Gid})
		})
	}
}
