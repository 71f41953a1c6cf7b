package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	for _, want := range []string{
		"== OsFs", "== MemMapFs",
		"temp dir: wrote 3 files", "temp dir: removed",
		`temp file: read back "hello from a named temp file"`, "temp file: removed",
		`config.json now holds {"version": 2} (1 file in the directory`,
	} {
		assert.Contains(t, out.String(), want)
	}
	assert.Equal(t, 2, strings.Count(out.String(), "temp dir: removed"))
}
