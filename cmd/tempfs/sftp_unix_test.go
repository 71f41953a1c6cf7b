//go:build unix

package main

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/crypto/ssh/knownhosts"
)

// TestSFTP runs the write, run and sweep tests through sftp:// against a
// real OpenSSH sshd on 127.0.0.1 (internal-sftp, which has the
// posix-rename and fsync extensions). The server is this machine, so the
// test checks the results on the local disk. The subtests run one after
// the other: sshd drops connections beyond 10 unauthenticated at once.
func TestSFTP(t *testing.T) {
	s := startSSHD(t, false)
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
			{"existing file, -keep-mode", 0o640, []string{"-keep-mode", "-mode", "0600"}, 0o640},
			{"existing file gets -mode", 0o640, []string{"-mode", "0600"}, 0o600},
			{"existing file keeps its mode without -mode", 0o640, nil, 0o640},
			{"-no-sync", 0, []string{"-no-sync", "-mode", "0600"}, 0o600},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				dir := t.TempDir()
				target := filepath.Join(dir, "f")
				if tt.existing != 0 {
					require.NoError(t, os.WriteFile(target, []byte("old"), tt.existing))
					require.NoError(t, os.Chmod(target, tt.existing))
				}
				args := append(append([]string{"write"}, tt.args...), s.url(target))
				r := runCmd(t, command(nil, args...), strings.NewReader("over sftp\n"))
				require.Zero(t, r.code, r.stderr)
				got, err := os.ReadFile(target)
				require.NoError(t, err)
				assert.Equal(t, "over sftp\n", string(got))
				fi, err := os.Stat(target)
				require.NoError(t, err)
				assert.Equal(t, tt.wantMode, fi.Mode().Perm())
				assert.Equal(t, []string{"f"}, dirNames(t, dir))
			})
		}
	})

	t.Run("write -parents and errors", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "a", "b", "f")
		r := runCmd(t, command(nil, "write", s.url(target)), strings.NewReader("x"))
		t.Log(r.stderr)
		requireOneLineError(t, r, "write")
		assert.Contains(t, r.stderr, s.url(target), "the error names the URL")
		assert.Contains(t, r.stderr, "not exist")
		r = runCmd(t, command(nil, "write", "-parents", s.url(target)), strings.NewReader("x"))
		require.Zero(t, r.code, r.stderr)
		assert.FileExists(t, target)
	})

	t.Run("write sponge", func(t *testing.T) {
		dir := t.TempDir()
		target := filepath.Join(dir, "f")
		content := lines(2, 20000)
		require.NoError(t, os.WriteFile(target, content, 0o644))
		cmd := exec.Command("sh", "-c", `tr a-z A-Z < f | "$T" write "$U"`)
		cmd.Dir = dir
		cmd.Env = append(s.env(), "T="+binary, "U="+s.url(target))
		r := runCmd(t, cmd, nil)
		require.Zero(t, r.code, r.stderr)
		got, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, strings.ToUpper(string(content)), string(got))
	})

	t.Run("write with the ssh agent", func(t *testing.T) {
		sock := startAgent(t, s)
		require.NoError(t, os.Remove(filepath.Join(s.home, ".ssh", "id_ed25519")))
		t.Cleanup(func() {
			// Put the key file back for the other subtests.
			pem, err := os.ReadFile(s.keyFile)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(s.home, ".ssh", "id_ed25519"), pem, 0o600))
		})
		target := filepath.Join(t.TempDir(), "f")
		r := runCmd(t, command(nil, "write", s.url(target)), strings.NewReader("agent"))
		requireOneLineError(t, r, "write")
		assert.Contains(t, r.stderr, "no ssh key", "without agent and key file")
		r = runCmd(t, command([]string{"SSH_AUTH_SOCK=" + sock}, "write", s.url(target)), strings.NewReader("agent"))
		require.Zero(t, r.code, r.stderr)
		got, err := os.ReadFile(target)
		require.NoError(t, err)
		assert.Equal(t, "agent", string(got))
	})

	t.Run("host key checked", func(t *testing.T) {
		other, _ := newKey(t)
		home := t.TempDir()
		require.NoError(t, os.MkdirAll(filepath.Join(home, ".ssh"), 0o700))
		key, err := os.ReadFile(filepath.Join(s.home, ".ssh", "id_ed25519"))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(home, ".ssh", "id_ed25519"), key, 0o600))
		target := filepath.Join(t.TempDir(), "f")
		for known, want := range map[string]string{
			"": "is not in " + filepath.Join(home, ".ssh", "known_hosts"),
			knownhosts.Line([]string{fmt.Sprintf("127.0.0.1:%d", s.port)}, other.PublicKey()) + "\n": "key mismatch",
		} {
			require.NoError(t, os.WriteFile(filepath.Join(home, ".ssh", "known_hosts"), []byte(known), 0o600))
			r := runCmd(t, command([]string{"HOME=" + home}, "write", s.url(target)), strings.NewReader("x"))
			t.Log(r.stderr)
			requireOneLineError(t, r, "write")
			assert.Contains(t, r.stderr, want)
			assert.NoFileExists(t, target)
		}
	})

	t.Run("write SIGKILL", func(t *testing.T) {
		runs := 100
		if testing.Short() {
			runs = 6
		}
		dir := t.TempDir()
		killLoop(t, dir, s.url(filepath.Join(dir, "target")), s.extraEnv(), runs)
	})

	t.Run("run", func(t *testing.T) {
		const fill = `echo "$TEMPFS_DIR"; [ "$TEMPFS_URL" = "$U$TEMPFS_DIR" ] && [ "$(pwd)" = "$HERE" ] || exit 99; mkdir -p "$TEMPFS_DIR/a/b"; echo x > "$TEMPFS_DIR/a/b/f"; `
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
				parent := t.TempDir()
				env := append(s.extraEnv(), "U="+s.url(""), "HERE="+here)
				cmd, dir, rest, stderr := startRun(t, s.url(parent), nil, fill+tt.trap+` echo ready; `+tt.ending, env...)
				assert.Equal(t, parent, filepath.Dir(dir))
				line, err := rest.ReadString('\n')
				require.NoError(t, err, "stderr: %s", stderr.String())
				require.Equal(t, "ready\n", line)
				require.FileExists(t, filepath.Join(dir, "a", "b", "f"))
				if tt.signal != 0 {
					require.NoError(t, cmd.Process.Signal(tt.signal))
				}
				assert.Equal(t, tt.want, exitCode(t, cmd), "stderr: %s", stderr.String())
				assert.NoDirExists(t, dir)
				assert.Empty(t, dirNames(t, parent))
			})
		}
	})

	t.Run("run -keep", func(t *testing.T) {
		parent := t.TempDir()
		cmd, dir, _, stderr := startRun(t, s.url(parent), []string{"-keep"}, `echo "$TEMPFS_DIR"`, s.extraEnv()...)
		require.Zero(t, exitCode(t, cmd), stderr.String())
		assert.Equal(t, "tempfs run: keeping "+s.url(dir)+"\n", stderr.String())
		assert.DirExists(t, dir)
	})

	t.Run("sweep", func(t *testing.T) {
		root := t.TempDir()
		_, all := sweepTree(t, root)
		before := snapshot(t, root)
		var want []string
		for _, p := range all {
			want = append(want, s.url(p))
		}
		r := runCmd(t, command(nil, "sweep", "-n", "-r", s.url(root)), nil)
		require.Zero(t, r.code, r.stderr)
		assert.Equal(t, want, sortedLines(r.stdout))
		assert.Equal(t, before, snapshot(t, root))
		r = runCmd(t, command(nil, "sweep", "-r", s.url(root)), nil)
		require.Zero(t, r.code, r.stderr)
		assert.Equal(t, want, sortedLines(r.stdout))
		assert.Equal(t, without(before, all), snapshot(t, root))
	})

	t.Run("path relative to the login directory", func(t *testing.T) {
		cur, err := user.Current()
		require.NoError(t, err)
		name := ".tempfs-cmd-test-" + filepath.Base(t.TempDir())
		local := filepath.Join(cur.HomeDir, name)
		t.Cleanup(func() { os.Remove(local) })
		r := runCmd(t, command(nil, "write", s.url("/~/"+name)), strings.NewReader("home"))
		require.Zero(t, r.code, r.stderr)
		got, err := os.ReadFile(local)
		require.NoError(t, err)
		assert.Equal(t, "home", string(got))
	})
}

// TestSFTPHostKnownUnderAnotherKeyType: the server offers ECDSA first (the
// client's preference) but known_hosts has its ed25519 key: tempfs asks
// for the known type and connects.
func TestSFTPHostKnownUnderAnotherKeyType(t *testing.T) {
	s := startSSHD(t, true)
	target := filepath.Join(t.TempDir(), "f")
	cmd := tempfsCmd("write", s.url(target))
	cmd.Env = s.env()
	r := runCmd(t, cmd, strings.NewReader("ed25519"))
	require.Zero(t, r.code, r.stderr)
	got, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "ed25519", string(got))
}
