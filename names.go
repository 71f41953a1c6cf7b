package tempfs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/spf13/afero"
)

// This file is the temp-name grammar: the random part, the names of
// CreateTemp and MkdirTemp, the names of the temp files of atomic writes
// (which Sweep recognises), and the checks every name gets.

// maxTries is how many names CreateTemp and MkdirTemp try before giving up,
// as os.CreateTemp does.
const maxTries = 10000

// randLen is the length of the random part of a name: 13 base-32 digits,
// carrying the 64 bits of one random uint64 (the last digit is 0-f).
const randLen = 13

// maxNameLen is the longest file name (one path element) tempfs creates,
// the NAME_MAX of common file systems, so that every backend refuses the
// same over-long patterns.
const maxNameLen = 255

const randAlphabet = "0123456789abcdefghijklmnopqrstuv"

// appendRandom appends randLen random base-32 digits to b: the 64 bits
// of one random uint64, five at a time from the lowest, each written as
// randAlphabet writes it. The bits come from math/rand/v2's runtime source,
// which is seeded from the operating system, differs per thread and holds
// no state of this package. It writes randLen+3 bytes (two 8-digit words)
// and returns b extended by randLen: the 3 bytes past the returned length
// are overwritten in b's spare capacity.
func appendRandom(b []byte) []byte {
	r := rand.Uint64()
	n := len(b)
	b = slices.Grow(b, randLen+3)[:n+randLen+3] // 2 words, 3 bytes spare
	binary.LittleEndian.PutUint64(b[n:], base32Word(r))
	binary.LittleEndian.PutUint64(b[n+8:], base32Word(r>>40))
	return b[:n+randLen]
}

// base32Word returns the 8 digits of the lowest 40 bits of r (see
// appendRandom), the lowest digit in the lowest byte. The 5-bit groups are
// spread into bytes by halving (40 bits into two 20-bit halves of the
// word, each into two 10-bit quarters, each into two bytes) and turned
// into characters in all bytes at once: '0'+d, plus 'a'-'0'-10 where d is
// 10 or more (0x80 set in d+0x76). No byte carries into the next.
func base32Word(r uint64) uint64 {
	x := r & (1<<40 - 1)
	x = (x & 0xfffff) | (x>>20&0xfffff)<<32
	x = (x & 0x3ff_0000_03ff) | (x>>10&0x3ff_0000_03ff)<<16
	x = (x & 0x001f_001f_001f_001f) | (x>>5&0x001f_001f_001f_001f)<<8
	letter := (x + 0x7676_7676_7676_7676) & 0x8080_8080_8080_8080 >> 7 // 1 where d >= 10
	return x + 0x3030_3030_3030_3030 + letter*('a'-'0'-10)
}

var (
	errPatternHasSeparator = fmt.Errorf("pattern contains path separator: %w", fs.ErrInvalid)
	errPatternHasNUL       = fmt.Errorf("pattern contains NUL byte: %w", fs.ErrInvalid)
	errNameHasNUL          = fmt.Errorf("name contains NUL byte: %w", fs.ErrInvalid)
	errNilFunc             = fmt.Errorf("nil function: %w", fs.ErrInvalid)
)

// splitPattern splits pattern at its last "*" as os.CreateTemp does, and
// refuses patterns that could not make a single file name in dir.
func splitPattern(pattern string) (prefix, suffix string, err error) {
	star := -1
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; {
		case os.IsPathSeparator(c):
			return "", "", errPatternHasSeparator
		case c == 0:
			return "", "", errPatternHasNUL
		case c == '*':
			star = i
		}
	}
	prefix, suffix = pattern, ""
	if star != -1 {
		prefix, suffix = pattern[:star], pattern[star+1:]
	}
	if len(prefix)+randLen+len(suffix) > maxNameLen {
		return "", "", syscall.ENAMETOOLONG
	}
	return prefix, suffix, nil
}

// tempNamer makes candidate names dir/prefix<random>suffix for one call.
type tempNamer struct {
	b              backend
	op             string
	dir            string
	prefix, suffix string
}

// newNamer checks pattern and dir (dir "" meaning TempDir(fsys)) before
// anything is created.
func newNamer(fsys afero.Fs, op, dir, pattern string) (tempNamer, error) {
	var n tempNamer
	if err := n.init(fsys, op, dir, pattern); err != nil {
		return tempNamer{}, err
	}
	return n, nil
}

