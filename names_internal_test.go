package tempfs

import (
	"encoding/binary"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkTargetWalk is checkTarget as it was before its shortcut for short
// names (27839bb): every element measured.
func checkTargetWalk(name string) error {
	switch {
	case name == "":
		return errEmptyName
	case strings.IndexByte(name, 0) >= 0:
		return errNameHasNUL
	case os.IsPathSeparator(name[len(name)-1]):
		return errTrailingSep
	}
	if base := filepath.Base(name); base == "." || base == ".." {
		return errNotAFileName
	}
	if len(name) >= maxPathLen {
		return errNameElemTooLong
	}
	for elem := range strings.SplitSeq(filepath.ToSlash(name), "/") {
		if len(elem) > maxNameLen {
			return errNameElemTooLong
		}
	}
	return nil
}

// TestCheckTargetNameLengths: checkTarget refuses a name with an element
// longer than maxNameLen wherever it stands, and a name of maxPathLen bytes
// or more, with ENAMETOOLONG, and accepts the longest names allowed; the
// shortcut that skips the element walk for short names changes no
// answer. (Fails with the element walk removed: "256 last" and the others
// with a long element pass checkTarget.)
func TestCheckTargetNameLengths(t *testing.T) {
	e255, e256 := strings.Repeat("a", maxNameLen), strings.Repeat("b", maxNameLen+1)
	sep := string(filepath.Separator)
	long := func(n int) string { // a path of exactly n bytes of short elements
		var b strings.Builder
		for b.Len() < n {
			b.WriteString("d" + sep)
		}
		s := b.String()[:n]
		if strings.HasSuffix(s, sep) {
			s = s[:n-1] + "f"
		}
		return s
	}
	tests := []struct {
		name    string
		in      string
		tooLong bool
	}{
		{"255 alone", e255, false},
		{"256 alone", e256, true},
		{"255 last", "d/" + e255, false},
		{"256 last", "d/" + e256, true},
		{"256 first", e256 + "/f", true},
		{"256 middle", "d/" + e256 + "/f", true},
		{"256 after root", "/" + e256 + "/f", true},
		{"256 after dot", "./" + e256, true},
		{"256 with doubled slashes", "d//" + e256 + "//f", true},
		{"255 with separators", "/x/" + e255, false},
		{"4095 bytes", long(maxPathLen - 1), false},
		{"4096 bytes", long(maxPathLen), true},
		{"254 bytes", long(254), false},
		{"256 bytes of short elements", long(256), false},
		{"native separator, 256 last", "d" + sep + e256, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkTarget(tt.in)
			if tt.tooLong {
				assert.ErrorIs(t, err, errNameElemTooLong)
			} else {
				assert.NoError(t, err)
			}
			assert.Equal(t, checkTargetWalk(tt.in), err, "the walk gives another answer")
		})
	}
	// The other mistakes keep their errors and their precedence.
	for _, name := range []string{"", "a\x00b", e256 + "\x00", "d/", e256 + "/", "d" + sep, ".", "..", "d/.", e256 + "/..", long(maxPathLen) + "/", long(maxPathLen-2) + "/.."} {
		assert.Equal(t, checkTargetWalk(name), checkTarget(name), "%.40q", name)
		assert.Error(t, checkTarget(name), "%.40q", name)
	}
	// Every length around the shortcut's bound, the long element at each
	// place.
	for n := maxNameLen - 3; n <= maxNameLen+3; n++ {
		for cut := 0; cut <= n; cut += max(1, n/7) {
			name := strings.Repeat("c", n)
			if cut > 0 && cut < n {
				name = name[:cut] + "/" + name[cut+1:]
			}
			assert.Equal(t, checkTargetWalk(name), checkTarget(name), "%d bytes, separator at %d", n, cut)
		}
	}
}

// randomDigitsLoop is the random part as appendRandom wrote it before its
// word-at-a-time encoding: one digit at a time, the lowest 5 bits first.
func randomDigitsLoop(r uint64) string {
	var d [randLen]byte
	for i := range d {
		d[i] = randAlphabet[r&31]
		r >>= 5
	}
	return string(d[:])
}

// TestBase32WordsAsLoop: the two words appendRandom writes spell the same
// 13 digits as the digit-at-a-time loop, for edge values and for a
// million random ones, and appendRandom appends exactly them. (Fails with
// any mask, shift or the letter offset changed, e.g. 0x76 -> 0x75.)
func TestBase32WordsAsLoop(t *testing.T) {
	digits := func(r uint64) string {
		var b [16]byte
		binary.LittleEndian.PutUint64(b[:], base32Word(r))
		binary.LittleEndian.PutUint64(b[8:], base32Word(r>>40))
		return string(b[:randLen])
	}
	values := []uint64{0, 1, 9, 10, 31, 32, 1<<64 - 1, 0x5555_5555_5555_5555, 0xaaaa_aaaa_aaaa_aaaa, 1 << 63, 1<<40 - 1, 1 << 40}
	for i := range 64 {
		values = append(values, 1<<i, ^uint64(1<<i))
	}
	for _, r := range values {
		require.Equal(t, randomDigitsLoop(r), digits(r), "%#x", r)
	}
	for range 1_000_000 {
		r := rand.Uint64()
		if got, want := digits(r), randomDigitsLoop(r); got != want {
			require.Equal(t, want, got, "%#x", r)
		}
	}
	for _, prefix := range []string{"", "/tmp/x-", strings.Repeat("p", 130)} {
		got := string(appendRandom([]byte(prefix)))
		require.Len(t, got, len(prefix)+randLen)
		assert.True(t, strings.HasPrefix(got, prefix))
		for _, c := range []byte(got[len(prefix):]) {
			assert.Contains(t, randAlphabet, string(c))
		}
	}
}
