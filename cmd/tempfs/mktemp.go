package main

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

const mktempSynopsis = "[-d] [-q] [-p DIR] [TEMPLATE]"

const mktempDetail = `Mktemp creates a temp file (mode 0600) or with -d a directory (0700),
modes before umask, and prints its name, as coreutils' mktemp does.
TEMPLATE holds a run of at least 3 X's (the last run of X's, which may be
followed by a suffix without "/": fooXXX.txt); the default is
tmp.XXXXXXXXXX in $TMPDIR or /tmp. Without -p, a TEMPLATE is relative to
the current directory; with -p DIR it is relative to DIR (DIR "" meaning
$TMPDIR or /tmp) and may not be absolute.

Unlike coreutils, the names carry 64 random bits: a run of fewer than 13
X's becomes 13 random characters of [0-9a-v] (the name is longer than the
template), a longer run becomes as many. A "*" after the X's is refused.`

// minXs is how many X's coreutils requires in a template.
const minXs = 3

// randomRun is the length of the random part tempfs makes: 13 base-32
// characters carry 64 bits.
const randomRun = 13

// randAlphabet is the alphabet of tempfs's random names.
const randAlphabet = "0123456789abcdefghijklmnopqrstuv"

func runMktemp(e *env, args []string) int {
	flags := e.flagSet(mktempSynopsis, mktempDetail)
	isDir := flags.Bool("d", false, "create a directory, not a file")
	quiet := flags.Bool("q", false, "print no error message when the file or directory cannot be created")
	var dir optionalString
	flags.Var(&dir, "p", "create the name relative to `DIR` (\"\": $TMPDIR or /tmp)")
	if code, done := parse(flags, args); done {
		return code
	}
	if flags.NArg() > 1 {
		return e.usageErr("want at most one TEMPLATE, got %d", flags.NArg())
	}
	tmpl, err := e.fullTemplate(flags.Args(), dir)
	if err == nil {
		var name string
		name, err = createFromTemplate(afero.NewOsFs(), tmpl, *isDir)
		if err == nil {
			fmt.Fprintln(e.stdout, name)
			return exitOK
		}
	}
	// As coreutils: -q hides the failure to create, not a bad template.
	var te *templateError
	if !*quiet || errors.As(err, &te) {
		e.warn(err)
	}
	return exitFailure
}

// templateError is a template that makes no name.
type templateError struct{ msg string }

func (e *templateError) Error() string { return e.msg }

func badTemplate(format string, args ...any) error {
	return &templateError{fmt.Sprintf(format, args...)}
}

// optionalString is a string flag that remembers whether it was given.
type optionalString struct {
	set bool
	s   string
}

func (o *optionalString) String() string { return o.s }
func (o *optionalString) Set(s string) error {
	o.set, o.s = true, s
	return nil
}

// fullTemplate puts the template in its directory as coreutils does.
func (e *env) fullTemplate(args []string, dir optionalString) (string, error) {
	tmpl := "tmp.XXXXXXXXXX"
	useDir := dir.set || len(args) == 0
	if len(args) == 1 {
		tmpl = args[0]
	}
	if !useDir {
		return tmpl, nil
	}
	if filepath.IsAbs(tmpl) {
		return "", badTemplate("invalid template %q: with -p, it may not be absolute", tmpl)
	}
	base := dir.s
	if base == "" {
		base = e.getenv("TMPDIR")
	}
	if base == "" {
		base = "/tmp"
	}
	if strings.HasSuffix(base, "/") {
		return base + tmpl, nil
	}
	return base + "/" + tmpl, nil
}

// createFromTemplate creates the file or directory and returns its name:
// tmpl with its run of X's replaced.
func createFromTemplate(fsys afero.Fs, tmpl string, isDir bool) (string, error) {
	// As coreutils: the suffix follows the last X; the X's are the run
	// that ends there.
	end := strings.LastIndexByte(tmpl, 'X') + 1
	suffix := tmpl[end:]
	if strings.ContainsRune(suffix, filepath.Separator) || strings.ContainsRune(suffix, '/') {
		return "", badTemplate("invalid suffix %q, contains directory separator", suffix)
	}
	start := end
	for start > 0 && tmpl[start-1] == 'X' {
		start--
	}
	xs := end - start
	if xs < minXs {
		return "", badTemplate("too few X's in template %q", tmpl)
	}
	if strings.ContainsRune(suffix, '*') {
		return "", badTemplate("invalid suffix %q: tempfs cannot put a \"*\" after the random part", suffix)
	}
	head := tmpl[:start]
	dirText, prefix := "", head
	if i := strings.LastIndexByte(head, '/'); i >= 0 {
		dirText, prefix = head[:i+1], head[i+1:]
	}
	// The library makes 13 random characters; a longer run of X's gets
	// the rest here, from the same alphabet.
	if xs > randomRun {
		extra := make([]byte, xs-randomRun)
		rand.Read(extra)
		for i := range extra {
			extra[i] = randAlphabet[extra[i]%byte(len(randAlphabet))]
		}
		prefix += string(extra)
	}
	pattern := prefix + "*" + suffix
	fsDir := dirText
	if fsDir == "" {
		fsDir = "."
	}
	var created string
	if isDir {
		name, err := tempfs.MkdirTemp(fsys, fsDir, pattern)
		if err != nil {
			return "", failedVia("directory", tmpl, err)
		}
		created = name
	} else {
		f, err := tempfs.CreateTemp(fsys, fsDir, pattern)
		if err != nil {
			return "", failedVia("file", tmpl, err)
		}
		created = f.Name()
		if err := f.Close(); err != nil {
			_ = fsys.Remove(created)
			return "", failedVia("file", tmpl, err)
		}
	}
	return dirText + filepath.Base(created), nil
}

// failedVia is coreutils' message for a failed create, naming the template
// and the cause.
func failedVia(kind, tmpl string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("failed to create %s via template %q: %w", kind, tmpl, err)
}
