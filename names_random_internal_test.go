package tempfs

import (
	"math"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The review of the performance commits on the random part of names
// (base32Word, appendRandom in place) and on probe (only the interfaces
// the Fs has).

// chiSquare is Pearson's statistic of counts against a uniform expectation.
func chiSquare(counts []int, total int) float64 {
	exp := float64(total) / float64(len(counts))
	var x float64
	for _, c := range counts {
		d := float64(c) - exp
		x += d * d / exp
	}
	return x
}

// chiLimit is a bound a uniform chi-square with df degrees of freedom
// exceeds with probability well under 1e-6 (mean df, sd sqrt(2 df); six
// sd above the mean, with a floor for small df).
func chiLimit(df int) float64 { return float64(df) + 6*math.Sqrt(2*float64(df)) + 10 }

// TestRandomDigitsUniform: over a million names, each of the first
// 12 digits is uniform over the 32 of randAlphabet, the 13th over the 16
// its 4 bits can spell (0-f, as documented: 64 random bits), and every
// two neighbouring digits are independent (7 and 8 are the two words'
// seam). Fails with a shift of base32Word off by one (x>>4 for x>>5) or
// with the two words taken from overlapping bits (r>>39).
func TestRandomDigitsUniform(t *testing.T) {
	if testing.Short() {
		t.Skip("a million random names: skipped with -short")
	}
	const total = 1_000_000
	var pos [randLen][32]int
	var pairs [randLen - 1][32 * 32]int // digits i and i+1 together
	buf := make([]byte, 0, 64)
	for range total {
		b := appendRandom(buf[:0])
		if len(b) != randLen {
			t.Fatalf("%q: not %d digits", b, randLen)
		}
		var d [randLen]int
		for i, c := range b {
			if d[i] = strings.IndexByte(randAlphabet, c); d[i] < 0 {
				t.Fatalf("%q: %q is not a digit", b, c)
			}
			pos[i][d[i]]++
		}
		for i := range randLen - 1 {
			pairs[i][d[i]*32+d[i+1]]++
		}
	}
	for i := range randLen - 1 {
		x := chiSquare(pos[i][:], total)
		assert.Less(t, x, chiLimit(31), "digit %d: chi-square %.1f over 32 values", i, x)
	}
	assert.Zero(t, sumInts(pos[randLen-1][16:]), "the 13th digit has 4 bits: 0-f")
	x := chiSquare(pos[randLen-1][:16], total)
	assert.Less(t, x, chiLimit(15), "digit 12: chi-square %.1f over 16 values", x)
	for i := range randLen - 2 {
		x := chiSquare(pairs[i][:], total)
		assert.Less(t, x, chiLimit(1023), "digits %d and %d together: chi-square %.1f", i, i+1, x)
	}
	var last []int // digit 12 has 16 values
	for a := range 32 {
		last = append(last, pairs[randLen-2][a*32:a*32+16]...)
	}
	x = chiSquare(last, total)
	assert.Less(t, x, chiLimit(511), "digits 11 and 12 together: chi-square %.1f", x)
}

func sumInts(s []int) int {
	var n int
	for _, v := range s {
		n += v
	}
	return n
}

// TestAppendRandomKeepsPrefix: whatever the length and capacity of
// the buffer (a name near the 128-byte stack buffer of next, a buffer with
// no spare room), appendRandom keeps what it holds, appends exactly 13
// digits, and a suffix appended after them is intact.
func TestAppendRandomKeepsPrefix(t *testing.T) {
	for _, n := range []int{0, 1, 7, 8, 111, 112, 113, 115, 116, 127, 128, 300} {
		for _, spare := range []int{0, 1, 3, 12, 13, 15, 16, 40} {
			prefix := strings.Repeat("p", n)
			b := append(make([]byte, 0, n+spare), prefix...)
			b = appendRandom(b)
			require.Len(t, b, n+randLen)
			assert.Equal(t, prefix, string(b[:n]))
			b = append(b, ".s"...)
			name := string(b)
			assert.True(t, strings.HasSuffix(name, ".s"))
			for _, c := range []byte(name[n : n+randLen]) {
				assert.Contains(t, randAlphabet, string(c), "%q", name)
			}
		}
	}
}

// valueFs implements StrictFs, HardLinker and DirSyncer on its value;
// ptrFs only on its pointer.
type (
	valueFs struct{ afero.Fs }
	ptrFs   struct{ afero.Fs }
)

func (valueFs) StrictPOSIX() bool         { return true }
func (valueFs) Link(string, string) error { return nil }
func (valueFs) SyncDir(string) error      { return nil }
func (*ptrFs) StrictPOSIX() bool          { return true }

// TestProbeAsAssertions: what probe records of an Fs is what a type
// assertion on it finds: value and pointer receivers, typed nil pointers,
// BasePathFs, MemMapFs and OsFs.
func TestProbeAsAssertions(t *testing.T) {
	mem := afero.NewMemMapFs()
	for _, tc := range []struct {
		name      string
		fsys      afero.Fs
		strict    bool
		mkdirExcl bool
	}{
		{"value receiver by value", valueFs{mem}, true, true},
		{"value receiver by pointer", &valueFs{mem}, true, true},
		{"pointer receiver by value", ptrFs{mem}, false, false},
		{"pointer receiver by pointer", &ptrFs{mem}, true, true},
		{"typed nil pointer", (*ptrFs)(nil), true, true},
		{"MemMapFs", mem, false, true},
		{"OsFs", afero.NewOsFs(), true, true},
		{"BasePathFs over MemMapFs", afero.NewBasePathFs(mem, "/b"), false, false},
		{"ReadOnlyFs", afero.NewReadOnlyFs(mem), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := probe(tc.fsys)
			assert.Equal(t, tc.strict, b.strict)
			assert.Equal(t, tc.mkdirExcl, b.mkdirExcl)
			r, _ := tc.fsys.(AtomicReplacer)
			assert.Equal(t, r, b.replacer)
			assert.Equal(t, r == nil, b.replacer == nil)
			if _, ok := tc.fsys.(UnnamedCreator); ok {
				assert.Equal(t, tc.fsys, b.unnamed)
			}
			var n tempNamer
			n.b.replacer = r // a namer reused in place starts afresh
			n.b.probe(tc.fsys)
			assert.Equal(t, b, n.b)
		})
	}
}
