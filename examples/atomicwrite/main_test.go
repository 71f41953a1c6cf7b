package main

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWriteKeepsModeAndReplaces(t *testing.T) {
	fsys := afero.NewOsFs()
	target := filepath.Join(t.TempDir(), "data.txt")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o640))
	require.NoError(t, os.Chmod(target, 0o640))
	require.NoError(t, write(fsys, target, strings.NewReader("new content"), 0o600, false, false))
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "new content", string(b))
	fi, err := os.Stat(target)
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
}

type brokenReader struct{}

func (brokenReader) Read([]byte) (int, error) { return 0, errors.New("stdin broke") }

func TestFailedInputLeavesTarget(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "data.txt")
	require.NoError(t, os.WriteFile(target, []byte("old"), 0o600))
	err := write(afero.NewOsFs(), target, io.MultiReader(strings.NewReader("partial"), brokenReader{}), 0o600, false, false)
	require.Error(t, err)
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "old", string(b))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "temp file left behind")
}

// TestSponge runs the command as a user would: sort | atomicwrite file.
func TestSponge(t *testing.T) {
	target := filepath.Join(t.TempDir(), "list")
	require.NoError(t, os.WriteFile(target, []byte("b\na\nc\n"), 0o600))
	cmd := exec.Command("go", "run", ".", target)
	cmd.Stdin = strings.NewReader("a\nb\nc\n")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	b, err := os.ReadFile(target)
	require.NoError(t, err)
	assert.Equal(t, "a\nb\nc\n", string(b))
}
