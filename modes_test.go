package tempfs_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// Issue 17.1 and 14.1: an existing target keeps its permission bits;
// WithPermissions and WithStaticPermissions say otherwise; a new target
// gets perm (PendingFile: 0600) before umask.
func TestModes(t *testing.T) {
	t.Parallel()
	umask := hostUmask(t)
	backends := []tempfstest.Backend{}
	backends = append(backends, memBackends()...)
	backends = append(backends, osBackends()...)
	for _, b := range backends {
		t.Run(b.Name, func(t *testing.T) {
			mask := umask
			if strings.Contains(b.Name, "MemMapFs") {
				mask = 0 // MemMapFs ignores the umask
			}
			fsys, dir := b.New(t)
			mode := func(name string) fs.FileMode {
				fi, err := fsys.Stat(filepath.Join(dir, name))
				require.NoError(t, err)
				return fi.Mode().Perm()
			}
			secret := filepath.Join(dir, "secret")
			require.NoError(t, afero.WriteFile(fsys, secret, []byte("old"), 0o600))
			require.NoError(t, fsys.Chmod(secret, 0o600))

			require.NoError(t, tempfs.WriteFile(fsys, secret, []byte("new"), 0o644))
			assert.Equal(t, fs.FileMode(0o600), mode("secret"), "an existing target keeps its mode")
			require.NoError(t, tempfs.WriteReader(fsys, secret, strings.NewReader("new"), 0o644))
			assert.Equal(t, fs.FileMode(0o600), mode("secret"))

			require.NoError(t, tempfs.WriteFile(fsys, secret, []byte("new"), 0o600, tempfs.WithPermissions(0o666)))
			assert.Equal(t, 0o666&^mask, mode("secret"), "WithPermissions, before umask")
			require.NoError(t, tempfs.WriteFile(fsys, secret, []byte("new"), 0o600, tempfs.WithStaticPermissions(0o666)))
			assert.Equal(t, fs.FileMode(0o666), mode("secret"), "WithStaticPermissions, exact")
			require.NoError(t, tempfs.WriteFile(fsys, secret, []byte("new"), 0o600,
				tempfs.WithStaticPermissions(0o640), tempfs.WithPermissions(0o604)))
			assert.Equal(t, 0o604&^mask, mode("secret"), "the last option wins")

			require.NoError(t, tempfs.WriteFile(fsys, filepath.Join(dir, "fresh"), []byte("x"), 0o666))
			assert.Equal(t, 0o666&^mask, mode("fresh"), "a new target gets perm before umask")

			for name, opts := range map[string][]tempfs.Option{
				"pending-default": nil,
				"pending-perm":    {tempfs.WithPermissions(0o644)},
				"pending-static":  {tempfs.WithStaticPermissions(0o664)},
			} {
				p, err := tempfs.NewPendingFile(fsys, filepath.Join(dir, name), opts...)
				require.NoError(t, err)
				_, err = p.WriteString("x")
				require.NoError(t, err)
				require.NoError(t, p.Commit())
			}
			assert.Equal(t, 0o600&^mask, mode("pending-default"))
			assert.Equal(t, 0o644&^mask, mode("pending-perm"))
			assert.Equal(t, fs.FileMode(0o664), mode("pending-static"))
		})
	}
}

func hostUmask(t *testing.T) fs.FileMode {
	t.Helper()
	name := filepath.Join(t.TempDir(), "umask")
	require.NoError(t, os.WriteFile(name, nil, 0o777))
	fi, err := os.Stat(name)
	require.NoError(t, err)
	return 0o777 &^ fi.Mode().Perm()
}

