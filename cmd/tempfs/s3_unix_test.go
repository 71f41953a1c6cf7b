//go:build unix

package main

import (
	"bytes"
	"errors"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestS3 runs the write, run and sweep tests through s3:// against a real
// S3 server, Versity S3 Gateway, started on 127.0.0.1 (as s3fs's tests
// do). The command finds the server through $TEMPFS_S3_ENDPOINT and its
// credentials through the SDK's usual variables; the test checks the
// results through an s3fs.Fs and the SDK.
func TestS3(t *testing.T) {
	s := startS3(t)
	command := func(env []string, args ...string) *exec.Cmd {
		cmd := tempfsCmd(args...)
		cmd.Env = append(s.env(), env...)
		return cmd
	}

	t.Run("write", func(t *testing.T) {
		tests := []struct {
			name     string
			existing os.FileMode
			args     []string
			wantMode os.FileMode
		}{
			{"new file, -mode", 0, []string{"-mode", "0600"}, 0o600},
			{"new file, default mode", 0, nil, 0o666},
			{"existing file, -keep-mode", 0o640, []string{"-keep-mode", "-mode", "0600"}, 0o640},
			{"existing file gets -mode", 0o640, []string{"-mode", "0600"}, 0o600},
			{"existing file keeps its mode without -mode", 0o640, nil, 0o640},
			{"-no-sync", 0, []string{"-no-sync", "-mode", "0600"}, 0o600},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir := s.mkdir(t)
				target := path.Join(dir, "f")
				if tt.existing != 0 {
					require.NoError(t, afero.WriteFile(s.fsys, target, []byte("old"), tt.existing))
				}
				args := append(append([]string{"write"}, tt.args...), s.url(target))
				r := runCmd(t, command(nil, args...), strings.NewReader("over s3\n"))
				require.Zero(t, r.code, r.stderr)
				got, err := afero.ReadFile(s.fsys, target)
				require.NoError(t, err)
				assert.Equal(t, "over s3\n", string(got))
				fi, err := s.fsys.Stat(target)
				require.NoError(t, err)
				assert.Equal(t, tt.wantMode, fi.Mode().Perm())
				assert.Equal(t, []string{strings.TrimPrefix(target, "/")}, s.keys(t, dir), "no temp object")
			})
		}
	})

	t.Run("write -parents and errors", func(t *testing.T) {
		dir := s.mkdir(t)
		target := path.Join(dir, "a", "b", "f")
		r := runCmd(t, command(nil, "write", s.url(target)), strings.NewReader("x"))
		t.Log(r.stderr)
		requireOneLineError(t, r, "write")
		assert.Contains(t, r.stderr, s.url(target), "the error names the URL")
		assert.Contains(t, r.stderr, "not exist")
		r = runCmd(t, command(nil, "write", "-parents", s.url(target)), strings.NewReader("x"))
		require.Zero(t, r.code, r.stderr)
		got, err := afero.ReadFile(s.fsys, target)
		require.NoError(t, err)
		assert.Equal(t, "x", string(got))
	})

	t.Run("missing bucket and wrong key", func(t *testing.T) {
		r := runCmd(t, command(nil, "write", "s3://no-such-bucket-here/f"), strings.NewReader("x"))
		t.Log(r.stderr)
		requireOneLineError(t, r, "write")
		assert.Contains(t, r.stderr, "s3://no-such-bucket-here/f")
		dir := s.mkdir(t)
		r = runCmd(t, command([]string{"AWS_SECRET_ACCESS_KEY=wrong"}, "write", s.url(dir+"/f")), strings.NewReader("x"))
		t.Log(r.stderr)
		requireOneLineError(t, r, "write")
		assert.Contains(t, r.stderr, s.url(dir+"/f"))
		assert.Empty(t, s.keys(t, dir))
	})

	t.Run("write sponge", func(t *testing.T) {
		// The filter reads the object's bytes where the server stores
		// them while tempfs replaces the object.
		dir := s.mkdir(t)
		target := path.Join(dir, "f")
		content := lines(2, 20000)
		require.NoError(t, afero.WriteFile(s.fsys, target, content, 0o644))
		stored := filepath.Join(s.root, s.bucket, filepath.FromSlash(target))
		require.FileExists(t, stored)
		cmd := exec.Command("sh", "-c", `tr a-z A-Z < "$F" | "$T" write "$U"`)
		cmd.Env = append(s.env(), "T="+binary, "U="+s.url(target), "F="+stored)
		r := runCmd(t, cmd, nil)
		require.Zero(t, r.code, r.stderr)
		got, err := afero.ReadFile(s.fsys, target)
		require.NoError(t, err)
		assert.Equal(t, strings.ToUpper(string(content)), string(got))
	})

	t.Run("write SIGKILL", func(t *testing.T) {
		runs := 100
		if testing.Short() {
			runs = 6
		}
		s3KillLoop(t, s, runs)
	})

	t.Run("sweep aborts a killed multipart upload", func(t *testing.T) {
		dir := s.mkdir(t)
		target := path.Join(dir, "target")
		require.NoError(t, afero.WriteFile(s.fsys, target, []byte("old"), 0o644))
		cmd := command(nil, "write", s.url(target))
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { _ = cmd.Process.Kill() })
		// More than one part (8 MiB), and the input never ends: the
		// upload can only be killed.
		go func() { _, _ = stdin.Write(bytes.Repeat([]byte("0123456789abcde\n"), 12<<20/16)) }()
		deadline := time.Now().Add(time.Minute)
		for len(s.uploads(t, dir)) == 0 {
			require.True(t, time.Now().Before(deadline), "no multipart upload started")
			time.Sleep(10 * time.Millisecond) // polling the server, not synchronising
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		stdin.Close()
		got, err := afero.ReadFile(s.fsys, target)
		require.NoError(t, err)
		assert.Equal(t, "old", string(got))
		require.Equal(t, []string{strings.TrimPrefix(target, "/")}, s.uploads(t, dir))

		r := runCmd(t, command(nil, "sweep", "-older-than", "1h", s.url(dir)), nil)
		require.Zero(t, r.code, r.stderr)
		assert.Empty(t, r.stdout, "a fresh upload is not stale")
		assert.Len(t, s.uploads(t, dir), 1)
		r = runCmd(t, command(nil, "sweep", "-older-than", "0", s.url(dir)), nil)
		require.Zero(t, r.code, r.stderr)
		assert.Equal(t, s.url(target)+"\n", r.stdout)
		assert.Empty(t, s.uploads(t, dir))
		assert.Equal(t, []string{strings.TrimPrefix(target, "/")}, s.keys(t, dir))
	})

	t.Run("run", func(t *testing.T) {
		const fill = `echo "$TEMPFS_DIR"; [ "$TEMPFS_URL" = "$U$TEMPFS_DIR" ] && [ "$(pwd)" = "$HERE" ] || exit 99; echo x | "$T" write -parents "$TEMPFS_URL/a/b/f" || exit 98; `
		here, err := os.Getwd()
		require.NoError(t, err)
		tests := []struct {
			name   string
			trap   string
			ending string
			signal syscall.Signal
			want   int
		}{
			{"normal exit", "", "exit 0", 0, 0},
			{"non-zero exit", "", "exit 3", 0, 3},
			{"SIGTERM", "", "exec sleep 600", syscall.SIGTERM, 128 + 15},
			{"SIGINT", "", "exec sleep 600", syscall.SIGINT, 128 + 2},
			{"SIGTERM reaches CMD's trap", `trap 'exit 7' TERM;`, `while :; do sleep 0.05; done`, syscall.SIGTERM, 7},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				parent := s.mkdir(t)
				env := append(s.extraEnv(), "U="+s.url(""), "HERE="+here, "T="+binary)
				cmd, dir, rest, stderr := startRun(t, s.url(parent), nil, fill+tt.trap+` echo ready; `+tt.ending, env...)
				assert.Equal(t, parent, path.Dir(dir))
				line, err := rest.ReadString('\n')
				require.NoError(t, err, "stderr: %s", stderr.String())
				require.Equal(t, "ready\n", line)
				got, err := afero.ReadFile(s.fsys, path.Join(dir, "a", "b", "f"))
				require.NoError(t, err)
				require.Equal(t, "x\n", string(got))
				if tt.signal != 0 {
					require.NoError(t, cmd.Process.Signal(tt.signal))
				}
				assert.Equal(t, tt.want, exitCode(t, cmd), "stderr: %s", stderr.String())
				_, err = s.fsys.Stat(dir)
				assert.True(t, errors.Is(err, fs.ErrNotExist), "scratch prefix removed: %v", err)
				assert.Empty(t, s.keys(t, parent), "no object left under the parent")
			})
		}
	})

	t.Run("run -keep", func(t *testing.T) {
		parent := s.mkdir(t)
		cmd, dir, _, stderr := startRun(t, s.url(parent), []string{"-keep"}, `echo "$TEMPFS_DIR"`, s.extraEnv()...)
		require.Zero(t, exitCode(t, cmd), stderr.String())
		assert.Equal(t, "tempfs run: keeping "+s.url(dir)+"\n", stderr.String())
		fi, err := s.fsys.Stat(dir)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	})
}

