//go:build linux

package tempfs_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The strace child's operations for unnamed files (see strace_test.go). A
// "-new" op writes a name that does not exist yet (target+"-new"; the
// warm-up writes warm-new).
var _ = registerStraceOps(map[string]func(fsys afero.Fs, target string) error{
	"unnamed-tempfile": func(fsys afero.Fs, target string) error {
		f, err := tempfs.TempFileUnnamed(fsys, filepath.Dir(target))
		if err != nil {
			return err
		}
		_, err = f.Write([]byte("scratch"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	},
	"named-createtemp": func(fsys afero.Fs, target string) error {
		f, err := tempfs.CreateTemp(fsys, filepath.Dir(target), "scratch*")
		if err != nil {
			return err
		}
		_, err = f.Write([]byte("scratch"))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if rerr := fsys.Remove(f.Name()); err == nil {
			err = rerr
		}
		return err
	},
	"unnamed-existing": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target, []byte("new"), 0o600)
	},
	"unnamed-new": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target+"-new", []byte("new"), 0o600)
	},
	"unnamed-noclobber": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target+"-new", []byte("new"), 0o600, tempfs.NoClobber())
	},
	"named-new": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target+"-new", []byte("new"), 0o600, tempfs.NamedForTest())
	},
	"named-noclobber": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target+"-new", []byte("new"), 0o600, tempfs.NoClobber(), tempfs.NamedForTest())
	},
})

func registerStraceOps(ops map[string]func(fsys afero.Fs, target string) error) bool {
	for name, op := range ops {
		registerStraceOp(name, op)
	}
	return true
}

var (
	stIsLink    = stNamed("link", "linkat")
	stIsTmpfile = func(c straceCall) bool { return c.name == "openat" && strings.Contains(c.args, "O_TMPFILE") }
)

// stNamesIn reports whether c names an entry of dir (other than dir
// itself): a call that would create, link, rename or remove a name there.
func stNamesIn(dir string) func(c straceCall) bool {
	return func(c straceCall) bool { return strings.Contains(c.args, `"`+dir+"/") }
}

// stNames lists the calls' names, for the logs and BENCHMARKS.md.
func stNames(calls []straceCall) string {
	names := make([]string, len(calls))
	for i, c := range calls {
		names[i] = c.name
	}
	return strings.Join(names, " ")
}

// TestStraceTempFileUnnamed: an unnamed temp file is one openat with
// O_TMPFILE|O_EXCL of the directory, and no call ever names anything in
// the directory; it costs no more calls than CreateTemp + Remove.
func TestStraceTempFileUnnamed(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "unnamed-tempfile")
	t.Logf("unnamed: %d calls: %s", len(calls), stNames(calls))
	require.Equal(t, 1, stCount(calls, stIsTmpfile), "one O_TMPFILE open: %v", calls)
	open := calls[stIndex(calls, 0, stIsTmpfile)]
	assert.Contains(t, open.args, `"`+dir+`"`)
	assert.Contains(t, open.args, "O_EXCL", "never linkable")
	assert.Equal(t, 1, stCount(calls, stNamed("open", "openat", "creat")), "no other open: %v", calls)
	assert.Zero(t, stCount(calls, stNamesIn(dir)), "no name in the directory at any time: %v", calls)
	assert.Zero(t, stCount(calls, stNamed("link", "linkat", "unlink", "unlinkat", "rename", "renameat", "renameat2")), "%v", calls)

	named, _ := traceOp(t, strace, "named-createtemp")
	t.Logf("named: %d calls: %s", len(named), stNames(named))
	assert.LessOrEqual(t, len(calls), len(named), "no more calls than CreateTemp + Remove")
}

