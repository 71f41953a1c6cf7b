package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"golang.org/x/term"

	"github.com/tempfs-go/tempfs"
)

const writeSynopsis = "[-mode 0666] [-keep-mode] [-no-sync] [-parents] TARGET < data"

const writeDetail = `Write reads standard input to its end, then replaces TARGET with it
atomically and durably: readers and crashes see the old TARGET or the new,
never an empty or partial one. The input is written to a temp file beside
TARGET and renamed over it only after the input ended, so TARGET may be the
input (as with moreutils' sponge):  sort f | tempfs write f
On s3:// the content is uploaded to the key itself, published whole by the
last request: no temp object, no rename.
If the input fails, TARGET is left as it was. An existing TARGET keeps its
mode unless -mode is given; a new one gets -mode (default 0666, before
umask, as with the shell's >). A symbolic link at TARGET is replaced by a
regular file. On a terminal, a progress line (bytes, rate)
appears on stderr when the input takes longer than a second.`

// modeFlag is a file mode in octal, as chmod takes it.
type modeFlag fs.FileMode

func (m *modeFlag) String() string { return fmt.Sprintf("%#o", fs.FileMode(*m)) }

func (m *modeFlag) Set(s string) error {
	v, err := strconv.ParseUint(s, 8, 32)
	if err != nil || v > 0o777 {
		return fmt.Errorf("want octal permission bits, 0 to 0777")
	}
	*m = modeFlag(v)
	return nil
}

func runWrite(e *env, args []string) int {
	flags := e.flagSet(writeSynopsis, writeDetail)
	mode := modeFlag(0o666)
	flags.Var(&mode, "mode", "permission `bits` (octal) of a new file, before umask; when given, an existing TARGET gets them too, unless -keep-mode")
	keepMode := flags.Bool("keep-mode", false, "an existing TARGET keeps its permission bits (the default without -mode)")
	noSync := flags.Bool("no-sync", false, "skip fsync: still atomic, but a power loss may lose the new content")
	parents := flags.Bool("parents", false, "create TARGET's missing parent directories (mode 0755 before umask)")
	if code, done := parse(flags, args); done {
		return code
	}
	if flags.NArg() != 1 {
		return e.usageErr("want exactly one TARGET, got %d arguments", flags.NArg())
	}
	loc, err := openLocation(e, flags.Arg(0))
	if err != nil {
		return e.exitFor(err)
	}
	defer loc.close()

	modeGiven := false
	flags.Visit(func(f *flag.Flag) { modeGiven = modeGiven || f.Name == "mode" })
	var opts []tempfs.Option
	// As the shell's > (and sponge), an existing TARGET keeps its mode (the
	// library's default) unless -mode says otherwise.
	if modeGiven && !*keepMode {
		opts = append(opts, tempfs.WithPermissions(fs.FileMode(mode)))
	}
	if *noSync {
		opts = append(opts, tempfs.NoSync())
	}
	if *parents {
		opts = append(opts, tempfs.CreateParents())
	}
	in := e.stdin
	p := e.progress(in)
	if p != nil {
		in = p.reader(in)
	}
	// WriteReader copies the whole input into a temp file in TARGET's
	// directory and renames it only after the input ended: that is what
	// makes `tempfs write f < f` safe.
	err = tempfs.WriteReader(loc.fsys, loc.path, in, replacerPerm(loc, fs.FileMode(mode), modeGiven && !*keepMode), opts...)
	if p != nil {
		p.stop() // erase the line before any error is printed
	}
	if err != nil {
		return e.fail(loc.explain(err))
	}
	return exitOK
}

// progress returns a progress line for reading in, or nil when stderr is
// not a terminal.
func (e *env) progress(in io.Reader) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	size := int64(-1)
	if inf, ok := in.(*os.File); ok {
		if fi, err := inf.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	return startProgress(f, size, progressDelay)
}

// replacerPerm returns the perm argument for WriteReader. On an Fs that
// replaces files itself (tempfs.AtomicReplacer: s3fs), tempfs v0.1.0 gives
// the new content perm as it is, ignoring the existing target's mode and
// WithPermissions; so that an existing S3 object keeps its mode as a local
// file does, the command reads it here (one more request; a target that
// changes in between is a race the caller cannot see). Elsewhere perm is
// passed through and the library keeps the mode itself.
func replacerPerm(loc *location, perm fs.FileMode, force bool) fs.FileMode {
	if _, ok := loc.fsys.(tempfs.AtomicReplacer); !ok || force {
		return perm
	}
	if fi, err := loc.fsys.Stat(loc.path); err == nil && fi.Mode().IsRegular() {
		return fi.Mode().Perm()
	}
	return perm
}
