//go:build unix

package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startRun starts `tempfs run -dir parent ARGS... -- sh -c script` and
// returns the command, the first line the script prints (it prints its
// directory first) and a reader of the rest.
func startRun(t *testing.T, parent string, args []string, script string, env ...string) (*exec.Cmd, string, *bufio.Reader, *lockedBuilder) {
	t.Helper()
	argv := append([]string{"run", "-dir", parent}, args...)
	cmd := tempfsCmd(append(argv, "--", "sh", "-c", script)...)
	cmd.Env = append(os.Environ(), env...)
	// Its own process group, so that the cleanup can end CMD too when a
	// broken tempfs left it running; signals in the tests go to tempfs
	// alone.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.WaitDelay = 5 * time.Second
	var stderr lockedBuilder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
	rest := bufio.NewReader(out)
	line, err := rest.ReadString('\n')
	require.NoError(t, err, "the command's first line; stderr: %s", stderr.String())
	return cmd, strings.TrimSpace(line), rest, &stderr
}

// exitCode waits for cmd, at most a minute, and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var err error
	select {
	case err = <-done:
	case <-time.After(time.Minute):
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
		<-done
		require.FailNow(t, "tempfs run did not end within a minute")
	}
	if err == nil {
		return 0
	}
	ee, ok := err.(*exec.ExitError)
	require.True(t, ok, "%v", err)
	return ee.ExitCode()
}

// lockedBuilder is a strings.Builder written by exec's goroutine and read
// by the test.
type lockedBuilder struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuilder) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuilder) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRun: CMD runs in a fresh directory that is its working directory and
// $TMPDIR, its exit status is passed through, and the directory is gone
// afterwards: on a normal exit, a non-zero exit, and when tempfs gets
// SIGTERM or SIGINT (forwarded to CMD).
func TestRun(t *testing.T) {
	t.Parallel()
	// The script prints its directory, fills it (a read-only subtree too),
	// then ends as the test says.
	const fill = `pwd; [ "$TMPDIR" = "$(pwd)" ] && [ "$TEMPFS_DIR" = "$(pwd)" ] || exit 99; mkdir -p a/b; echo x > a/b/f; chmod -R a-w a; `
	tests := []struct {
		name   string
		trap   string // set up before "ready"
		ending string // the rest of the script
		signal syscall.Signal
		want   int
	}{
		{"normal exit", "", "exit 0", 0, 0},
		{"non-zero exit", "", "exit 3", 0, 3},
		{"SIGTERM kills CMD", "", "exec sleep 600", syscall.SIGTERM, 128 + 15},
		{"SIGINT kills CMD", "", "exec sleep 600", syscall.SIGINT, 128 + 2},
		{"SIGTERM reaches CMD's trap", `trap 'exit 7' TERM;`, `while :; do sleep 0.05; done`, syscall.SIGTERM, 7},
		{"SIGINT reaches CMD's trap", `trap 'exit 9' INT;`, `while :; do sleep 0.05; done`, syscall.SIGINT, 9},
		{"CMD killed by a signal of its own", "", `kill -KILL $$`, 0, 128 + 9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			parent := t.TempDir()
			script := fill + tt.trap + ` echo ready; ` + tt.ending
			cmd, dir, rest, stderr := startRun(t, parent, nil, script)
			assert.Equal(t, parent, filepath.Dir(dir))
			assert.True(t, strings.HasPrefix(filepath.Base(dir), "tempfs-run-"), dir)
			if tt.signal != 0 {
				// "ready" comes after the fill and the trap.
				line, err := rest.ReadString('\n')
				require.NoError(t, err, "stderr: %s", stderr.String())
				require.Equal(t, "ready\n", line)
				require.DirExists(t, filepath.Join(dir, "a", "b"))
				require.NoError(t, cmd.Process.Signal(tt.signal))
			}
			assert.Equal(t, tt.want, exitCode(t, cmd), "stderr: %s", stderr.String())
			assert.NoDirExists(t, dir)
			assert.Empty(t, dirNames(t, parent))
		})
	}
}

func TestRunKeep(t *testing.T) {
	t.Parallel()
	parent := t.TempDir()
	cmd, dir, _, stderr := startRun(t, parent, []string{"-keep", "-pattern", "job-*.d"}, `pwd; echo x > f`)
	require.Equal(t, 0, exitCode(t, cmd), stderr.String())
	assert.Equal(t, "tempfs run: keeping "+dir+"\n", stderr.String())
	assert.Regexp(t, `^job-[0-9a-v]{13}\.d$`, filepath.Base(dir))
	assert.FileExists(t, filepath.Join(dir, "f"))
	fi, err := os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), fi.Mode().Perm(), "0700 before umask; the test's umask keeps owner bits")
}

func TestRunDefaultDirAndFailures(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	// Without -dir the directory is made in $TMPDIR.
	cmd := tempfsCmd("run", "--", "sh", "-c", "pwd")
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	r := runCmd(t, cmd, nil)
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, tmp, filepath.Dir(strings.TrimSpace(r.stdout)))
	assert.Empty(t, dirNames(t, tmp))

	tests := []struct {
		name string
		argv []string
		want int
	}{
		{"not found", []string{"no-such-command-tempfs"}, 127},
		{"not executable", []string{filepath.Join(tmp, "plain")}, 126},
	}
	require.NoError(t, os.WriteFile(filepath.Join(tmp, "plain"), []byte("x"), 0o644))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := tempfsCmd(append([]string{"run", "-dir", tmp, "--"}, tt.argv...)...)
			r := runCmd(t, cmd, nil)
			assert.Equal(t, tt.want, r.code)
			requireOneLineError(t, r, "run")
			assert.Equal(t, []string{"plain"}, dirNames(t, tmp))
		})
	}
}
