//go:build unix

package main

import (
	"bytes"
	"crypto/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// progressLine is what the progress line looks like: a spinner, the bytes
// so far and the rate, for an input of unknown length.
var progressLine = regexp.MustCompile(`tempfs write \([0-9.]+ [kMG]?B, [0-9.]+ [kMG]?B/s\)`)

// tmux runs tmux on the test's own server socket.
func tmux(t *testing.T, sock string, args ...string) string {
	t.Helper()
	out, err := exec.Command("tmux", append([]string{"-S", sock, "-f", "/dev/null"}, args...)...).CombinedOutput()
	require.NoError(t, err, "tmux %v: %s", args, out)
	return string(out)
}

// TestProgressInTerminal runs `tempfs write` in a tmux pane, its input a
// FIFO the test feeds, and reads the pane with capture-pane: once the
// input has lasted more than a second a progress line (bytes, rate)
// shows; it is gone when the write is done, and the file is whole.
func TestProgressInTerminal(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("tmux"); err != nil {
		t.Fatal("tmux is missing: run .ci/install-tmux.sh")
	}
	dir := t.TempDir()
	fifo, target, sock := filepath.Join(dir, "in"), filepath.Join(dir, "out"), filepath.Join(dir, "tmux")
	require.NoError(t, syscall.Mkfifo(fifo, 0o600))
	script := `"$0" write "$1" < "$2"; echo "EXIT=$?"; read x`
	tmux(t, sock, "new-session", "-d", "-x", "120", "-y", "10", "-s", "p",
		"sh", "-c", script, binary, target, fifo)
	t.Cleanup(func() { _ = exec.Command("tmux", "-S", sock, "kill-server").Run() })

	in, err := os.OpenFile(fifo, os.O_WRONLY, 0) // returns when tempfs opened it
	require.NoError(t, err)
	var sent bytes.Buffer
	chunk := make([]byte, 32<<10)
	deadline := time.Now().Add(30 * time.Second)
	var screen string
	for {
		_, _ = rand.Read(chunk)
		_, err := in.Write(chunk)
		require.NoError(t, err)
		sent.Write(chunk)
		screen = tmux(t, sock, "capture-pane", "-p", "-t", "p")
		if progressLine.MatchString(screen) || time.Now().After(deadline) {
			break
		}
		// Feed the input slowly: it must last longer than the delay.
		time.Sleep(20 * time.Millisecond)
	}
	t.Logf("pane while writing:\n%s", strings.TrimSpace(screen))
	require.Regexp(t, progressLine, screen, "a progress line within 30 s")
	require.NoError(t, in.Close())

	for !strings.Contains(screen, "EXIT=") && time.Now().Before(deadline) {
		screen = tmux(t, sock, "capture-pane", "-p", "-t", "p")
	}
	require.Contains(t, screen, "EXIT=0")
	assert.NotRegexp(t, progressLine, screen, "the line is cleared when the write is done")
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(sent.Bytes(), got), "the whole input, %d bytes", sent.Len())
}

// TestNoProgressOnPipe: with stderr a pipe there is no progress line, also
// for an input that lasts well past the delay.
func TestNoProgressOnPipe(t *testing.T) {
	t.Parallel()
	target := filepath.Join(t.TempDir(), "out")
	cmd := tempfsCmd("write", target)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var sent bytes.Buffer
	chunk := make([]byte, 32<<10)
	for start := time.Now(); time.Since(start) < 2*progressDelay+500*time.Millisecond; {
		_, _ = rand.Read(chunk)
		_, err := in.Write(chunk)
		require.NoError(t, err)
		sent.Write(chunk)
		time.Sleep(20 * time.Millisecond) // a slow input, not synchronisation
	}
	require.NoError(t, in.Close())
	require.NoError(t, cmd.Wait())
	assert.Empty(t, stderr.String())
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(sent.Bytes(), got))
}
