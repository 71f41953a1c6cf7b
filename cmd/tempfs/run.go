package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

const runSynopsis = "[-dir DIR] [-keep] [-pattern tempfs-run-*] -- CMD [ARGS...]"

const runDetail = `Run creates a fresh scratch directory (mode 0700, its name the pattern
with its last "*" replaced by 13 random characters), runs CMD with it as
its working directory and as $TMPDIR and $TEMPFS_DIR, and removes it with
everything in it when CMD ends: on a normal exit, a non-zero exit, and when
tempfs gets SIGINT, SIGTERM, SIGHUP or SIGQUIT, which it forwards to CMD and
then waits for CMD to end. (A SIGKILL of tempfs itself leaves the directory.)
The exit status is CMD's; a CMD killed by signal N gives 128+N, as in a
shell; 127 if CMD is not found, 126 if it cannot be started.

With -dir sftp://host/path or s3://bucket/prefix the scratch directory is
made and removed on the server: CMD runs locally, in the current directory with $TMPDIR unchanged,
and finds the directory's server path in $TEMPFS_DIR and its URL in
$TEMPFS_URL.`

func runRun(e *env, args []string) int {
	flags := e.flagSet(runSynopsis, runDetail)
	dir := flags.String("dir", "", "create the scratch directory in `DIR` (default $TMPDIR or /tmp); a path or URL")
	keep := flags.Bool("keep", false, "keep the scratch directory; its path is printed on stderr")
	pattern := flags.String("pattern", "tempfs-run-*", "name `pattern` of the scratch directory; the last * becomes random")
	if code, done := parse(flags, args); done {
		return code
	}
	if flags.NArg() == 0 {
		return e.usageErr("want a command to run")
	}
	// Signals are caught from here on, so none can end tempfs between
	// creating the directory and removing it.
	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, forwardedSignals()...)
	defer signal.Stop(sigs)

	loc := &location{fsys: afero.NewOsFs(), close: func() error { return nil }}
	if *dir != "" {
		var err error
		if loc, err = openLocation(e, *dir); err != nil {
			return e.exitFor(err)
		}
	}
	defer loc.close()
	scratch, err := tempfs.MkdirTemp(loc.fsys, loc.path, *pattern)
	if err != nil {
		return e.fail(loc.explain(err))
	}
	if *keep {
		fmt.Fprintf(e.stderr, "%s: keeping %s\n", e.name, loc.show(scratch))
	}
	status := e.runIn(loc, scratch, flags.Args(), sigs)
	if !*keep {
		if err := tempfs.RemoveAll(loc.fsys, scratch); err != nil {
			e.warn(loc.explain(err))
			if status == exitOK {
				status = exitFailure
			}
		}
	}
	return status
}

// runIn runs argv with scratch as its directory, forwarding signals, and
// returns the status tempfs exits with.
func (e *env) runIn(loc *location, scratch string, argv []string, sigs <-chan os.Signal) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = e.stdin, e.stdout, e.stderr
	cmd.Env = os.Environ()
	if loc.remote {
		cmd.Env = append(cmd.Env, "TEMPFS_DIR="+scratch, "TEMPFS_URL="+loc.show(scratch))
	} else {
		cmd.Dir = scratch
		cmd.Env = append(cmd.Env, "TMPDIR="+scratch, "TEMPFS_DIR="+scratch)
	}
	if err := cmd.Start(); err != nil {
		e.warn(err)
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, os.ErrNotExist) {
			return 127
		}
		return 126
	}
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-sigs:
				_ = cmd.Process.Signal(s)
			case <-done:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(done)
	if cmd.ProcessState == nil {
		e.warn(err)
		return exitFailure
	}
	return exitStatus(cmd.ProcessState)
}
