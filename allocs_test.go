package tempfs_test

import (
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

// TestAllocsOnMemfs pins how many allocations the hot paths make on memfs
// (the issue 13 benchmarks), so that a change that adds one shows here:
// CreateTemp+Close+Remove makes the file with its handle and the name;
// WriteFile of 4 KiB over a file makes two FileInfos (the target's, the
// temp file's), the unnamed file with its handle and the temp name, and
// keeps its PendingFile on the stack.
func TestAllocsOnMemfs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates on its own")
	}
	data := make([]byte, 4<<10)
	for _, tc := range []struct {
		name string
		max  float64
		op   func(fsys afero.Fs) error
	}{
		{"CreateTemp", 2, func(fsys afero.Fs) error {
			f, err := tempfs.CreateTemp(fsys, "/work", "bench-*")
			if err != nil {
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return fsys.Remove(f.Name())
		}},
		{"WriteFile4KiB", 4, func(fsys afero.Fs) error {
			return tempfs.WriteFile(fsys, "/work/target", data, 0o600)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fsys := memfs.New()
			require.NoError(t, fsys.MkdirAll("/work", 0o755))
			require.NoError(t, tc.op(fsys)) // the target exists, pools are warm
			var err error
			allocs := testing.AllocsPerRun(200, func() {
				if e := tc.op(fsys); e != nil {
					err = e
				}
			})
			require.NoError(t, err)
			assert.LessOrEqual(t, allocs, tc.max)
		})
	}
}
