// Command atomicwrite replaces a file atomically with its standard input,
// streaming, like moreutils' sponge:
//
//	sort data.txt | atomicwrite data.txt
//
// Readers of the file, and a crash at any moment, see the old content or
// the new one, never a partial file. The new file keeps the old one's
// permissions (or gets -mode if there was none). Memory use does not grow
// with the input's size: the input goes straight into a temp file beside
// the target, which is renamed over it once stdin ends. If stdin fails,
// the target is left as it was.
package main

import (
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

func main() {
	mode := flag.String("mode", "0644", "permissions (octal, before umask) of a file that does not exist yet")
	noSync := flag.Bool("nosync", false, "skip fsync: atomic, but not durable across power loss")
	parents := flag.Bool("p", false, "create missing parent directories")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: atomicwrite [-mode 0644] [-nosync] [-p] FILE < input")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	perm, err := strconv.ParseUint(*mode, 8, 32)
	if err != nil || perm > 0o777 {
		fmt.Fprintf(os.Stderr, "atomicwrite: bad -mode %q\n", *mode)
		os.Exit(2)
	}
	if err := write(afero.NewOsFs(), flag.Arg(0), os.Stdin, fs.FileMode(perm), *noSync, *parents); err != nil {
		fmt.Fprintln(os.Stderr, "atomicwrite:", err)
		os.Exit(1)
	}
}

func write(fsys afero.Fs, name string, r io.Reader, perm fs.FileMode, noSync, parents bool) error {
	var opts []tempfs.Option // an existing target keeps its mode: the default
	if noSync {
		opts = append(opts, tempfs.NoSync())
	}
	if parents {
		opts = append(opts, tempfs.CreateParents())
	}
	return tempfs.WriteReader(fsys, name, r, perm, opts...)
}
