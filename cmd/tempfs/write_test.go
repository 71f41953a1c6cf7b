package main

import (
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// lines returns n lines of text, different for each seed.
func lines(seed uint64, n int) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for i := range n {
		fmt.Fprintf(&b, "line %06d %016x %s\n", i, r.Uint64(), strings.Repeat("abcxyz", 1+r.IntN(8)))
	}
	return b.Bytes()
}

// dirNames lists dir's entries.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWrite(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		existing fs.FileMode // 0: no file before
		args     []string
		wantMode fs.FileMode
	}{
		{"new file, default mode", 0, nil, 0o644},
		{"new file, -mode", 0, []string{"-mode", "0640"}, 0o640},
		{"new file, -keep-mode takes -mode", 0, []string{"-keep-mode", "-mode", "600"}, 0o600},
		{"existing file keeps its mode without -mode", 0o600, nil, 0o600},
		{"existing file gets -mode", 0o600, []string{"-mode", "0644"}, 0o644},
		{"existing file, -keep-mode", 0o600, []string{"-keep-mode", "-mode", "0644"}, 0o600},
		{"-no-sync", 0o640, []string{"-no-sync"}, 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			target := filepath.Join(dir, "f")
			if tt.existing != 0 {
				require.NoError(t, os.WriteFile(target, []byte("old"), tt.existing))
				require.NoError(t, os.Chmod(target, tt.existing))
			}
			// umask 022 for the command, whatever the test's is.
			args := append([]string{"-c", `umask 022; exec "$@"`, "sh", binary, "write"}, tt.args...)
			r := runCmd(t, exec.Command("sh", append(args, target)...), strings.NewReader("new content\n"))
			require.Zero(t, r.code, r.stderr)
			assert.Empty(t, r.stderr+r.stdout)
			got, err := os.ReadFile(target)
			require.NoError(t, err)
			assert.Equal(t, "new content\n", string(got))
			fi, err := os.Stat(target)
			require.NoError(t, err)
			assert.Equal(t, tt.wantMode, fi.Mode().Perm())
			assert.Equal(t, []string{"f"}, dirNames(t, dir), "no temp file left")
		})
	}
}

func TestWriteParents(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "a", "b", "f")
	r := run(t, strings.NewReader("x"), "write", target)
	requireOneLineError(t, r, "write")
	r = run(t, strings.NewReader("x"), "write", "-parents", target)
	require.Zero(t, r.code, r.stderr)
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "x", string(got))
}

func TestWriteFileURL(t *testing.T) {
	t.Parallel()
	target := filepath.Join(t.TempDir(), "f")
	r := run(t, strings.NewReader("via url"), "write", "file://"+filepath.ToSlash(target))
	require.Zero(t, r.code, r.stderr)
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "via url", string(got))
}

// TestWriteFailedInputKeepsTarget: when standard input cannot be read (here
// it is a directory), TARGET keeps its content and no temp file is left.
func TestWriteFailedInputKeepsTarget(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	target := filepath.Join(dir, "f")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o644))
	in, err := os.Open(dir)
	require.NoError(t, err)
	t.Cleanup(func() { in.Close() })
	r := run(t, in, "write", target)
	requireOneLineError(t, r, "write")
	assert.Contains(t, r.stderr, "is a directory")
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "old", string(got))
	assert.Equal(t, []string{"f"}, dirNames(t, dir))
}

// TestWriteSponge: TARGET may be the command's own input, read while it is
// being replaced, as with moreutils' sponge. The file is far larger than a
// pipe's buffer, so the filter is still reading TARGET while tempfs
// writes. The control row shows that the test catches a truncating
// writer: the shell's own redirection loses the data.
func TestWriteSponge(t *testing.T) {
	t.Parallel()
	content := lines(1, 20000) // about 800 kB
	upper := bytes.ToUpper(content)
	sorted := strings.Split(strings.TrimSuffix(string(content), "\n"), "\n")
	sort.Sort(sort.Reverse(sort.StringSlice(sorted)))
	reversed := []byte(strings.Join(sorted, "\n") + "\n")
	tests := []struct {
		name   string
		script string
		want   []byte
		lost   bool // the control: expect the data to be lost
	}{
		{"tr, streaming", `tr a-z A-Z < f | "$T" write f`, upper, false},
		{"cat, streaming", `cat f | "$T" write f`, content, false},
		{"sort", `LC_ALL=C sort -r f | "$T" write f`, reversed, false},
		{"own input", `"$T" write f < f`, content, false},
		{"control: shell redirection truncates first", `tr a-z A-Z < f > f`, upper, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			target := filepath.Join(dir, "f")
			require.NoError(t, os.WriteFile(target, content, 0o644))
			cmd := exec.Command("sh", "-c", tt.script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "T="+binary)
			r := runCmd(t, cmd, nil)
			require.Zero(t, r.code, r.stderr)
			got, err := os.ReadFile(target)
			require.NoError(t, err)
			if tt.lost {
				assert.NotEqual(t, len(tt.want), len(got), "the control lost data")
				return
			}
			assert.Equal(t, len(tt.want), len(got))
			assert.True(t, bytes.Equal(tt.want, got), "content as the filter made it")
			assert.Equal(t, []string{"f"}, dirNames(t, dir))
		})
	}
}

