package tempfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
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

// The review of the performance commits on CreateTemp and MkdirTemp (the
// namer and the probe filled in place, splitPattern in one pass,
// appendRandom in place): the names and errors are those os.CreateTemp's
// rules give, on every backend and through wrappers.

const digits = "0123456789abcdefghijklmnopqrstuv"

// reviewBackends are the Fs values the names are checked on: the plain
// ones and wrappers that forward (or hide) the optional interfaces.
func reviewBackends(t *testing.T) map[string]func() (afero.Fs, string) {
	t.Helper()
	openRoot := func() *tempfs.RootFs {
		r, err := tempfs.OpenRoot(t.TempDir())
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, r.Close()) })
		return r
	}
	return map[string]func() (afero.Fs, string){
		"OsFs":     func() (afero.Fs, string) { return afero.NewOsFs(), t.TempDir() },
		"MemMapFs": func() (afero.Fs, string) { return afero.NewMemMapFs(), "/w" },
		"memfs":    func() (afero.Fs, string) { return memfs.New(), "/" },
		"FaultFs(memfs)": func() (afero.Fs, string) {
			return tempfstest.NewFaultFs(memfs.New()), "/"
		},
		"BasePathFs(OsFs)": func() (afero.Fs, string) {
			return afero.NewBasePathFs(afero.NewOsFs(), t.TempDir()), "/"
		},
		"BasePathFs(memfs)": func() (afero.Fs, string) {
			m := memfs.New()
			require.NoError(t, m.Mkdir("/b", 0o755))
			return afero.NewBasePathFs(m, "/b"), "/"
		},
		"TestFs":          func() (afero.Fs, string) { return tempfstest.NewFs(t), "/" },
		"RootFs":          func() (afero.Fs, string) { return openRoot(), "/" },
		"FaultFs(RootFs)": func() (afero.Fs, string) { return tempfstest.NewFaultFs(openRoot()), "/" },
	}
}

// splitAtLastStar is os.CreateTemp's rule.
func splitAtLastStar(pattern string) (string, string) {
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		return pattern[:i], pattern[i+1:]
	}
	return pattern, ""
}

// checkRandomName asserts that base is prefix, 13 digits (the last 0-f),
// suffix.
func checkRandomName(t *testing.T, base, prefix, suffix string) {
	t.Helper()
	require.True(t, strings.HasPrefix(base, prefix) && strings.HasSuffix(base, suffix), "%q is not %q*%q", base, prefix, suffix)
	random := base[len(prefix) : len(base)-len(suffix)]
	require.Len(t, random, 13, "%q", base)
	for _, c := range []byte(random) {
		require.Contains(t, digits, string(c), "%q", base)
	}
	require.Contains(t, digits[:16], random[12:], "%q: the 13th digit carries 4 bits", base)
}

// TestTempNamesAsOs: for every pattern, CreateTemp and MkdirTemp
// either make a name split at the last "*" as os.CreateTemp splits it, or
// refuse the pattern when os.CreateTemp does (separators), with
// fs.ErrInvalid; on every backend and wrapper.
func TestTempNamesAsOs(t *testing.T) {
	patterns := []string{"", "*", "x", "x*", "*x", "a*b*c", "**", "a.*.tmp", "é*ü", "a*b/c", "a/b*", "/", "*/", "a\\b*", ".tempfs-*.tmp"}
	for name, mk := range reviewBackends(t) {
		t.Run(name, func(t *testing.T) {
			for _, pattern := range patterns {
				osDir := t.TempDir()
				of, osErr := os.CreateTemp(osDir, pattern)
				if osErr == nil {
					require.NoError(t, of.Close())
				}
				fsys, dir := mk()
				require.NoError(t, fsys.MkdirAll(dir, 0o755))
				f, err := tempfs.CreateTemp(fsys, dir, pattern)
				d, derr := tempfs.MkdirTemp(fsys, dir, pattern)
				if osErr != nil {
					assert.ErrorIs(t, err, fs.ErrInvalid, "createtemp %q: os says %v", pattern, osErr)
					assert.ErrorIs(t, derr, fs.ErrInvalid, "mkdirtemp %q: os says %v", pattern, osErr)
					continue
				}
				require.NoError(t, err, "createtemp %q", pattern)
				require.NoError(t, derr, "mkdirtemp %q", pattern)
				require.NoError(t, f.Close())
				prefix, suffix := splitAtLastStar(pattern)
				checkRandomName(t, filepath.Base(f.Name()), prefix, suffix)
				checkRandomName(t, filepath.Base(d), prefix, suffix)
				assert.Equal(t, filepath.Clean(dir), filepath.Dir(f.Name()))
				require.NoError(t, fsys.Remove(f.Name()))
				require.NoError(t, fsys.Remove(d))
			}
		})
	}
}

// TestPendingNamesSwept: the temp file a pending write leaves in its
// target's directory is named as IsTempName and Sweep recognise, on every
// backend and wrapper, with the named protocol.
func TestPendingNamesSwept(t *testing.T) {
	for name, mk := range reviewBackends(t) {
		t.Run(name, func(t *testing.T) {
			fsys, dir := mk()
			require.NoError(t, fsys.MkdirAll(dir, 0o755))
			for _, target := range []string{"t", ".t", "a.b.c", strings.Repeat("l", 250), "é"} {
				p, err := tempfs.NewPendingFile(fsys, filepath.Join(dir, target), tempfs.NamedForTest())
				require.NoError(t, err)
				_, err = p.WriteString("x")
				require.NoError(t, err)
				names, err := afero.ReadDir(fsys, dir)
				require.NoError(t, err)
				var temps []string
				for _, fi := range names {
					if tempfs.IsTempName(fi.Name()) {
						temps = append(temps, fi.Name())
					}
				}
				require.Len(t, temps, 1, "%v", names)
				require.NoError(t, p.Cleanup())
			}
		})
	}
}

// TestTempNamesUnique: 8 goroutines making temp files and dirs in
// one directory get distinct names and no error.
func TestTempNamesUnique(t *testing.T) {
	per := 2000
	if testing.Short() {
		per = 100
	}
	fsys := memfs.New()
	var mu sync.Mutex
	seen := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for range per {
				var name string
				if g%2 == 0 {
					f, err := tempfs.CreateTemp(fsys, "/", "x*")
					if err != nil {
						errs <- err
						return
					}
					name = f.Name()
					_ = f.Close()
				} else {
					d, err := tempfs.MkdirTemp(fsys, "/", "x*")
					if err != nil {
						errs <- err
						return
					}
					name = d
				}
				mu.Lock()
				if seen[name] {
					mu.Unlock()
					errs <- errors.New("twice: " + name)
					return
				}
				seen[name] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	assert.Len(t, seen, 8*per)
	names, err := afero.ReadDir(fsys, "/")
	require.NoError(t, err)
	assert.Len(t, names, 8*per)
}

// TestNilFs: CreateTemp and MkdirTemp on a nil Fs fail with a
// *fs.PathError wrapping fs.ErrInvalid, checked before the probe. (A typed
// nil pointer or a zero memfs.Fs is a broken Fs: its own methods panic.)
func TestNilFs(t *testing.T) {
	_, err := tempfs.CreateTemp(nil, "/", "x*")
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "createtemp", pe.Op)
	assert.ErrorIs(t, err, fs.ErrInvalid)
	_, err = tempfs.MkdirTemp(nil, "/", "x*")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "mkdirtemp", pe.Op)
	assert.ErrorIs(t, err, fs.ErrInvalid)
}