// s3KillLoop kills `tempfs write s3://…` at random points, as killLoop
// does for local and SFTP targets, and checks that the object is always
// one whole version. Half the kills land while the input is read, a
// quarter within 5 ms after it ended (the upload), a quarter later. On S3 the write is one PutObject of the target key:
// no temp object is ever left, which the loop checks too.
func s3KillLoop(t *testing.T, s *s3Server, runs int) {
	t.Helper()
	dir := s.mkdir(t)
	target := path.Join(dir, "target")
	targetArg := s.url(target)
	command := func(args ...string) *exec.Cmd {
		cmd := tempfsCmd(args...)
		cmd.Env = s.env()
		return cmd
	}
	versions := [][]byte{lines(10, 3000), lines(11, 5000)} // ~120 kB and ~200 kB
	require.NoError(t, afero.WriteFile(s.fsys, target, versions[0], 0o644))

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
	current := 1

	outcomes := map[string]int{}
	for i := range runs {
		next := versions[1-current]
		cmd := command("write", targetArg)
		stdin, err := cmd.StdinPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		if i%2 == 0 {
			_, _ = stdin.Write(next[:rand.IntN(len(next))])
		} else {
			_, _ = stdin.Write(next)
			stdin.Close()
			// The delay picks the kill point; it synchronises nothing.
			// Stdin's last write returns once tempfs has read nearly all
			// of it, so the upload follows within milliseconds: half of
			// these kills aim there, the other half anywhere up to 1.5
			// whole writes.
			limit := int64(whole) * 3 / 2
			if i%4 == 1 {
				limit = int64(5 * time.Millisecond)
			}
			time.Sleep(time.Duration(rand.Int64N(limit)))
		}
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		_ = cmd.Wait()
		stdin.Close()

		got, err := afero.ReadFile(s.fsys, target)
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
	assert.NotZero(t, outcomes["new"], "some kills must land after the write")
	assert.NotZero(t, outcomes["old"], "some kills must land before the write")
	assert.Equal(t, []string{strings.TrimPrefix(target, "/")}, s.keys(t, dir), "no temp object")
	assert.Empty(t, s.uploads(t, dir), "a single-part write leaves no upload")
	r := runCmd(t, command("sweep", "-older-than", "0", s.url(dir)), nil)
	require.Zero(t, r.code, r.stderr)
	assert.Empty(t, r.stdout)
}
