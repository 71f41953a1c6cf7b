//go:build linux

package tempfs_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The strace tests run this test binary again under strace -f, as a child
// that does one write between two marker syscalls (a failing lstat of
// straceBegin and straceEnd) on a goroutine locked to its OS thread; the
// parent reads that thread's calls between the markers.
const (
	straceOpEnv  = "TEMPFS_STRACE_OP"
	straceDirEnv = "TEMPFS_STRACE_DIR"
	straceBegin  = "/tempfs-strace-begin"
	straceEnd    = "/tempfs-strace-end"
	straceFilter = "trace=%file,%desc,fsync,fdatasync,sync_file_range,rename,renameat,renameat2"
)

// straceOps are the operations the child can do on dir/target, which
// exists with mode 0o644. These run the named protocol (NamedForTest);
// unnamed_strace_test.go traces the unnamed one.
var straceOps = map[string]func(fsys afero.Fs, target string) error{
	"durable": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target, []byte("new"), 0o600, tempfs.NamedForTest())
	},
	"nosync": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target, []byte("new"), 0o600, tempfs.NoSync(), tempfs.NamedForTest())
	},
	"staticperms": func(fsys afero.Fs, target string) error {
		return tempfs.WriteFile(fsys, target, []byte("new"), 0o600, tempfs.WithStaticPermissions(0o666), tempfs.NamedForTest())
	},
	"writereader": func(fsys afero.Fs, target string) error {
		return tempfs.WriteReader(fsys, target, strings.NewReader("new"), 0o600, tempfs.NamedForTest())
	},
}

func init() {
	if op := os.Getenv(straceOpEnv); op != "" {
		os.Exit(straceChild(op, os.Getenv(straceDirEnv)))
	}
}

// straceChild does op once unmarked (so one-time setup is not counted) and
// once between the markers.
func straceChild(op, dir string) int {
	fn, ok := straceOps[op]
	if !ok || dir == "" {
		return 2
	}
	runtime.LockOSThread()
	fsys := afero.NewOsFs()
	if err := fn(fsys, filepath.Join(dir, "warm")); err != nil {
		return 1
	}
	_, _ = os.Lstat(straceBegin)
	err := fn(fsys, filepath.Join(dir, "target"))
	_, _ = os.Lstat(straceEnd)
	if err != nil {
		return 1
	}
	return 0
}

// requireStrace returns strace's path. Without strace the test fails under
// CI=true (CI installs it: .ci/install-bench-tools.sh) and is skipped,
// visibly, elsewhere.
func requireStrace(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("strace")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("strace not found under CI=true: %v", err)
		}
		t.Skipf("strace not installed: %v", err)
	}
	return path
}

var (
	straceLine       = regexp.MustCompile(`^(\d+)\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)`)
	straceUnfinished = regexp.MustCompile(`^(\d+)\s+(\w+)\((.*) <unfinished \.\.\.>$`)
	straceResumed    = regexp.MustCompile(`^(\d+)\s+<\.\.\. (\w+) resumed>(.*)\)\s+=\s+(-?\d+|\?)`)
)

// straceCall is one call as strace printed it.
type straceCall struct {
	name, args, ret string
}

// traceOp runs op under strace in a fresh directory and returns the calls
// between the markers, and the directory.
func traceOp(t *testing.T, strace, op string) ([]straceCall, string) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{"warm", "target"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte("old"), 0o644))
	}
	out := filepath.Join(t.TempDir(), "strace.out")
	cmd := exec.Command(strace, "-f", "-qq", "-o", out, "-e", straceFilter, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), straceOpEnv+"="+op, straceDirEnv+"="+dir)
	combined, err := cmd.CombinedOutput()
	require.NoError(t, err, "strace child: %s", combined)
	raw, err := os.ReadFile(out)
	require.NoError(t, err)

	var (
		tid    string
		calls  []straceCall
		inside bool
	)
	sc := bufio.NewScanner(bytes.NewReader(raw))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	pending := map[string][]string{} // tid -> unfinished call's name, args
	for sc.Scan() {
		line := sc.Text()
		m := straceLine.FindStringSubmatch(line)
		// A call another thread's output interrupted comes in two halves.
		if u := straceUnfinished.FindStringSubmatch(line); u != nil {
			pending[u[1]] = u[2:4]
			continue
		}
		if r := straceResumed.FindStringSubmatch(line); r != nil {
			if p, ok := pending[r[1]]; ok && p[0] == r[2] {
				m = []string{line, r[1], r[2], p[1] + r[3], r[4]}
				delete(pending, r[1])
			}
		}
		if m == nil {
			continue // signals, exits
		}
		if !inside {
			if strings.Contains(m[3], `"`+straceBegin+`"`) {
				tid, inside = m[1], true
			}
			continue
		}
		if m[1] != tid || m[2] == "mmap" || m[2] == "munmap" {
			continue
		}
		if strings.Contains(m[3], `"`+straceEnd+`"`) {
			return calls, dir
		}
		calls = append(calls, straceCall{name: m[2], args: m[3], ret: m[4]})
	}
	t.Fatalf("markers not found in strace output:\n%s", raw)
	return nil, ""
}

