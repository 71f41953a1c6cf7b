package tempfs_test

import (
	"errors"
	"io"
	"io/fs"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/memfs"
)

// countFs is memfs counting the handles it gives out and the Closes of
// them: a write that ends with a handle open keeps its temp file's memory
// (an unnamed file has no name a leak check could find); a second Close
// of one handle is counted apart.
type countFs struct {
	*memfs.Fs
	opened, closed, closedTwice atomic.Int64
}

// countFile is a handle of a countFs.
type countFile struct {
	afero.File
	c    *countFs
	done atomic.Bool
}

func (f *countFile) Close() error {
	if f.done.Swap(true) {
		f.c.closedTwice.Add(1)
	} else {
		f.c.closed.Add(1)
	}
	return f.File.Close()
}

// countUnnamed is an unnamed file of a countFs: Chmod and Chown go
// through to memfs's (fchmod, fchown), as handleAttrs finds them there.
type countUnnamed struct{ *countFile }

func (f countUnnamed) Chmod(m fs.FileMode) error {
	return f.File.(interface{ Chmod(fs.FileMode) error }).Chmod(m)
}

func (f countUnnamed) Chown(uid, gid int) error {
	return f.File.(interface{ Chown(int, int) error }).Chown(uid, gid)
}

func (c *countFs) wrap(f afero.File, err error) (afero.File, error) {
	if err != nil {
		return nil, err
	}
	c.opened.Add(1)
	return &countFile{File: f, c: c}, nil
}

func (c *countFs) Create(name string) (afero.File, error) { return c.wrap(c.Fs.Create(name)) }
func (c *countFs) Open(name string) (afero.File, error)   { return c.wrap(c.Fs.Open(name)) }
func (c *countFs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	return c.wrap(c.Fs.OpenFile(name, flag, perm))
}

func (c *countFs) OpenUnnamed(dir string, perm fs.FileMode, linkable bool) (afero.File, error) {
	f, err := c.wrap(c.Fs.OpenUnnamed(dir, perm, linkable))
	if err != nil {
		return nil, err
	}
	return countUnnamed{f.(*countFile)}, nil
}

func (c *countFs) LinkUnnamed(f afero.File, newname string) error {
	if cu, ok := f.(countUnnamed); ok {
		f = cu.File
	}
	return c.Fs.LinkUnnamed(f, newname)
}

type failingReader struct{ n int }

var errFailingReader = errors.New("reader fails")

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n > 0 {
		r.n--
		return copy(p, "data"), nil
	}
	return 0, errFailingReader
}

// TestWritesCloseEveryHandle: every atomic write closes each handle it
// opened, once, on every path: success, a failed or panicking reader, a
// failed commit (a directory appeared at the target), Cleanup, a failed
// write; with the unnamed temp file and the named one. (Checked to fail
// with the Close in replacer.discard or closeTemp removed.)
func TestWritesCloseEveryHandle(t *testing.T) {
	type write func(fsys afero.Fs, target string, opts ...tempfs.Option) error
	writes := map[string]write{
		"WriteFile": func(fsys afero.Fs, target string, opts ...tempfs.Option) error {
			return tempfs.WriteFile(fsys, target, []byte("new"), 0o600, opts...)
		},
		"WriteReader failing": func(fsys afero.Fs, target string, opts ...tempfs.Option) error {
			return tempfs.WriteReader(fsys, target, &failingReader{n: 3}, 0o600, opts...)
		},
		"WriteReader panicking": func(fsys afero.Fs, target string, opts ...tempfs.Option) (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = errors.New("panicked")
				}
			}()
			return tempfs.WriteReader(fsys, target, panicReader{}, 0o600, opts...)
		},
		"PendingFile Cleanup": func(fsys afero.Fs, target string, opts ...tempfs.Option) error {
			p, err := tempfs.NewPendingFile(fsys, target, opts...)
			if err != nil {
				return err
			}
			if _, err := p.WriteString("never"); err != nil {
				return err
			}
			if err := p.Cleanup(); err != nil {
				return err
			}
			return p.Cleanup()
		},
		"PendingFile Commit over a new directory": func(fsys afero.Fs, target string, opts ...tempfs.Option) error {
			p, err := tempfs.NewPendingFile(fsys, target, opts...)
			if err != nil {
				return err
			}
			defer p.Cleanup()
			if err := fsys.Remove(target); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
			if err := fsys.Mkdir(target, 0o700); err != nil {
				return err
			}
			return p.Commit()
		},
		"PendingFile Commit twice": func(fsys afero.Fs, target string, opts ...tempfs.Option) error {
			p, err := tempfs.NewPendingFile(fsys, target, opts...)
			if err != nil {
				return err
			}
			if _, err := io.Copy(p, strings.NewReader("new")); err != nil {
				return err
			}
			if err := p.Commit(); err != nil {
				return err
			}
			if err := p.Commit(); !errors.Is(err, fs.ErrClosed) {
				return errors.New("second Commit did not fail with ErrClosed")
			}
			return p.Cleanup()
		},
	}
	for _, named := range []bool{false, true} {
		for name, w := range writes {
			t.Run(name+map[bool]string{false: "/unnamed", true: "/named"}[named], func(t *testing.T) {
				for _, existing := range []bool{false, true} {
					c := &countFs{Fs: memfs.New()}
					require.NoError(t, c.Mkdir("/d", 0o755))
					if existing {
						require.NoError(t, afero.WriteFile(c.Fs, "/d/t", []byte("old"), 0o644))
					}
					var opts []tempfs.Option
					if named {
						opts = append(opts, tempfs.NamedForTest())
					}
					_ = w(c, "/d/t", opts...)
					assert.Positive(t, c.opened.Load(), "existing=%v: no handle opened", existing)
					assert.Equal(t, c.opened.Load(), c.closed.Load(), "existing=%v: handles opened and closed", existing)
					assert.Zero(t, c.closedTwice.Load(), "existing=%v: handles closed twice", existing)
				}
			})
		}
	}
}
