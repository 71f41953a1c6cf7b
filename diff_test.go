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

// diffPatterns are tried with os.CreateTemp/MkdirTemp and with tempfs. Our
// random part is 13 characters against os's up to 10, so patterns between
// 243 and 245 bytes long, which os accepts or refuses depending on its
// random number, are left out on purpose.
var diffPatterns = []string{
	"", "*", "a", "a*", "*a", "a*b", "a*b*c", "**", "***x",
	"..", ".", "...*", "../x", "x/..", "x/y", "/abs", "trailing/", "*/",
	"日本語-*.txt", "emoji-😀-*", "sp ace *", ".hidden*", "*.tar.gz", "-*-", "%d%s*",
	"nul\x00byte", "*\x00",
	strings.Repeat("l", 200), strings.Repeat("l", 200) + "*" + strings.Repeat("s", 30),
	strings.Repeat("x", 300), strings.Repeat("é", 150) + "*",
}

// wantParts splits pattern at its last "*", the contract of os.CreateTemp.
func wantParts(pattern string) (prefix, suffix string) {
	if i := strings.LastIndex(pattern, "*"); i >= 0 {
		return pattern[:i], pattern[i+1:]
	}
	return pattern, ""
}

func TestDifferentialAgainstOs(t *testing.T) {
	t.Parallel()
	backends := map[string]func(t *testing.T) (afero.Fs, string){
		"OsFs": func(t *testing.T) (afero.Fs, string) { return afero.NewOsFs(), t.TempDir() },
		"MemMapFs": func(t *testing.T) (afero.Fs, string) {
			fsys := afero.NewMemMapFs()
			return fsys, mkWorkDir(t, fsys, "/d")
		},
	}
	require.GreaterOrEqual(t, len(diffPatterns), 20)
	for bname, newFs := range backends {
		for _, kind := range []string{"file", "dir"} {
			t.Run(bname+"/"+kind, func(t *testing.T) {
				fsys, dir := newFs(t)
				osDir := t.TempDir()
				for _, p := range diffPatterns {
					osName, osErr := osCreate(kind, osDir, p)
					ourName, ourErr := ourCreate(fsys, kind, dir, p)
					if osErr == nil {
						assert.NoError(t, ourErr, "pattern %q: os accepts, tempfs refuses", p)
					} else {
						assert.Error(t, ourErr, "pattern %q: os refuses (%v), tempfs accepts", p, osErr)
					}
					if osErr != nil || ourErr != nil {
						continue
					}
					prefix, suffix := wantParts(p)
					for who, name := range map[string]string{"os": osName, "tempfs": ourName} {
						base := filepath.Base(name)
						assert.True(t, strings.HasPrefix(base, prefix) && strings.HasSuffix(base, suffix),
							"%s put the random part of %q in the wrong place: %q", who, p, base)
					}
					assert.Len(t, filepath.Base(ourName), len(prefix)+13+len(suffix))
				}
				// Every refusal left nothing behind: what exists is exactly
				// what succeeded.
				osCount, ourCount := countEntries(t, afero.NewOsFs(), osDir), countEntries(t, fsys, dir)
				assert.Equal(t, osCount, ourCount, "os and tempfs created different numbers of entries")
			})
		}
	}
}

func osCreate(kind, dir, pattern string) (string, error) {
	if kind == "dir" {
		return os.MkdirTemp(dir, pattern)
	}
	f, err := os.CreateTemp(dir, pattern)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return f.Name(), nil
}

func ourCreate(fsys afero.Fs, kind, dir, pattern string) (string, error) {
	if kind == "dir" {
		return tempfs.MkdirTemp(fsys, dir, pattern)
	}
	f, err := tempfs.CreateTemp(fsys, dir, pattern)
	if err != nil {
		return "", err
	}
	defer f.Close()
	return f.Name(), nil
}

func countEntries(t *testing.T, fsys afero.Fs, dir string) int {
	t.Helper()
	n := 0
	require.NoError(t, afero.Walk(fsys, dir, func(path string, info os.FileInfo, err error) error {
		require.NoError(t, err)
		if path != dir {
			n++
		}
		return nil
	}))
	return n
}
