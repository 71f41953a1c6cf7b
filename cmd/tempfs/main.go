// Command tempfs gives the shell the guarantees of the tempfs library:
// atomic and durable file writes, sweeps of the temp files a crashed writer
// left, scratch directories that are gone afterwards, and mktemp with
// 64-bit random names, on local disk, over sftp:// and on S3 (s3://).
//
// Usage:
//
//	tempfs write [-mode 0666] [-keep-mode] [-no-sync] [-parents] TARGET < data
//	tempfs sweep [-older-than 1h] [-n] [-r] DIR...
//	tempfs run [-dir DIR] [-keep] [-pattern tempfs-run-*] -- CMD [ARGS...]
//	tempfs mktemp [-d] [-q] [-p DIR] [TEMPLATE]
//
// TARGET and DIR may be plain paths, file:// URLs,
// sftp://[user@]host[:port]/path URLs or s3://bucket/key URLs (AWS SDK
// configuration from the environment; another S3 server by
// $TEMPFS_S3_ENDPOINT). Exit status: 0 success, 1 failure,
// 2 usage error; `tempfs run` passes CMD's status through. -h on any
// subcommand prints its usage on stderr and exits 0, as the flag package
// does. See docs/cmd.md in the repository for what each command guarantees.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

// command is one subcommand: its name, a one-line synopsis and its body.
type command struct {
	name     string
	synopsis string
	run      func(e *env, args []string) int
}

// env is what a subcommand may touch of the process: its standard streams
// and environment. Keeping them here lets every message go through one
// place that guarantees one line per error.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	name           string // subcommand name, for messages
}

func commands() []command {
	return []command{
		{"write", "replace a file atomically and durably with standard input", runWrite},
		{"sweep", "remove the temp files that crashed atomic writes left", runSweep},
		{"run", "run a command in a scratch directory removed afterwards", runRun},
		{"mktemp", "create a temp file or directory (coreutils-compatible)", runMktemp},
	}
}

func main() {
	os.Exit(mainExit(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func mainExit(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, name: "tempfs"}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			return mainExit([]string{args[1], "-h"}, stdin, stdout, stderr)
		}
		usage(stderr)
		return exitOK
	}
	for _, c := range commands() {
		if c.name == name {
			e.name = "tempfs " + name
			return c.run(e, args[1:])
		}
	}
	fmt.Fprintf(stderr, "tempfs: unknown command %q\nRun 'tempfs help' for usage.\n", name)
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintf(w, "tempfs: atomic writes, orphan sweeps and scratch directories from the shell.\n\nUsage:\n\n\ttempfs <command> [flags] [arguments]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.synopsis)
	}
	fmt.Fprintf(w, "\nTargets and directories may be paths, file://, sftp://[user@]host[:port]/path\nor s3://bucket/key URLs (S3: the AWS SDK's environment; another server by\n$TEMPFS_S3_ENDPOINT=http://host:port).\nRun 'tempfs <command> -h' for a command's flags.\n")
}

// flagSet returns a FlagSet for a subcommand whose usage prints synopsis
// and the flags on stderr.
func (e *env) flagSet(synopsis, detail string) *flag.FlagSet {
	flags := flag.NewFlagSet(e.name, flag.ContinueOnError)
	flags.SetOutput(e.stderr)
	flags.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s %s\n\n%s\n", e.name, synopsis, detail)
		hasFlags := false
		flags.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintln(e.stderr, "\nFlags:")
			flags.PrintDefaults()
		}
	}
	return flags
}

// parse parses args; done reports that the caller must return code: 0
// after -h, 2 after a bad flag (the flag package has printed why).
func parse(flags *flag.FlagSet, args []string) (code int, done bool) {
	err := flags.Parse(args)
	switch {
	case err == nil:
		return 0, false
	case errors.Is(err, flag.ErrHelp):
		return exitOK, true
	default:
		return exitUsage, true
	}
}

// usageErr prints a usage error, one line and a hint, and returns 2.
func (e *env) usageErr(format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\nRun '%s -h' for usage.\n", e.name, oneLine(fmt.Sprintf(format, args...)), e.name)
	return exitUsage
}

// fail prints err as one line, "tempfs CMD: <err>", and returns 1. The
// library's errors name the path and the cause ("writereader /a/b: no such
// file or directory").
func (e *env) fail(err error) int {
	e.warn(err)
	return exitFailure
}

// warn prints err as one line without deciding the exit status.
func (e *env) warn(err error) {
	fmt.Fprintf(e.stderr, "%s: %s\n", e.name, oneLine(err.Error()))
}

// oneLine folds a multi-line message (some SSH errors have several lines)
// into one.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
