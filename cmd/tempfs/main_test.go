package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// binary is the tempfs command built by TestMain; the end-to-end tests
// drive it as a user would.
var binary string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "tempfs-cmd-test-*")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "tempfs")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
		// The race runtime sleeps a second at exit by default; the
		// binary runs a few hundred times.
		os.Setenv("GORACE", strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	}
	cmd := exec.Command("go", append(args, ".")...)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building tempfs:", err)
		return 1
	}
	return m.Run()
}

// result is what one run of the command did.
type result struct {
	stdout, stderr string
	code           int
}

// tempfsCmd returns an unstarted command running the binary with args.
func tempfsCmd(args ...string) *exec.Cmd {
	return exec.Command(binary, args...)
}

// run runs the binary with stdin and args, in dir if not "".
func run(t *testing.T, stdin io.Reader, args ...string) result {
	t.Helper()
	return runCmd(t, tempfsCmd(args...), stdin)
}

func runCmd(t *testing.T, cmd *exec.Cmd, stdin io.Reader) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, &stdout, &stderr
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return result{stdout.String(), stderr.String(), code}
}

// requireOneLineError checks the shape of every failure message: one line
// on stderr, starting with the command's name, no Go panic or stack trace.
func requireOneLineError(t *testing.T, r result, cmd string) {
	t.Helper()
	require.NotZero(t, r.code, "stderr: %s", r.stderr)
	assert.Equal(t, 1, strings.Count(r.stderr, "\n"), "one line on stderr: %q", r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "tempfs "+cmd+": "), "starts with the command: %q", r.stderr)
	assert.NotContains(t, r.stderr, "goroutine")
	assert.NotContains(t, r.stderr, "panic")
}

func TestUsage(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		code     int
		inStderr string
	}{
		{"no arguments", nil, 2, "Usage:"},
		{"help", []string{"help"}, 0, "Commands:"},
		{"help write", []string{"help", "write"}, 0, "usage: tempfs write"},
		{"unknown command", []string{"frob"}, 2, `unknown command "frob"`},
		{"write -h", []string{"write", "-h"}, 0, "usage: tempfs write"},
		{"sweep -h", []string{"sweep", "-h"}, 0, "usage: tempfs sweep"},
		{"run -h", []string{"run", "-h"}, 0, "usage: tempfs run"},
		{"mktemp -h", []string{"mktemp", "-h"}, 0, "usage: tempfs mktemp"},
		{"bad flag", []string{"write", "-frob", "x"}, 2, "flag provided but not defined: -frob"},
		{"bad mode", []string{"write", "-mode", "999", "x"}, 2, "want octal permission bits"},
		{"write without target", []string{"write"}, 2, "want exactly one TARGET"},
		{"write two targets", []string{"write", "a", "b"}, 2, "want exactly one TARGET"},
		{"sweep without dir", []string{"sweep"}, 2, "want at least one DIR"},
		{"sweep negative age", []string{"sweep", "-older-than", "-1s", dir}, 2, "is negative"},
		{"run without command", []string{"run"}, 2, "want a command to run"},
		{"mktemp two templates", []string{"mktemp", "aXXX", "bXXX"}, 2, "at most one TEMPLATE"},
		{"s3 without bucket", []string{"write", "s3:///key"}, 2, `has no bucket`},
		{"s3 with credentials", []string{"run", "-dir", "s3://user:pw@bucket/p", "--", "true"}, 2, "want s3://bucket/key"},
		{"unknown scheme", []string{"sweep", "gopher://h/x"}, 2, `unknown URL scheme "gopher://"`},
		{"file URL with host", []string{"write", "file://elsewhere/x"}, 2, "only local files"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := run(t, strings.NewReader(""), tt.args...)
			assert.Equal(t, tt.code, r.code, "stderr: %s", r.stderr)
			assert.Contains(t, r.stderr, tt.inStderr)
			assert.Empty(t, r.stdout)
			assert.NotContains(t, r.stderr, "goroutine")
		})
	}
}

// TestErrorsAreOneLine: failures name the path and the cause on one line.
func TestErrorsAreOneLine(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	missing := filepath.Join(dir, "missing")
	tests := []struct {
		name    string
		args    []string
		cmd     string
		wantErr []string
	}{
		{"write into a missing dir", []string{"write", filepath.Join(missing, "f")}, "write", []string{filepath.Join(missing, "f"), "no such file or directory"}},
		{"write onto a directory", []string{"write", dir}, "write", []string{dir, "is a directory"}},
		{"sweep a missing dir", []string{"sweep", missing}, "sweep", []string{missing, "no such file or directory"}},
		{"run in a missing dir", []string{"run", "-dir", missing, "--", "true"}, "run", []string{missing, "no such file or directory"}},
		{"mktemp in a missing dir", []string{"mktemp", "-p", missing}, "mktemp", []string{"tmp.XXXXXXXXXX", "no such file or directory"}},
		{"sftp without known_hosts", []string{"write", "sftp://nobody@127.0.0.1:1/x"}, "write", []string{"sftp://nobody@127.0.0.1:1", "known_hosts"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cmd := tempfsCmd(tt.args...)
			cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
			r := runCmd(t, cmd, strings.NewReader("data"))
			assert.Equal(t, 1, r.code)
			requireOneLineError(t, r, tt.cmd)
			for _, s := range tt.wantErr {
				assert.Contains(t, r.stderr, s)
			}
		})
	}
}
