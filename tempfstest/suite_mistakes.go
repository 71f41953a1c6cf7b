package tempfstest

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// mistakeEnv is the tree each mistake runs against: dir holds a file
// "existing" ("old"), a file "plain", and a directory "sub" holding "inside".
type mistakeEnv struct {
	fsys                      afero.Fs
	dir, existing, plain, sub string
	reader                    *countingReader
}

// countingReader counts the bytes read from it: a refused write must read
// none.
type countingReader struct{ n int }

func (r *countingReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = 'x'
	r.n++
	if r.n > 64 {
		return 1, io.EOF
	}
	return 1, nil
}

// mistake is one wrong call and the error class every backend must give.
type mistake struct {
	name string
	call func(e *mistakeEnv) (path string, err error)
	want error
}

// persistMistake runs Persist (or PersistNoClobber) of a fresh temp file
// onto target, and checks the file is handed back: open, writable, and
// removed by Close.
func persistMistake(target func(e *mistakeEnv) string, noClobber bool) func(e *mistakeEnv) (string, error) {
	return func(e *mistakeEnv) (string, error) {
		f, err := tempfs.NewFile(e.fsys, e.dir, "persist-*")
		if err != nil {
			return "", err
		}
		tmp := f.Name()
		if _, err := f.WriteString("new"); err != nil {
			return "", err
		}
		t := target(e)
		persist := f.Persist
		if noClobber {
			persist = f.PersistNoClobber
		}
		perr := persist(t)
		// Handed back: still open and writable at its temp name.
		if _, werr := f.WriteString("+more"); werr != nil {
			perr = errors.Join(perr, errors.New("file not handed back: "+werr.Error()))
		}
		if f.Name() != tmp {
			perr = errors.Join(perr, errors.New("file renamed by a failed persist"))
		}
		if cerr := f.Close(); cerr != nil {
			perr = errors.Join(perr, cerr)
		}
		if _, serr := e.fsys.Stat(tmp); !errors.Is(serr, fs.ErrNotExist) {
			perr = errors.Join(perr, errors.New("Close after a failed persist left the temp file"))
		}
		return t, perr
	}
}

func pendingMistake(target func(e *mistakeEnv) string) func(e *mistakeEnv) (string, error) {
	return func(e *mistakeEnv) (string, error) {
		p, err := tempfs.NewPendingFile(e.fsys, target(e))
		if err == nil {
			p.Cleanup()
		}
		return target(e), err
	}
}

func writeFileMistake(target func(e *mistakeEnv) string, opts ...tempfs.Option) func(e *mistakeEnv) (string, error) {
	return func(e *mistakeEnv) (string, error) {
		return target(e), tempfs.WriteFile(e.fsys, target(e), []byte("new"), 0o600, opts...)
	}
}

func writeReaderMistake(target func(e *mistakeEnv) string) func(e *mistakeEnv) (string, error) {
	return func(e *mistakeEnv) (string, error) {
		return target(e), tempfs.WriteReader(e.fsys, target(e), e.reader, 0o600)
	}
}

