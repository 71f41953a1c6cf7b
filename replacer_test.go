package tempfs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// objectFs is a MemMapFs that replaces files itself, the way an object
// store does: tempfs must write through Replace, with no temp name and no
// rename, and Sweep must call SweepStale.
type objectFs struct {
	afero.Fs
	mu       sync.Mutex
	open     map[*replacement]bool // replacements neither committed nor aborted
	renames  int
	stale    []string
	failNext error
}

func newObjectFs() *objectFs {
	return &objectFs{Fs: afero.NewMemMapFs(), open: map[*replacement]bool{}}
}

func (o *objectFs) Rename(oldname, newname string) error {
	o.mu.Lock()
	o.renames++
	o.mu.Unlock()
	return o.Fs.Rename(oldname, newname)
}

func (o *objectFs) Replace(name string, perm fs.FileMode, noClobber bool) (tempfs.Replacement, error) {
	r := &replacement{o: o, name: name, perm: perm, noClobber: noClobber}
	o.mu.Lock()
	o.open[r] = true
	o.mu.Unlock()
	return r, nil
}

func (o *objectFs) SweepStale(dir string, before time.Time) ([]string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := o.stale
	o.stale = nil
	return s, nil
}

type replacement struct {
	o         *objectFs
	name      string
	perm      fs.FileMode
	noClobber bool
	buf       bytes.Buffer
}

func (r *replacement) Write(p []byte) (int, error) { return r.buf.Write(p) }

func (r *replacement) Commit() error {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	delete(r.o.open, r)
	if err := r.o.failNext; err != nil {
		r.o.failNext = nil
		return err
	}
	flag := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if r.noClobber {
		flag |= os.O_EXCL
	}
	f, err := r.o.Fs.OpenFile(r.name, flag, r.perm)
	if err != nil {
		return err
	}
	_, err = f.Write(r.buf.Bytes())
	return errors.Join(err, f.Close())
}

func (r *replacement) Abort() error {
	r.o.mu.Lock()
	defer r.o.mu.Unlock()
	delete(r.o.open, r)
	return nil
}

func (o *objectFs) pending() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.open)
}

// TestAtomicReplacer: on an Fs that replaces files itself, WriteFile,
// WriteReader, PendingFile and Persist go through it: no temp name in the
// target's directory, no rename; failures abort; NoClobber is the
// backend's; Sweep frees the stale replacements.
func TestAtomicReplacer(t *testing.T) {
	t.Parallel()
	o := newObjectFs()
	require.NoError(t, o.MkdirAll("/d", 0o755))

	require.NoError(t, tempfs.WriteFile(o, "/d/a", []byte("one"), 0o644))
	require.NoError(t, tempfs.WriteReader(o, "/d/b", strings.NewReader("two"), 0o644))
	err := tempfs.WriteFile(o, "/d/a", []byte("x"), 0o644, tempfs.NoClobber())
	assert.ErrorIs(t, err, fs.ErrExist)

	p, err := tempfs.NewPendingFile(o, "/d/c")
	require.NoError(t, err)
	_, err = p.WriteString("three")
	require.NoError(t, err)
	require.NoError(t, p.Commit())

	p, err = tempfs.NewPendingFile(o, "/d/never")
	require.NoError(t, err)
	_, err = p.WriteString("lost")
	require.NoError(t, err)
	require.NoError(t, p.Cleanup())

	boom := errors.New("boom")
	o.failNext = boom
	err = tempfs.WriteFile(o, "/d/a", []byte("failed"), 0o644)
	assert.ErrorIs(t, err, boom)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "/d/a", pe.Path)

	f, err := tempfs.NewFile(o, "/d", "persist-*")
	require.NoError(t, err)
	_, err = f.WriteString("four")
	require.NoError(t, err)
	require.NoError(t, f.PersistNoClobber("/d/e"))
	require.NoError(t, f.Close())

	for name, want := range map[string]string{"/d/a": "one", "/d/b": "two", "/d/c": "three", "/d/e": "four"} {
		data, err := afero.ReadFile(o, name)
		require.NoError(t, err, name)
		assert.Equal(t, want, string(data), name)
	}
	entries, err := afero.ReadDir(o, "/d")
	require.NoError(t, err)
	assert.Len(t, entries, 4, "only the targets: no temp file, no never-committed file")
	assert.Zero(t, o.renames, "no rename on an AtomicReplacer")
	assert.Zero(t, o.pending(), "every replacement committed or aborted")

	o.stale = []string{"/d/crashed"}
	removed, err := tempfs.Sweep(o, "/d", time.Hour)
	require.NoError(t, err)
	assert.Equal(t, []string{"/d/crashed"}, removed)
}
