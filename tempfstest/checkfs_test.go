package tempfstest_test

import (
	"os"
	"sort"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// failedChecks returns the sorted names of the checks err reports.
func failedChecks(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	var names []string
	for _, e := range errs {
		var ce *tempfstest.CheckError
		require.ErrorAs(t, e, &ce, "every divergence is a *CheckError")
		names = append(names, ce.Check)
	}
	sort.Strings(names)
	return names
}

// TestCheckFsBackends is the table of docs/checkfs.md: for each afero
// backend, exactly which checks fail. Each failure is a divergence listed
// in docs/checkfs.md.
func TestCheckFsBackends(t *testing.T) {
	t.Parallel()
	memDivergences := []string{
		"create-excl-concurrent", "create-missing-parent", "mkdir-missing-parent",
		"readat-eof", "remove-nonempty-dir", "rename-into-self", "rename-onto-dir",
		"seek-negative", "writeat-offset",
	}
	cowDivergences := []string{
		"create-excl-concurrent", "mkdir-existing", "mkdir-missing-parent",
		"readat-eof", "remove-nonempty-dir", "rename-into-self", "rename-onto-dir",
		"seek-negative", "writeat-offset",
	}
	// As root the disk ignores permission bits too, and the check is
	// skipped; as anyone else MemMapFs's ignoring them is a divergence.
	// CrashFs stores permission bits but does not enforce them.
	var crashDivergences []string
	if os.Geteuid() != 0 {
		memDivergences = append(memDivergences, "permissions")
		cowDivergences = append(cowDivergences, "permissions")
		crashDivergences = []string{"permissions"}
	}
	sort.Strings(memDivergences)
	sort.Strings(cowDivergences)
	tests := []struct {
		name string
		fsys func(t *testing.T) afero.Fs
		want []string
	}{
		{"OsFs", func(*testing.T) afero.Fs { return afero.NewOsFs() }, nil},
		{"CrashFs", func(*testing.T) afero.Fs { return tempfstest.NewCrashFs() }, crashDivergences},
		{"memfs", func(*testing.T) afero.Fs { return memfs.New() }, nil},
		// BasePathFs prefixes a relative link target with its base.
		{"BasePathFs(OsFs)", func(t *testing.T) afero.Fs {
			return afero.NewBasePathFs(afero.NewOsFs(), t.TempDir())
		}, []string{"symlinks"}},
		{"RootFs", func(t *testing.T) afero.Fs {
			r, err := tempfs.OpenRoot(t.TempDir())
			require.NoError(t, err)
			t.Cleanup(func() { r.Close() })
			return r
		}, nil},
		{"MemMapFs", func(*testing.T) afero.Fs { return afero.NewMemMapFs() }, memDivergences},
		{"BasePathFs(MemMapFs)", func(*testing.T) afero.Fs {
			src := afero.NewMemMapFs()
			if err := src.MkdirAll("/base", 0o755); err != nil {
				t.Fatal(err)
			}
			return afero.NewBasePathFs(src, "/base")
		}, memDivergences},
		{"CopyOnWriteFs(MemMapFs, MemMapFs)", func(*testing.T) afero.Fs {
			return afero.NewCopyOnWriteFs(afero.NewMemMapFs(), afero.NewMemMapFs())
		}, cowDivergences},
		{"ReadOnlyFs(MemMapFs)", func(*testing.T) afero.Fs {
			return afero.NewReadOnlyFs(afero.NewMemMapFs())
		}, []string{"scratch"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// "create-excl-concurrent" finds a race, which a loaded
			// machine can miss in one run: run CheckFs again (at most
			// maxRuns times) until every expected divergence showed up.
			// Each run must report no divergence outside the expected set.
			const maxRuns = 5
			var got []string
			for range maxRuns {
				err := tempfstest.CheckFs(tc.fsys(t))
				got = failedChecks(t, err)
				require.Subset(t, tc.want, got, "unexpected failing checks; all: %v", err)
				if len(got) == len(tc.want) {
					break
				}
			}
			assert.Equal(t, tc.want, got, "failing checks after %d runs", maxRuns)
		})
	}
}

func TestCheckFsReadOnlyIsPermission(t *testing.T) {
	t.Parallel()
	err := tempfstest.CheckFs(afero.NewReadOnlyFs(afero.NewMemMapFs()))
	var ce *tempfstest.CheckError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "scratch", ce.Check)
	assert.ErrorIs(t, err, syscall.EPERM, "ReadOnlyFs refuses every write with EPERM")
}

func TestCheckFsLeavesNothing(t *testing.T) {
	t.Parallel()
	fsys := tempfstest.NewCrashFs()
	require.NoError(t, tempfstest.CheckFs(fsys))
	names, err := afero.ReadDir(fsys, "/tmp")
	require.NoError(t, err)
	assert.Empty(t, names, "CheckFs removes its scratch directory")
}

func TestCheckNames(t *testing.T) {
	t.Parallel()
	names := tempfstest.CheckNames()
	assert.Contains(t, names, "create-excl-concurrent")
	assert.Contains(t, names, "rename-onto-dir")
	seen := map[string]bool{}
	for _, n := range names {
		assert.False(t, seen[n], "duplicate check %s", n)
		seen[n] = true
	}
}

// TestCheckFsNewChecksBite shows that each check added for memfs fails on a
// file system that breaks its rule: memfs acting as root ignores
// permissions (which the permissions check catches as a non-root process),
// and a wrapper that hides what each check looks at.
func TestCheckFsNewChecksBite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		fsys  afero.Fs
		check string
	}{
		{"symlinks followed by Lstat", lstatFollows{memfs.New()}, "symlinks"},
		{"no link count", noLinks{memfs.New()}, "hard-links"},
		{"Readdir ignores n", readdirAll{memfs.New()}, "readdir-paging"},
		{"Rename over empties the open file", renameTruncates{memfs.New()}, "unlinked-open"},
	}
	if os.Geteuid() != 0 {
		tests = append(tests, struct {
			name  string
			fsys  afero.Fs
			check string
		}{"root ignores permissions", memfs.NewWith(memfs.Options{Root: true, Umask: 0o022}), "permissions"})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			assert.Contains(t, failedChecks(t, tempfstest.CheckFs(tc.fsys)), tc.check)
		})
	}
}