// Issue 17.3: of 8 goroutines writing one absent target with NoClobber,
// exactly one wins, the rest get fs.ErrExist, and the winner's content is
// whole; 100 rounds, on every backend with an atomic create-if-absent.
func TestNoClobberRace(t *testing.T) {
	t.Parallel()
	rounds := 100
	if testing.Short() {
		rounds = 10
	}
	backends := append(osBackends(), tempfstest.Backend{Name: "CrashFs", New: func(t testing.TB) (afero.Fs, string) {
		fsys := tempfstest.NewCrashFs()
		require.NoError(t, fsys.MkdirAll("/work", 0o700))
		return fsys, "/work"
	}}, tempfstest.Backend{Name: "RootFs", New: func(t testing.TB) (afero.Fs, string) {
		root, _ := newRoot(t)
		return root, "/"
	}}, tempfstest.Backend{Name: "memfs", New: func(t testing.TB) (afero.Fs, string) {
		fsys := memfs.New()
		require.NoError(t, fsys.MkdirAll("/work", 0o700))
		return fsys, "/work"
	}})
	for _, b := range backends {
		if b.Name == "BasePathFs(OsFs)" {
			continue // look-then-rename: documented as not atomic
		}
		t.Run(b.Name, func(t *testing.T) {
			fsys, dir := b.New(t)
			for round := range rounds {
				target := filepath.Join(dir, fmt.Sprintf("t%d", round))
				var wg sync.WaitGroup
				errs := make([]error, 8)
				for w := range 8 {
					wg.Go(func() {
						data := []byte(strings.Repeat(strconv.Itoa(w), 4096))
						errs[w] = tempfs.WriteFile(fsys, target, data, 0o644, tempfs.NoClobber(), tempfs.NoSync())
					})
				}
				wg.Wait()
				winners := 0
				for _, err := range errs {
					if err == nil {
						winners++
					} else {
						require.ErrorIs(t, err, fs.ErrExist)
					}
				}
				require.Equal(t, 1, winners, "round %d: %v", round, errs)
				data, err := afero.ReadFile(fsys, target)
				require.NoError(t, err)
				require.Len(t, data, 4096)
				require.Equal(t, strings.Repeat(string(data[0]), 4096), string(data))
			}
			tempfstest.AssertNoTempFiles(t, fsys, dir)
		})
	}
}

// noClobberChildEnv makes the test binary a NoClobber writer.
const noClobberChildEnv = "TEMPFS_NOCLOBBER_CHILD"

func init() {
	if target := os.Getenv(noClobberChildEnv); target != "" {
		err := tempfs.WriteFile(afero.NewOsFs(), target, []byte(strings.Repeat(strconv.Itoa(os.Getpid()%10), 4096)), 0o644, tempfs.NoClobber(), tempfs.NoSync())
		switch {
		case err == nil:
			os.Exit(0)
		case errors.Is(err, fs.ErrExist):
			os.Exit(3)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// Issue 17.3 across processes on OsFs: 8 processes, one winner per round.
func TestNoClobberProcesses(t *testing.T) {
	t.Parallel()
	rounds := 100
	if testing.Short() {
		rounds = 5
	}
	dir := t.TempDir()
	for round := range rounds {
		target := filepath.Join(dir, fmt.Sprintf("t%d", round))
		cmds := make([]*exec.Cmd, 8)
		for i := range cmds {
			cmds[i] = exec.Command(os.Args[0], "-test.run=^$")
			cmds[i].Env = append(os.Environ(), noClobberChildEnv+"="+target)
			require.NoError(t, cmds[i].Start())
		}
		winners, losers := 0, 0
		for _, c := range cmds {
			err := c.Wait()
			if c.ProcessState == nil {
				t.Fatalf("round %d: %v", round, err)
			}
			switch c.ProcessState.ExitCode() {
			case 0:
				winners++
			case 3:
				losers++
			default:
				t.Fatalf("round %d: child failed: %v", round, err)
			}
		}
		require.Equal(t, 1, winners, "round %d", round)
		require.Equal(t, 7, losers, "round %d", round)
		data, err := os.ReadFile(target)
		require.NoError(t, err)
		require.Equal(t, strings.Repeat(string(data[0]), 4096), string(data))
	}
	tempfstest.AssertNoTempFiles(t, afero.NewOsFs(), dir)
}