// index returns the index of the first call at or after from for which
// match is true, or -1.
func stIndex(calls []straceCall, from int, match func(c straceCall) bool) int {
	for i := from; i < len(calls); i++ {
		if match(calls[i]) {
			return i
		}
	}
	return -1
}

func stCount(calls []straceCall, match func(c straceCall) bool) int {
	n := 0
	for _, c := range calls {
		if match(c) {
			n++
		}
	}
	return n
}

func stNamed(names ...string) func(c straceCall) bool {
	return func(c straceCall) bool {
		for _, n := range names {
			if c.name == n {
				return true
			}
		}
		return false
	}
}

func stFdArg(fd string) func(c straceCall) bool {
	return func(c straceCall) bool { return strings.HasPrefix(c.args, fd+",") || c.args == fd }
}

func stAnd(a, b func(c straceCall) bool) func(c straceCall) bool {
	return func(c straceCall) bool { return a(c) && b(c) }
}

var (
	stIsSync   = stNamed("fsync", "fdatasync", "sync_file_range", "syncfs", "sync")
	stIsRename = stNamed("rename", "renameat", "renameat2")
	stIsChmod  = stNamed("chmod", "fchmod", "fchmodat", "fchmodat2")
	stIsStat   = stNamed("stat", "lstat", "newfstatat", "statx", "fstatat64")
	stIsUnlink = stNamed("unlink", "unlinkat")
)