func mistakes() []mistake {
	sub := func(e *mistakeEnv) string { return e.sub }
	existing := func(e *mistakeEnv) string { return e.existing }
	missing := func(e *mistakeEnv) string { return filepath.Join(e.dir, "nope", "f") }
	underFile := func(e *mistakeEnv) string { return filepath.Join(e.plain, "f") }
	tooLong := func(e *mistakeEnv) string { return filepath.Join(e.dir, strings.Repeat("n", 256)) }
	at := func(name string) func(e *mistakeEnv) string {
		return func(e *mistakeEnv) string { return filepath.Join(e.dir, name) }
	}
	return []mistake{
		{"WriteFile onto a directory", writeFileMistake(sub), syscall.EISDIR},
		{"WriteReader onto a directory", writeReaderMistake(sub), syscall.EISDIR},
		{"NewPendingFile onto a directory", pendingMistake(sub), syscall.EISDIR},
		{"Persist onto a directory", persistMistake(sub, false), syscall.EISDIR},
		{"PersistNoClobber onto a directory", persistMistake(sub, true), syscall.EISDIR},
		{"WriteFile NoClobber onto a directory", writeFileMistake(sub, tempfs.NoClobber()), syscall.EISDIR},
		{"WriteFile parent missing", writeFileMistake(missing), fs.ErrNotExist},
		{"WriteReader parent missing", writeReaderMistake(missing), fs.ErrNotExist},
		{"NewPendingFile parent missing", pendingMistake(missing), fs.ErrNotExist},
		{"Persist parent missing", persistMistake(missing, false), fs.ErrNotExist},
		{"PersistNoClobber parent missing", persistMistake(missing, true), fs.ErrNotExist},
		{"WriteFile parent is a file", writeFileMistake(underFile), syscall.ENOTDIR},
		{"WriteReader parent is a file", writeReaderMistake(underFile), syscall.ENOTDIR},
		{"NewPendingFile parent is a file", pendingMistake(underFile), syscall.ENOTDIR},
		{"Persist parent is a file", persistMistake(underFile, false), syscall.ENOTDIR},
		{"WriteFile CreateParents through a file", writeFileMistake(func(e *mistakeEnv) string {
			return filepath.Join(e.plain, "a", "f")
		}, tempfs.CreateParents()), syscall.ENOTDIR},
		{"WriteFile name too long", writeFileMistake(tooLong), syscall.ENAMETOOLONG},
		{"WriteReader name too long", writeReaderMistake(tooLong), syscall.ENAMETOOLONG},
		{"Persist name too long", persistMistake(tooLong, false), syscall.ENAMETOOLONG},
		{"WriteFile NUL in name", writeFileMistake(at("a\x00b")), fs.ErrInvalid},
		{"WriteReader NUL in name", writeReaderMistake(at("a\x00b")), fs.ErrInvalid},
		{"WriteFile empty name", writeFileMistake(func(*mistakeEnv) string { return "" }), fs.ErrInvalid},
		{"WriteFile trailing separator", writeFileMistake(func(e *mistakeEnv) string {
			return e.existing + string(filepath.Separator)
		}), fs.ErrInvalid},
		{"WriteReader trailing separator", writeReaderMistake(func(e *mistakeEnv) string {
			return filepath.Join(e.dir, "new") + string(filepath.Separator)
		}), fs.ErrInvalid},
		{"WriteFile dot name", writeFileMistake(func(e *mistakeEnv) string { return e.sub + "/." }), fs.ErrInvalid},
		{"WriteFile NoClobber onto a file", writeFileMistake(existing, tempfs.NoClobber()), fs.ErrExist},
		{"PersistNoClobber onto a file", persistMistake(existing, true), fs.ErrExist},
		{"WriteReader nil reader", func(e *mistakeEnv) (string, error) {
			return e.existing, tempfs.WriteReader(e.fsys, e.existing, nil, 0o600)
		}, fs.ErrInvalid},
		{"CreateTemp dir missing", func(e *mistakeEnv) (string, error) {
			f, err := tempfs.CreateTemp(e.fsys, filepath.Join(e.dir, "nope"), "x*")
			closeRemove(e.fsys, f)
			return "", err
		}, fs.ErrNotExist},
		{"CreateTemp dir is a file", func(e *mistakeEnv) (string, error) {
			f, err := tempfs.CreateTemp(e.fsys, e.plain, "x*")
			closeRemove(e.fsys, f)
			return "", err
		}, syscall.ENOTDIR},
		{"CreateTemp pattern with separator", func(e *mistakeEnv) (string, error) {
			f, err := tempfs.CreateTemp(e.fsys, e.dir, "../x*")
			closeRemove(e.fsys, f)
			return "", err
		}, fs.ErrInvalid},
		{"CreateTemp pattern too long", func(e *mistakeEnv) (string, error) {
			f, err := tempfs.CreateTemp(e.fsys, e.dir, strings.Repeat("p", 250)+"*")
			closeRemove(e.fsys, f)
			return "", err
		}, syscall.ENAMETOOLONG},
		{"MkdirTemp dir missing", func(e *mistakeEnv) (string, error) {
			_, err := tempfs.MkdirTemp(e.fsys, filepath.Join(e.dir, "nope"), "x*")
			return "", err
		}, fs.ErrNotExist},
		{"MkdirTemp dir is a file", func(e *mistakeEnv) (string, error) {
			_, err := tempfs.MkdirTemp(e.fsys, e.plain, "x*")
			return "", err
		}, syscall.ENOTDIR},
		{"Sweep dir missing", func(e *mistakeEnv) (string, error) {
			_, err := tempfs.Sweep(e.fsys, filepath.Join(e.dir, "nope"), 0)
			return filepath.Join(e.dir, "nope"), err
		}, fs.ErrNotExist},
		{"Sweep empty dir", func(e *mistakeEnv) (string, error) {
			_, err := tempfs.Sweep(e.fsys, "", 0)
			return "", err
		}, fs.ErrInvalid},
		{"RemoveAll empty path", func(e *mistakeEnv) (string, error) {
			return "", tempfs.RemoveAll(e.fsys, "")
		}, fs.ErrInvalid},
	}
}