// TestStraceUnnamedWrite shows the unnamed protocol of a durable WriteFile
// in the kernel's words: the temp file is opened O_TMPFILE (linkable, no
// O_EXCL) in the target's directory, written and fsynced, then linked:
// straight to a new target (one linkat, which is also NoClobber's atomic
// create), or to a temp name and renamed over an existing one; the
// directory is fsynced after the last rename or link. It makes no more
// calls than the named protocol for the same write.
func TestStraceUnnamedWrite(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	for _, tc := range []struct {
		op, named string
		target    string
		renamed   bool
	}{
		{"unnamed-existing", "durable", "target", true},
		{"unnamed-new", "named-new", "target-new", false},
		{"unnamed-noclobber", "named-noclobber", "target-new", false},
	} {
		t.Run(tc.op, func(t *testing.T) {
			t.Parallel()
			calls, dir := traceOp(t, strace, tc.op)
			t.Logf("unnamed: %d calls: %s", len(calls), stNames(calls))
			target := filepath.Join(dir, tc.target)

			create := stIndex(calls, 0, stIsTmpfile)
			require.GreaterOrEqual(t, create, 0, "no O_TMPFILE open: %v", calls)
			assert.Contains(t, calls[create].args, `"`+dir+`"`)
			assert.NotContains(t, calls[create].args, "O_EXCL", "linkable")
			assert.Equal(t, 1, stCount(calls, stIsTmpfile))
			fd := calls[create].ret
			write := stIndex(calls, create, stAnd(stNamed("write", "pwrite64", "writev"), stFdArg(fd)))
			fileSync := stIndex(calls, create, stAnd(stIsSync, stFdArg(fd)))
			link := stIndex(calls, create, stIsLink)
			require.GreaterOrEqual(t, link, 0, "no linkat: %v", calls)
			assert.Contains(t, calls[link].args, `"/proc/self/fd/`+fd+`"`)
			assert.Contains(t, calls[link].args, "AT_SYMLINK_FOLLOW")
			assert.True(t, create < write && write < fileSync && fileSync < link, "write, fsync, then link: %v", calls)
			assert.Equal(t, 1, stCount(calls, stIsLink), "one link: %v", calls)
			assert.Zero(t, stCount(calls, stIsUnlink), "nothing removed: %v", calls)
			last := link
			if tc.renamed {
				assert.Contains(t, calls[link].args, `"`+dir+"/.target.tempfs-", "linked to a temp name")
				rename := stIndex(calls, link, stIsRename)
				require.GreaterOrEqual(t, rename, 0, "no rename: %v", calls)
				assert.True(t, strings.HasSuffix(calls[rename].args, `"`+target+`"`))
				last = rename
			} else {
				assert.Contains(t, calls[link].args, `"`+target+`"`, "linked straight to the target")
				assert.Zero(t, stCount(calls, stIsRename), "no rename: %v", calls)
			}
			openDir := stIndex(calls, last, func(c straceCall) bool {
				return c.name == "openat" && strings.Contains(c.args, `"`+dir+`"`) && strings.Contains(c.args, "O_RDONLY")
			})
			require.GreaterOrEqual(t, openDir, 0, "directory not opened after the last link or rename: %v", calls)
			dirSync := stIndex(calls, openDir, stAnd(stIsSync, stFdArg(calls[openDir].ret)))
			assert.Greater(t, dirSync, last, "fsync of the directory after the last rename: %v", calls)
			assert.Equal(t, 2, stCount(calls, stIsSync), "exactly two syncs: %v", calls)

			named, _ := traceOp(t, strace, tc.named)
			t.Logf("named: %d calls: %s", len(named), stNames(named))
			assert.LessOrEqual(t, len(calls), len(named), "no more calls than the named protocol")

			got, err := os.ReadFile(target)
			require.NoError(t, err)
			assert.Equal(t, "new", string(got))
		})
	}
}

var _ = registerStraceOp("rootfs-unnamed", func(_ afero.Fs, target string) error {
	fsys, err := tempfs.OpenRoot(filepath.Dir(target))
	if err != nil {
		return err
	}
	werr := tempfs.WriteFile(fsys, "/"+filepath.Base(target), []byte("new"), 0o600)
	if cerr := fsys.Close(); werr == nil {
		werr = cerr
	}
	return werr
})

