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

// rootStraceOp is the strace child's operation for RootFs: a durable
// WriteFile of target's base name in a RootFs opened on target's
// directory. Registered in a variable initializer, which runs before every
// init function, so the child of strace_test.go finds it.
var _ = registerStraceOp("rootfs-durable", func(_ afero.Fs, target string) error {
	fsys, err := tempfs.OpenRoot(filepath.Dir(target))
	if err != nil {
		return err
	}
	werr := tempfs.WriteFile(fsys, "/"+filepath.Base(target), []byte("new"), 0o600, tempfs.NamedForTest())
	if cerr := fsys.Close(); werr == nil {
		werr = cerr
	}
	return werr
})

func registerStraceOp(name string, op func(fsys afero.Fs, target string) error) bool {
	straceOps[name] = op
	return true
}

// TestStraceRootFsDurable shows RootFs's durable write in the kernel's
// words: the temp file is created O_EXCL relative to the root's descriptor,
// written and fsynced, closed, renamed onto the target relative to the
// same descriptor, and then the directory itself (opened relative to the
// root) is fsynced. It fails if RootFs.SyncDir's fsync is dropped.
func TestStraceRootFsDurable(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "rootfs-durable")

	openRoot := stIndex(calls, 0, func(c straceCall) bool {
		return c.name == "openat" && strings.Contains(c.args, `"`+dir+`"`)
	})
	require.GreaterOrEqual(t, openRoot, 0, "the root is opened: %v", calls)
	rootFd := calls[openRoot].ret
	create := stIndex(calls, openRoot, func(c straceCall) bool {
		return c.name == "openat" && strings.HasPrefix(c.args, rootFd+`, ".target.tempfs-`) && strings.Contains(c.args, "O_EXCL")
	})
	require.GreaterOrEqual(t, create, 0, "no O_EXCL create of a temp file relative to the root fd %s: %v", rootFd, calls)
	fd := calls[create].ret
	write := stIndex(calls, create, stAnd(stNamed("write", "pwrite64", "writev"), stFdArg(fd)))
	fileSync := stIndex(calls, create, stAnd(stIsSync, stFdArg(fd)))
	closeFile := stIndex(calls, create, stAnd(stNamed("close"), stFdArg(fd)))
	rename := stIndex(calls, create, stAnd(stIsRename, func(c straceCall) bool {
		return strings.HasPrefix(c.args, rootFd+`, ".target.tempfs-`) && strings.HasSuffix(c.args, rootFd+`, "target"`)
	}))
	require.GreaterOrEqual(t, rename, 0, "no rename onto the target relative to the root fd: %v", calls)
	openDir := stIndex(calls, rename, func(c straceCall) bool {
		return c.name == "openat" && strings.HasPrefix(c.args, rootFd+`, "."`) && strings.Contains(c.args, "O_RDONLY")
	})
	require.GreaterOrEqual(t, openDir, 0, "directory not opened relative to the root after the rename: %v", calls)
	dirSync := stIndex(calls, openDir, stAnd(stIsSync, stFdArg(calls[openDir].ret)))

	assert.True(t, create < write && write < fileSync, "write then fsync of the temp file: %v", calls)
	assert.True(t, fileSync < closeFile && closeFile < rename, "fsync and close before the rename: %v", calls)
	assert.Greater(t, dirSync, rename, "fsync of the directory after the rename: %v", calls)
	assert.Equal(t, 2, stCount(calls, stIsSync), "exactly two syncs: %v", calls)
	assert.Zero(t, stCount(calls, stIsUnlink), "nothing removed on success: %v", calls)

	got, err := os.ReadFile(filepath.Join(dir, "target"))
	require.NoError(t, err)
	assert.Equal(t, "new", string(got))
}
