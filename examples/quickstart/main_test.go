package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	var out strings.Builder
	require.NoError(t, run(&out))
	s := out.String()
	t.Log("\n" + s)
	for _, want := range []string{"== OsFs", "== MemMapFs", "removed although fn panicked (boom)", "is a directory"} {
		assert.Contains(t, s, want)
	}
	assert.Equal(t, 2, len(regexp.MustCompile(`tempfs.WriteFile +200 rewrites, \d+ reads: 0 partial`).FindAllString(s, -1)), "tempfs never shows a partial file")
	assert.Equal(t, 2, strings.Count(s, "files beside the target afterwards: 0"))
	assert.LessOrEqual(t, len(strings.Split(strings.TrimSpace(s), "\n")), 14, "a dozen lines")
}