// TestWriteSIGKILL kills `tempfs write` at random points and checks that
// TARGET always holds one whole version, the old or the new. Half the
// kills land while the input is being read (after a random number of
// bytes), half after the input ended, at a random time up to 1.5 times a
// whole write's duration, so they fall in the fsyncs, the rename and
// after. Then `tempfs sweep -older-than 0` removes every temp file the
// killed writers left, and nothing else.
func TestWriteSIGKILL(t *testing.T) {
	runs := 200
	if testing.Short() {
		runs = 10 // a smoke run; the full loop is 200
	}
	dir := t.TempDir()
	killLoop(t, dir, filepath.Join(dir, "target"), nil, runs)
}

// killLoop is TestWriteSIGKILL's loop: target is the file in dir, as
// `tempfs write` names it (a path or a URL), env the command's extra
// environment.
func killLoop(t *testing.T, dir, targetArg string, env []string, runs int) {
	t.Helper()
	target := filepath.Join(dir, "target")
	command := func(args ...string) *exec.Cmd {
		cmd := tempfsCmd(args...)
		cmd.Env = append(os.Environ(), env...)
		return cmd
	}
	versions := [][]byte{lines(10, 3000), lines(11, 5000)} // ~120 kB and ~200 kB
	require.NoError(t, os.WriteFile(target, versions[0], 0o644))

	// How long a whole write takes here.
	var durations []time.Duration
	for i := range 5 {
		start := time.Now()
		r := runCmd(t, command("write", targetArg), bytes.NewReader(versions[(i+1)%2]))
		require.Zero(t, r.code, r.stderr)
		durations = append(durations, time.Since(start))
	}
	sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
	whole := durations[len(durations)/2]
	t.Logf("a whole write takes %v (median of 5)", whole)
	current := 1 // the index of the version in target: the 5 writes ended with versions[1]

	outcomes := map[string]int{}
	for i := range runs {
		next := versions[1-current]
		cmd := command("write", targetArg)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		duringInput := i%2 == 0
		if duringInput {
			n := rand.IntN(len(next))
			_, _ = stdin.Write(next[:n])
		} else {
			_, _ = stdin.Write(next)
			stdin.Close()
			// The delay picks the kill point; it synchronises nothing.
			time.Sleep(time.Duration(rand.Int64N(int64(whole) * 3 / 2)))
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		stdin.Close()

		got, err := os.ReadFile(target)
		require.NoError(t, err, "run %d: target must exist", i)
		switch {
		case bytes.Equal(got, versions[current]):
			outcomes["old"]++
		case bytes.Equal(got, next):
			outcomes["new"]++
			current = 1 - current
		default:
			require.Failf(t, "torn target", "run %d: target has %d bytes, neither the old (%d) nor the new (%d) version", i, len(got), len(versions[current]), len(next))
		}
	}
	t.Logf("%d kills: %v", runs, outcomes)
	assert.Equal(t, runs, outcomes["old"]+outcomes["new"])
	assert.NotZero(t, outcomes["new"], "some kills must land after the rename")
	assert.NotZero(t, outcomes["old"], "some kills must land before the rename")

	// Sweep removes exactly the temp files the killed writers left.
	var orphans []string
	for _, n := range dirNames(t, dir) {
		if n != "target" {
			require.True(t, tempfs.IsTempName(n), "only temp files beside the target: %q", n)
			orphans = append(orphans, filepath.Join(dir, n))
		}
	}
	t.Logf("%d orphaned temp files", len(orphans))
	sweepArg := strings.TrimSuffix(targetArg, "/target")
	r := runCmd(t, command("sweep", "-older-than", "0", sweepArg), nil)
	require.Zero(t, r.code, r.stderr)
	sort.Strings(orphans)
	var swept []string
	for _, l := range nonEmptyLines(r.stdout) {
		swept = append(swept, filepath.Join(dir, strings.TrimPrefix(l, sweepArg)))
	}
	assert.Equal(t, orphans, swept)
	assert.Equal(t, []string{"target"}, dirNames(t, dir))
}

// nonEmptyLines splits output into lines, dropping empty ones.
func nonEmptyLines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}
