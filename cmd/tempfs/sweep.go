package main

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"time"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

const sweepSynopsis = "[-older-than 1h] [-n] [-r] DIR..."

const sweepDetail = `Sweep removes from each DIR the temp files that tempfs's atomic writes
(this command's write, and the Go library's WriteFile, WriteReader and
PendingFile) leave behind when a writer dies between creating and renaming
them, and prints each path it removed, one per line. It removes only
regular files named exactly as those temp files are
(".<name>.tempfs-<13 random letters or digits>.tmp") and last modified
longer ago than -older-than; other files, however alike, are untouched.
Symbolic links are never followed. For cron and systemd timers.`

func runSweep(e *env, args []string) int {
	flags := e.flagSet(sweepSynopsis, sweepDetail)
	olderThan := flags.Duration("older-than", time.Hour, "remove only temp files last modified longer ago than this (0: all; pick more than any write may take)")
	dryRun := flags.Bool("n", false, "list what would be removed, remove nothing")
	recursive := flags.Bool("r", false, "also sweep every subdirectory")
	if code, done := parse(flags, args); done {
		return code
	}
	if flags.NArg() == 0 {
		return e.usageErr("want at least one DIR")
	}
	if *olderThan < 0 {
		return e.usageErr("-older-than %v is negative", *olderThan)
	}
	code := exitOK
	for _, arg := range flags.Args() {
		loc, err := openLocation(e, arg)
		if err != nil {
			var ue *usageError
			if errors.As(err, &ue) {
				return e.usageErr("%s", ue.msg)
			}
			e.warn(err)
			code = exitFailure
			continue
		}
		s := sweeper{e: e, loc: loc, olderThan: *olderThan, dryRun: *dryRun}
		if !s.tree(loc.path, *recursive) {
			code = exitFailure
		}
		loc.close()
	}
	return code
}

// sweeper sweeps the directories of one location.
type sweeper struct {
	e         *env
	loc       *location
	olderThan time.Duration
	dryRun    bool
}

// tree sweeps dir and, if recursive, every directory under it (never
// through a symbolic link). It reports errors as it goes and returns
// false if there were any.
func (s sweeper) tree(dir string, recursive bool) bool {
	if !recursive {
		return s.dir(dir)
	}
	ok := true
	var dirs []string
	walkErr := afero.Walk(s.loc.fsys, dir, func(p string, fi fs.FileInfo, err error) error {
		if err != nil {
			s.e.warn(s.loc.explain(&fs.PathError{Op: "sweep", Path: p, Err: cause(err)}))
			ok = false
			return nil
		}
		if fi.IsDir() {
			dirs = append(dirs, p)
		}
		return nil
	})
	if walkErr != nil {
		s.e.warn(s.loc.explain(walkErr))
		ok = false
	}
	for _, d := range dirs {
		if !s.dir(d) {
			ok = false
		}
	}
	return ok
}

// dir sweeps one directory with tempfs.Sweep, or with -n lists what Sweep
// would remove by the same rule: a regular file, a temp name
// (tempfs.IsTempName), modified before the cutoff.
func (s sweeper) dir(dir string) bool {
	var names []string
	var err error
	if s.dryRun {
		names, err = s.list(dir)
	} else {
		names, err = tempfs.Sweep(s.loc.fsys, dir, s.olderThan)
		sort.Strings(names)
	}
	for _, n := range names {
		fmt.Fprintln(s.e.stdout, s.loc.show(n))
	}
	if err != nil {
		s.e.warn(s.loc.explain(err))
		return false
	}
	return true
}

func (s sweeper) list(dir string) ([]string, error) {
	fi, err := s.loc.fsys.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "sweep", Path: dir, Err: errors.New("not a directory")}
	}
	f, err := s.loc.fsys.Open(dir)
	if err != nil {
		return nil, err
	}
	infos, err := f.Readdir(-1)
	f.Close()
	if err != nil {
		return nil, &fs.PathError{Op: "sweep", Path: dir, Err: cause(err)}
	}
	cutoff := time.Now().Add(-s.olderThan)
	var names []string
	for _, fi := range infos {
		if fi.Mode().IsRegular() && tempfs.IsTempName(fi.Name()) && !fi.ModTime().After(cutoff) {
			names = append(names, filepath.Join(dir, fi.Name()))
		}
	}
	sort.Strings(names)
	return names, nil
}

// cause is the error inside a *fs.PathError, or err itself.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