// TestStraceWriteFileDurable shows the durable protocol in the kernel's own
// words: the temp file is created O_EXCL beside the target, written and
// fsynced before the rename; the directory is opened and fsynced after it;
// and nothing else: no chmod, no unlink, no stat of the target except the
// one os.Rename itself makes right before renameat (to refuse a directory).
func TestStraceWriteFileDurable(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	for _, op := range []string{"durable", "writereader"} {
		t.Run(op, func(t *testing.T) {
			t.Parallel()
			calls, dir := traceOp(t, strace, op)
			target := filepath.Join(dir, "target")

			create := stIndex(calls, 0, func(c straceCall) bool {
				return c.name == "openat" && strings.Contains(c.args, `"`+dir+"/.target.tempfs-") && strings.Contains(c.args, "O_EXCL")
			})
			require.GreaterOrEqual(t, create, 0, "no O_EXCL create of a temp file in %s: %v", dir, calls)
			fd := calls[create].ret
			write := stIndex(calls, create, stAnd(stNamed("write", "pwrite64", "writev"), stFdArg(fd)))
			fileSync := stIndex(calls, create, stAnd(stIsSync, stFdArg(fd)))
			closeFile := stIndex(calls, create, stAnd(stNamed("close"), stFdArg(fd)))
			rename := stIndex(calls, create, stAnd(stIsRename, func(c straceCall) bool { return strings.HasSuffix(c.args, `"`+target+`"`) }))
			require.GreaterOrEqual(t, rename, 0, "no rename onto the target: %v", calls)
			openDir := stIndex(calls, rename, func(c straceCall) bool {
				return c.name == "openat" && strings.Contains(c.args, `"`+dir+`"`) && strings.Contains(c.args, "O_RDONLY")
			})
			require.GreaterOrEqual(t, openDir, 0, "directory not opened after the rename: %v", calls)
			dirSync := stIndex(calls, openDir, stAnd(stIsSync, stFdArg(calls[openDir].ret)))

			assert.True(t, create < write && write < fileSync, "write then fsync of the temp file: %v", calls)
			assert.True(t, fileSync < closeFile && closeFile < rename, "fsync and close before the rename: %v", calls)
			assert.Greater(t, dirSync, rename, "fsync of the directory after the rename: %v", calls)
			assert.Equal(t, 2, stCount(calls, stIsSync), "exactly two syncs: %v", calls)
			// The temp file is created owner-only (0600) and given the
			// target's mode through its descriptor before any data is
			// written (issue 17: never readable by others meanwhile).
			assert.Equal(t, 1, stCount(calls, stIsChmod), "one chmod: %v", calls)
			if fchmod := stIndex(calls, create, stAnd(stNamed("fchmod"), stFdArg(fd))); assert.GreaterOrEqual(t, fchmod, 0, "fchmod of the temp file's descriptor: %v", calls) {
				assert.Less(t, fchmod, write, "mode set before the first write: %v", calls)
			}
			assert.Zero(t, stCount(calls, stIsUnlink), "nothing removed on success: %v", calls)
			fi, err := os.Stat(target)
			require.NoError(t, err)
			assert.Equal(t, os.FileMode(0o644), fi.Mode().Perm(), "an existing target keeps its mode (issue 17)")
			// Two lstats of the target: tempfs's one look before the temp
			// file exists (a directory is refused before any data is
			// read, issue 11.6), and os.Rename's own right before renameat.
			stats := stCount(calls, stIsStat)
			assert.Equal(t, 2, stats, "one look before the create, and os.Rename's own lstat: %v", calls)
			look := stIndex(calls, 0, stIsStat)
			assert.True(t, look >= 0 && look < create && strings.Contains(calls[look].args, `"`+target+`"`),
				"the look at the target comes before the temp file is created: %v", calls)
			assert.True(t, stIsStat(calls[rename-1]) && strings.Contains(calls[rename-1].args, `"`+target+`"`),
				"the other stat is os.Rename's, right before renameat: %v", calls)
		})
	}
}

// TestStraceWriteFileNoSync: NoSync makes no sync call of any kind and
// does not open the directory.
func TestStraceWriteFileNoSync(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "nosync")
	assert.Zero(t, stCount(calls, stIsSync), "no fsync with NoSync: %v", calls)
	assert.Equal(t, 1, stCount(calls, stIsRename), "still one rename: %v", calls)
	assert.Equal(t, -1, stIndex(calls, 0, func(c straceCall) bool {
		return c.name == "openat" && strings.Contains(c.args, `"`+dir+`"`)
	}), "directory not opened: %v", calls)
	assert.Equal(t, 1, stCount(calls, stIsChmod), "one fchmod: the target's mode, set on the owner-only temp file: %v", calls)
}

// TestStraceWriteFileExistingPerms: the one option that asks for a chmod
// and a stat of the target gets exactly those on top of the durable
// sequence, and the chmod happens before the rename.
func TestStraceWriteFileStaticPerms(t *testing.T) {
	t.Parallel()
	strace := requireStrace(t)
	calls, dir := traceOp(t, strace, "staticperms")
	chmod := stIndex(calls, 0, stIsChmod)
	rename := stIndex(calls, 0, stIsRename)
	require.GreaterOrEqual(t, chmod, 0, "chmod with WithStaticPermissions: %v", calls)
	assert.Less(t, chmod, rename, "chmod before the rename: %v", calls)
	assert.Less(t, chmod, stIndex(calls, 0, stIsSync), "chmod before the file's fsync, so the mode is durable with the data: %v", calls)
	assert.Equal(t, 1, stCount(calls, stIsChmod), "one chmod: %v", calls)
	assert.Equal(t, 2, stCount(calls, stIsStat), "our lstat of the target plus os.Rename's: %v", calls)
	assert.Equal(t, 2, stCount(calls, stIsSync), "still durable: %v", calls)
	fi, err := os.Stat(filepath.Join(dir, "target"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o666), fi.Mode().Perm(), "the static mode, umask ignored")
}
