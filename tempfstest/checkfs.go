package tempfstest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// CheckError is one divergence [CheckFs] found: the check's name, one of
// [CheckNames], and what went wrong.
type CheckError struct {
	// Check is the name of the check that failed, one of [CheckNames].
	Check string
	// Err says how the Fs diverged.
	Err error
}

// Error returns "check <name>: <divergence>".
func (e *CheckError) Error() string { return "check " + e.Check + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *CheckError) Unwrap() error { return e.Err }

// ExclWorkers, ExclRounds and ExclNames size the "create-excl-concurrent"
// check of [CheckFs]: in each of ExclRounds rounds, ExclWorkers goroutines
// start together and each tries to create the same ExclNames new names, in
// the same order, with O_CREATE|O_EXCL; exactly one must win each name.
const (
	ExclWorkers = 8
	ExclRounds  = 100
	ExclNames   = 100
)

type check struct {
	name string
	fn   func(fsys afero.Fs, dir string) error
}

// checks is the list CheckFs runs, in order.
var checks = []check{
	{"open-missing", checkOpenMissing},
	{"stat-missing", checkStatMissing},
	{"create-excl", checkCreateExcl},
	{"create-excl-concurrent", checkCreateExclConcurrent},
	{"create-missing-parent", checkCreateMissingParent},
	{"mkdir-existing", checkMkdirExisting},
	{"mkdir-missing-parent", checkMkdirMissingParent},
	{"rename-replace", checkRenameReplace},
	{"rename-onto-dir", checkRenameOntoDir},
	{"rename-missing", checkRenameMissing},
	{"rename-into-self", checkRenameIntoSelf},
	{"remove-missing", checkRemoveMissing},
	{"remove-nonempty-dir", checkRemoveNonEmptyDir},
	{"write-read", checkWriteRead},
	{"open-trunc", checkOpenTrunc},
	{"open-append", checkOpenAppend},
	{"writeat-offset", checkWriteAtOffset},
	{"seek-negative", checkSeekNegative},
	{"readat-eof", checkReadAtEOF},
	{"readdir", checkReaddir},
	{"file-sync", checkFileSync},
	{"dir-sync", checkDirSync},
	{"link-existing", checkLinkExisting},
	{"permissions", checkPermissions},
	{"symlinks", checkSymlinks},
	{"hard-links", checkHardLinks},
	{"unlinked-open", checkUnlinkedOpen},
	{"readdir-paging", checkReaddirPaging},
}

// CheckNames returns the names of the checks [CheckFs] runs, in order.
// "scratch" is not among them: it names the failure to set up the scratch
// directory, after which no check runs.
func CheckNames() []string {
	names := make([]string, len(checks))
	for i, c := range checks {
		names[i] = c.name
	}
	return names
}

// CheckFs checks that fsys has the semantics tempfs relies on for its
// guarantees, in the style of [testing/fstest.TestFS], and returns every
// divergence found, each a [*CheckError] naming its check, joined with
// [errors.Join]; nil means fsys passed every check.
//
// The checks (see [CheckNames]) cover: errors are [*fs.PathError] wrapping
// fs.ErrNotExist / fs.ErrExist; O_CREATE|O_EXCL fails on an existing name,
// also when [ExclWorkers] goroutines race for one name ([ExclTrials]
// times); creating a file or directory in a missing parent fails with
// fs.ErrNotExist and creates nothing; Mkdir of an existing name fails with
// fs.ErrExist; Rename replaces a file, refuses a file onto a directory and
// a directory into itself, fails with fs.ErrNotExist for a missing source;
// Remove refuses a non-empty directory; files read, write, truncate,
// append, WriteAt without moving the offset and refuse a negative Seek as
// an [os.File] does; File.Sync and directory sync ([tempfs.DirSyncer], or
// opening the directory and calling Sync; not checked on Windows, where
// tempfs does not sync directories) return nil; a [tempfs.HardLinker]
// refuses an existing target with fs.ErrExist; as a non-root process,
// permission bits are enforced (write to a 0o400 file, create in a 0o500
// directory, list a 0o300 directory); an [afero.Symlinker] follows links in
// Stat but not in Lstat and fails a loop with syscall.ELOOP; two hard
// links share data and count as two links (where FileInfo.Sys is a
// *syscall.Stat_t); an open file survives a Remove or a Rename over its
// name; Readdir(n) and Readdirnames(n) page.
//
// CheckFs works in a directory it creates with [tempfs.MkdirTemp] under
// [tempfs.TempDir](fsys), one subdirectory per check, and removes it at the
// end (a failure to remove it is reported as check "cleanup"). If the
// scratch directory cannot be made, it returns one CheckError "scratch".
// It takes about a second on a disk, because of the concurrent check. It
// is safe to run concurrently with other users of fsys.
func CheckFs(fsys afero.Fs) error {
	scratch, err := tempfs.MkdirTemp(fsys, "", "checkfs-*")
	if err != nil {
		return &CheckError{Check: "scratch", Err: err}
	}
	var errs []error
	for _, c := range checks {
		dir := filepath.Join(scratch, c.name)
		err := fsys.Mkdir(dir, 0o700)
		if err == nil {
			err = c.fn(fsys, dir)
		} else {
			err = fmt.Errorf("making the check's directory: %w", err)
		}
		if err != nil {
			errs = append(errs, &CheckError{Check: c.name, Err: err})
		}
	}
	if err := tempfs.RemoveAll(fsys, scratch); err != nil {
		errs = append(errs, &CheckError{Check: "cleanup", Err: err})
	}
	return errors.Join(errs...)
}