// TestStraceRootFsUnnamed: inside a RootFs the unnamed file is opened
// O_TMPFILE relative to a directory descriptor opened through the root,
// and linked relative to that descriptor by its last name element only:
// no call names a path outside the root. The file is fsynced before the
// link, and the directory, through that same descriptor, after the rename.
func TestStraceRootFsUnnamed(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "rootfs-unnamed")
	t.Logf("RootFs unnamed: %d calls: %s", len(calls), stNames(calls))
	create := stIndex(calls, 0, stIsTmpfile)
	require.GreaterOrEqual(t, create, 0, "no O_TMPFILE open: %v", calls)
	assert.Contains(t, calls[create].args, `, ".", `, "relative to a directory descriptor")
	dirFd := strings.SplitN(calls[create].args, ",", 2)[0]
	fd := calls[create].ret
	fileSync := stIndex(calls, create, stAnd(stIsSync, stFdArg(fd)))
	link := stIndex(calls, create, stIsLink)
	require.GreaterOrEqual(t, link, 0, "no linkat: %v", calls)
	assert.Contains(t, calls[link].args, `"/proc/self/fd/`+fd+`", `+dirFd+`, ".target.tempfs-`)
	rename := stIndex(calls, link, stIsRename)
	require.GreaterOrEqual(t, rename, 0)
	dirSync := stIndex(calls, rename, stAnd(stIsSync, stFdArg(dirFd)))
	require.GreaterOrEqual(t, fileSync, 0, "no fsync of the file: %v", calls)
	assert.True(t, fileSync < link && link < rename && rename < dirSync, "fsync, link, rename, fsync(dir): %v", calls)
	assert.Equal(t, 2, stCount(calls, stIsSync), "exactly two syncs: %v", calls)
	for _, c := range calls[1:] {
		assert.NotContains(t, c.args, `"`+dir, "no host path after the root is opened: %v", c)
	}
	named, _ := traceOp(t, strace, "rootfs-durable")
	t.Logf("RootFs named: %d calls: %s", len(named), stNames(named))
	assert.LessOrEqual(t, len(calls), len(named), "no more calls than the named protocol")
}

var _ = registerStraceOps(map[string]func(fsys afero.Fs, target string) error{
	"unnamedfile-persistnoclobber": func(fsys afero.Fs, target string) error {
		f, err := tempfs.NewUnnamedFile(fsys, filepath.Dir(target))
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.Write([]byte("new")); err != nil {
			return err
		}
		return f.PersistNoClobber(target + "-new")
	},
	"namedfile-persistnoclobber": func(fsys afero.Fs, target string) error {
		f, err := tempfs.NewFile(fsys, filepath.Dir(target), "new*")
		if err != nil {
			return err
		}
		defer f.Close()
		if _, err := f.Write([]byte("new")); err != nil {
			return err
		}
		return f.PersistNoClobber(target + "-new")
	},
})

// TestStraceUnnamedFilePersistNoClobber: PersistNoClobber of an
// unnamed-born File moves it with a single linkat (no unlink, no rename),
// after the file's fsync and before the directory's, in no more calls than
// a named File's link and unlink.
func TestStraceUnnamedFilePersistNoClobber(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "unnamedfile-persistnoclobber")
	t.Logf("unnamed: %d calls: %s", len(calls), stNames(calls))
	require.Equal(t, 1, stCount(calls, stIsLink), "one linkat: %v", calls)
	link := stIndex(calls, 0, stIsLink)
	assert.Contains(t, calls[link].args, `"`+filepath.Join(dir, "target-new")+`"`)
	assert.Zero(t, stCount(calls, stIsUnlink), "%v", calls)
	assert.Zero(t, stCount(calls, stIsRename), "%v", calls)
	fileSync := stIndex(calls, 0, stIsSync)
	dirSync := stIndex(calls, link, stIsSync)
	assert.True(t, fileSync >= 0 && fileSync < link && dirSync > link, "fsync(file), linkat, fsync(dir): %v", calls)
	named, _ := traceOp(t, strace, "namedfile-persistnoclobber")
	t.Logf("named: %d calls: %s", len(named), stNames(named))
	assert.LessOrEqual(t, len(calls), len(named))
}