func closeRemove(fsys afero.Fs, f afero.File) {
	if f != nil {
		f.Close()
		fsys.Remove(f.Name())
	}
}

// testMistakes runs each mistake on a fresh tree: the same error class on
// every backend, as a *fs.PathError or *os.LinkError naming the caller's
// path, nothing created or changed, no byte read from the caller's reader.
func testMistakes(t *testing.T, b Backend) {
	for _, m := range mistakes() {
		t.Run(m.name, func(t *testing.T) {
			fsys, dir := b.New(t)
			e := &mistakeEnv{
				fsys: fsys, dir: dir, reader: &countingReader{},
				existing: filepath.Join(dir, "existing"),
				plain:    filepath.Join(dir, "plain"),
				sub:      filepath.Join(dir, "sub"),
			}
			require.NoError(t, afero.WriteFile(fsys, e.existing, []byte("old"), 0o600))
			require.NoError(t, afero.WriteFile(fsys, e.plain, []byte("plain"), 0o600))
			require.NoError(t, fsys.Mkdir(e.sub, 0o700))
			require.NoError(t, afero.WriteFile(fsys, filepath.Join(e.sub, "inside"), []byte("in"), 0o600))
			before := Snapshot(t, fsys, dir)

			path, err := m.call(e)
			checkErr(t, fsys, err, m.want)
			var pe *fs.PathError
			var le *os.LinkError
			switch {
			case errors.As(err, &pe) && path != "":
				assert.Equal(t, path, pe.Path, "the error names the caller's path")
			case errors.As(err, &le) && path != "":
				assert.Equal(t, path, le.New, "the error names the caller's path")
			}
			assert.Zero(t, e.reader.n, "the caller's reader was read")
			assert.Equal(t, before, Snapshot(t, fsys, dir), "the tree changed")
		})
	}
}

// Snapshot returns every entry under dir of fsys (not following links),
// each with its kind and, for a regular file, its content: two snapshots
// are equal when nothing under dir was created, removed or changed.
func Snapshot(t testing.TB, fsys afero.Fs, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(d string)
	walk = func(d string) {
		f, err := fsys.Open(d)
		require.NoError(t, err)
		names, err := f.Readdirnames(-1)
		f.Close()
		require.NoError(t, err)
		for _, n := range names {
			p := filepath.Join(d, n)
			rel, _ := filepath.Rel(dir, p)
			fi, err := lstatFs(fsys, p)
			require.NoError(t, err)
			switch {
			case fi.Mode()&fs.ModeSymlink != 0:
				out[rel] = "link"
			case fi.IsDir():
				out[rel] = "dir"
				walk(p)
			default:
				data, err := afero.ReadFile(fsys, p)
				require.NoError(t, err)
				out[rel] = "file:" + string(data)
			}
		}
	}
	walk(dir)
	return out
}

func lstatFs(fsys afero.Fs, name string) (fs.FileInfo, error) {
	if l, ok := fsys.(afero.Lstater); ok {
		fi, _, err := l.LstatIfPossible(name)
		return fi, err
	}
	return fsys.Stat(name)
}