// errDiverges is wrapped by a check's own finding (as opposed to an
// unexpected error of the Fs).
var errDiverges = errors.New("diverges from POSIX")

func divergef(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errDiverges}, args...)...)
}

// wantErr checks that err is an *fs.PathError or *os.LinkError wrapping
// target.
func wantErr(what string, err, target error) error {
	if err == nil {
		return divergef("%s succeeded, want an error wrapping %v", what, target)
	}
	if !errors.Is(err, target) {
		return divergef("%s: got %v (%T), want an error wrapping %v", what, err, err, target)
	}
	var pe *fs.PathError
	var le *os.LinkError
	if !errors.As(err, &pe) && !errors.As(err, &le) {
		return divergef("%s: got %T, want *fs.PathError or *os.LinkError", what, err)
	}
	return nil
}

func writeFile(fsys afero.Fs, name, data string) error {
	return afero.WriteFile(fsys, name, []byte(data), 0o600)
}

// wantContent checks that name holds data.
func wantContent(fsys afero.Fs, name, data string) error {
	got, err := afero.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("reading %s: %w", name, err)
	}
	if string(got) != data {
		return divergef("%s holds %q, want %q", name, got, data)
	}
	return nil
}

// wantMissing checks that name does not exist.
func wantMissing(fsys afero.Fs, name string) error {
	_, err := fsys.Stat(name)
	if err == nil {
		return divergef("%s exists, want it absent", name)
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("stat %s: %w", name, err)
	}
	return nil
}

func checkOpenMissing(fsys afero.Fs, dir string) error {
	f, err := fsys.Open(filepath.Join(dir, "missing"))
	if err == nil {
		_ = f.Close()
	}
	return wantErr("Open of a missing file", err, fs.ErrNotExist)
}

func checkStatMissing(fsys afero.Fs, dir string) error {
	_, err := fsys.Stat(filepath.Join(dir, "missing"))
	return wantErr("Stat of a missing file", err, fs.ErrNotExist)
}

func checkCreateExcl(fsys afero.Fs, dir string) error {
	name := filepath.Join(dir, "f")
	if err := writeFile(fsys, name, "old"); err != nil {
		return err
	}
	f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_ = f.Close()
	}
	return errors.Join(wantErr("O_CREATE|O_EXCL of an existing file", err, fs.ErrExist),
		wantContent(fsys, name, "old"))
}

func checkCreateExclConcurrent(fsys afero.Fs, dir string) error {
	var errs []error
	for round := range ExclRounds {
		// winners[i][w] is worker w's result for name i.
		results := make([][ExclWorkers]error, ExclNames)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for w := range ExclWorkers {
			wg.Go(func() {
				<-start
				for i := range ExclNames {
					name := filepath.Join(dir, fmt.Sprintf("f%d-%d", round, i))
					f, err := fsys.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
					if err == nil {
						err = f.Close()
					}
					results[i][w] = err
				}
			})
		}
		close(start)
		wg.Wait()
		for i, res := range results {
			winners := 0
			for _, err := range res {
				switch {
				case err == nil:
					winners++
				case !errors.Is(err, fs.ErrExist):
					errs = append(errs, err)
				}
			}
			if winners != 1 {
				return divergef("O_CREATE|O_EXCL is not exclusive: %d of %d goroutines created the same new file (round %d, name %d)",
					winners, ExclWorkers, round, i)
			}
		}
		if len(errs) > 0 {
			return fmt.Errorf("unexpected error: %w", errs[0])
		}
	}
	return nil
}