// init is [newNamer] in place, for a caller that keeps n on its stack:
// nothing is copied. On error n is not usable.
func (n *tempNamer) init(fsys afero.Fs, op, dir, pattern string) error {
	if fsys == nil {
		return &fs.PathError{Op: op, Path: pattern, Err: errNilFs}
	}
	prefix, suffix, err := splitPattern(pattern)
	if err != nil {
		return &fs.PathError{Op: op, Path: pattern, Err: err}
	}
	if strings.IndexByte(dir, 0) >= 0 {
		return &fs.PathError{Op: op, Path: dir, Err: errNameHasNUL}
	}
	n.b.probe(fsys)
	n.op, n.dir, n.prefix, n.suffix = op, dir, prefix, suffix
	if err := n.b.checkInside(op, dir, true); err != nil {
		return err
	}
	if dir == "" {
		if n.dir, err = TempDir(fsys); err != nil {
			return wrapErr(op, n.pattern(), err)
		}
	} else if !n.b.strict {
		// The error's path is built only on failure: this runs on every
		// call on MemMapFs.
		if err := n.b.checkDir(dir); err != nil {
			return wrapErr(op, n.pattern(), err)
		}
	}
	return nil
}

// pattern is the path the caller asked for, with "*" for the random part.
func (n *tempNamer) pattern() string {
	return filepath.Join(n.dir, n.prefix+"*"+n.suffix)
}

// next returns a fresh candidate name. It builds the name in a stack
// buffer, so a name of up to 128 bytes costs one allocation.
func (n *tempNamer) next() string {
	var buf [128]byte
	b := append(buf[:0], n.dir...)
	if len(b) > 0 && !os.IsPathSeparator(b[len(b)-1]) {
		b = append(b, filepath.Separator)
	}
	b = append(b, n.prefix...)
	b = appendRandom(b)
	b = append(b, n.suffix...)
	return string(b)
}

// exhausted is the error after maxTries clashes.
func (n *tempNamer) exhausted() error {
	return &fs.PathError{Op: n.op, Path: n.pattern(), Err: fs.ErrExist}
}

// create opens a new file under a fresh name with flag, which holds
// O_CREATE|O_EXCL.
func (n *tempNamer) create(flag int, perm fs.FileMode) (afero.File, error) {
	for range maxTries {
		name := n.next()
		f, err := n.b.fsys.OpenFile(name, flag, perm)
		if err == nil {
			n.b.recordTemp(name)
			return f, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, wrapErr(n.op, n.pattern(), n.b.refine(n.dir, err))
		}
	}
	return nil, n.exhausted()
}

// tempMarker and tempSuffix frame the random part of the names of this
// package's temp files in a target's directory: ".<base>.tempfs-<13>.tmp".
// Sweep recognises exactly these names.
const (
	tempMarker = ".tempfs-"
	tempSuffix = ".tmp"
	// maxBaseInTemp keeps the temp name within maxNameLen.
	maxBaseInTemp = maxNameLen - 1 - len(tempMarker) - randLen - len(tempSuffix)
)

// truncateName cuts s to at most n bytes, at a UTF-8 boundary where s is
// UTF-8 there; bytes that are not (a name is any bytes on Unix) are cut
// where they fall, so the result is never empty.
func truncateName(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := n; i > 0 && i > n-utf8.UTFMax; i-- {
		if utf8.RuneStart(s[i]) {
			return s[:i]
		}
	}
	return s[:n]
}

var (
	errEmptyName       = fmt.Errorf("empty name: %w", fs.ErrInvalid)
	errTrailingSep     = fmt.Errorf("name ends in a path separator: %w", fs.ErrInvalid)
	errNotAFileName    = fmt.Errorf("name does not name a file: %w", fs.ErrInvalid)
	errNameElemTooLong = syscall.ENAMETOOLONG
)

// maxPathLen is PATH_MAX on Linux: a longer name is refused on every
// backend, as the OS refuses it.
const maxPathLen = 4096

// checkTarget refuses a name that cannot be the target of a write, with
// the same error on every backend, before anything is touched: empty, with
// a NUL byte, ending in a separator or in "." or "..", longer than PATH_MAX
// or with an element longer than a file name may be.
func checkTarget(name string) error {
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
	if len(name) <= maxNameLen {
		return nil // no element can be longer than the whole name
	}
	for elem := range strings.SplitSeq(filepath.ToSlash(name), "/") {
		if len(elem) > maxNameLen {
			return errNameElemTooLong
		}
	}
	return nil
}

// IsTempName reports whether the file name (one path element) is named as
// the temp files of this package's atomic writes are:
// ".<base>.tempfs-<13 letters or digits>.tmp". [Sweep] removes such files;
// a file watcher can use it to ignore writes in progress.
func IsTempName(name string) bool {
	// The first byte and the length reject other names at once: Sweep
	// asks this of every name in a directory.
	const minLen = 1 + 1 + len(tempMarker) + randLen + len(tempSuffix)
	return len(name) >= minLen && name[0] == '.' && isTempName(name)
}

// isTempName is IsTempName for a name of at least its length starting
// with a dot.
func isTempName(name string) bool {
	rest, ok := strings.CutSuffix(name, tempSuffix)
	if !ok {
		return false
	}
	random := rest[len(rest)-randLen:]
	for i := 0; i < len(random); i++ {
		if strings.IndexByte(randAlphabet, random[i]) < 0 {
			return false
		}
	}
	return strings.HasSuffix(rest[:len(rest)-randLen], tempMarker)
}