func checkCreateMissingParent(fsys afero.Fs, dir string) error {
	parent := filepath.Join(dir, "missing")
	f, err := fsys.OpenFile(filepath.Join(parent, "f"), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if err == nil {
		_ = f.Close()
	}
	return errors.Join(wantErr("creating a file in a missing directory", err, fs.ErrNotExist),
		wantMissing(fsys, parent))
}

func checkMkdirExisting(fsys afero.Fs, dir string) error {
	sub := filepath.Join(dir, "d")
	if err := fsys.Mkdir(sub, 0o700); err != nil {
		return err
	}
	file := filepath.Join(dir, "f")
	if err := writeFile(fsys, file, "x"); err != nil {
		return err
	}
	return errors.Join(
		wantErr("Mkdir of an existing directory", fsys.Mkdir(sub, 0o700), fs.ErrExist),
		wantErr("Mkdir of an existing file", fsys.Mkdir(file, 0o700), fs.ErrExist))
}

func checkMkdirMissingParent(fsys afero.Fs, dir string) error {
	parent := filepath.Join(dir, "missing")
	err := fsys.Mkdir(filepath.Join(parent, "d"), 0o700)
	return errors.Join(wantErr("Mkdir in a missing directory", err, fs.ErrNotExist),
		wantMissing(fsys, parent))
}

func checkRenameReplace(fsys afero.Fs, dir string) error {
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	if err := errors.Join(writeFile(fsys, a, "new"), writeFile(fsys, b, "old")); err != nil {
		return err
	}
	if err := fsys.Rename(a, b); err != nil {
		return divergef("Rename onto an existing file: %v", err)
	}
	return errors.Join(wantContent(fsys, b, "new"), wantMissing(fsys, a))
}

func checkRenameOntoDir(fsys afero.Fs, dir string) error {
	a, d := filepath.Join(dir, "a"), filepath.Join(dir, "d")
	if err := errors.Join(writeFile(fsys, a, "data"), fsys.Mkdir(d, 0o700)); err != nil {
		return err
	}
	if err := fsys.Rename(a, d); err == nil {
		return divergef("Rename of a file onto an empty directory succeeded")
	}
	fi, err := fsys.Stat(d)
	if err != nil || !fi.IsDir() {
		return divergef("directory changed by a refused Rename: %v", err)
	}
	return wantContent(fsys, a, "data")
}

func checkRenameMissing(fsys afero.Fs, dir string) error {
	err := fsys.Rename(filepath.Join(dir, "missing"), filepath.Join(dir, "b"))
	return errors.Join(wantErr("Rename of a missing file", err, fs.ErrNotExist),
		wantMissing(fsys, filepath.Join(dir, "b")))
}

func checkRenameIntoSelf(fsys afero.Fs, dir string) error {
	d := filepath.Join(dir, "d")
	if err := fsys.MkdirAll(filepath.Join(d, "sub"), 0o700); err != nil {
		return err
	}
	if err := fsys.Rename(d, filepath.Join(d, "sub", "d")); err == nil {
		return divergef("Rename of a directory into its own subdirectory succeeded")
	}
	fi, err := fsys.Stat(d)
	if err != nil || !fi.IsDir() {
		return divergef("directory changed by a refused Rename: %v", err)
	}
	return nil
}

func checkRemoveMissing(fsys afero.Fs, dir string) error {
	return wantErr("Remove of a missing file", fsys.Remove(filepath.Join(dir, "missing")), fs.ErrNotExist)
}

func checkRemoveNonEmptyDir(fsys afero.Fs, dir string) error {
	d := filepath.Join(dir, "d")
	f := filepath.Join(d, "f")
	if err := fsys.Mkdir(d, 0o700); err != nil {
		return err
	}
	if err := writeFile(fsys, f, "data"); err != nil {
		return err
	}
	if err := fsys.Remove(d); err == nil {
		return divergef("Remove of a non-empty directory succeeded")
	}
	return wantContent(fsys, f, "data")
}
