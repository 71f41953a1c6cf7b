package tempfs_test

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// pageFs records how an Fs is read: every Readdir/Readdirnames count and
// every Stat or Lstat. With nonPaging, its directories behave as afero's
// sftpfs does: Readdirnames(n) returns the first n names on every call and
// never io.EOF. With noRemoveAll, RemoveAll does nothing (as afero's
// sftpfs), so tempfs.RemoveAll must walk.
type pageFs struct {
	afero.Fs
	nonPaging, noRemoveAll bool

	mu     sync.Mutex
	counts []int // the n of every Readdir and Readdirnames call
	stats  int
}

func (p *pageFs) Stat(name string) (fs.FileInfo, error) {
	p.mu.Lock()
	p.stats++
	p.mu.Unlock()
	return p.Fs.Stat(name)
}

func (p *pageFs) Open(name string) (afero.File, error) {
	f, err := p.Fs.Open(name)
	if err != nil {
		return nil, err
	}
	return &pageFile{File: f, fsys: p}, nil
}

func (p *pageFs) RemoveAll(name string) error {
	if p.noRemoveAll {
		return nil
	}
	return p.Fs.RemoveAll(name)
}

func (p *pageFs) read(n int) {
	p.mu.Lock()
	p.counts = append(p.counts, n)
	p.mu.Unlock()
}

type pageFile struct {
	afero.File
	fsys *pageFs
}

func (f *pageFile) Readdir(n int) ([]fs.FileInfo, error) {
	f.fsys.read(n)
	return f.File.Readdir(n)
}

func (f *pageFile) Readdirnames(n int) ([]string, error) {
	f.fsys.read(n)
	if !f.fsys.nonPaging || n <= 0 {
		return f.File.Readdirnames(n)
	}
	d, err := f.fsys.Fs.Open(f.Name())
	if err != nil {
		return nil, err
	}
	defer d.Close()
	names, err := d.Readdirnames(-1)
	sort.Strings(names)
	return names[:min(n, len(names))], err
}

// orphan is a name Sweep takes for a temp file.
func orphan(i int) string { return fmt.Sprintf(".t%05d.tempfs-abcdefghijklm.tmp", i) }

// TestSweepPages sweeps a directory of 2,600 entries, 5 of them orphans
// spread over three pages, and checks that Sweep reads names a page at a
// time, never asks for FileInfos of the whole directory, and stats only
// the 5 candidates; also on a backend that does not page.
func TestSweepPages(t *testing.T) {
	const entries, orphans = 2600, 5
	for _, nonPaging := range []bool{false, true} {
		for name, inner := range map[string]func() afero.Fs{
			"MemMapFs": afero.NewMemMapFs,
			"CrashFs":  func() afero.Fs { return tempfstest.NewCrashFs() },
		} {
			t.Run(fmt.Sprintf("%s/nonPaging=%v", name, nonPaging), func(t *testing.T) {
				p := &pageFs{Fs: inner(), nonPaging: nonPaging}
				require.NoError(t, p.Fs.MkdirAll("/d", 0o755))
				var want []string
				for i := range entries {
					n := fmt.Sprintf("f%05d", i)
					if i%(entries/orphans) == 7 {
						n = orphan(i)
						want = append(want, filepath.Join("/d", n))
					}
					require.NoError(t, afero.WriteFile(p.Fs, filepath.Join("/d", n), nil, 0o600))
				}
				require.Len(t, want, orphans)
				p.counts, p.stats = nil, 0

				got, err := tempfs.Sweep(p, "/d", 0)
				require.NoError(t, err)
				assert.ElementsMatch(t, want, got)
				left, err := afero.ReadDir(p.Fs, "/d")
				require.NoError(t, err)
				assert.Len(t, left, entries-orphans)
				assert.Equal(t, orphans, p.stats, "stats: only the candidates")
				if nonPaging {
					assert.Contains(t, p.counts, -1, "a backend that does not page is read at once")
					return
				}
				for _, n := range p.counts {
					assert.Positive(t, n, "directory read whole")
				}
				assert.GreaterOrEqual(t, len(p.counts), 3, "pages")
			})
		}
	}
}

// TestRemoveAllPages removes, by the walk by name, a tree whose directory
// holds 2,600 entries, and checks that it was read a page at a time, and
// that a backend that does not page does not make it loop.
func TestRemoveAllPages(t *testing.T) {
	for _, nonPaging := range []bool{false, true} {
		t.Run(fmt.Sprintf("nonPaging=%v", nonPaging), func(t *testing.T) {
			p := &pageFs{Fs: afero.NewMemMapFs(), nonPaging: nonPaging, noRemoveAll: true}
			require.NoError(t, p.Fs.MkdirAll("/t/sub", 0o755))
			for i := range 2600 {
				require.NoError(t, afero.WriteFile(p.Fs, fmt.Sprintf("/t/f%05d", i), nil, 0o600))
			}
			require.NoError(t, afero.WriteFile(p.Fs, "/t/sub/x", nil, 0o400))

			require.NoError(t, tempfs.RemoveAll(p, "/t"))
			_, err := p.Fs.Stat("/t")
			assert.ErrorIs(t, err, fs.ErrNotExist)
			for _, n := range p.counts {
				assert.Positive(t, n, "directory read whole")
			}
			assert.GreaterOrEqual(t, len(p.counts), 3, "pages")
		})
	}
}

// TestSweepSkipsYoungAndNonRegular: a young orphan, a directory and a link
// named as orphans stay.
func TestSweepSkipsYoungAndNonRegular(t *testing.T) {
	fsys := afero.NewOsFs()
	dir := t.TempDir()
	old, young := filepath.Join(dir, orphan(1)), filepath.Join(dir, orphan(2))
	require.NoError(t, afero.WriteFile(fsys, old, nil, 0o600))
	require.NoError(t, afero.WriteFile(fsys, young, nil, 0o600))
	past := time.Now().Add(-time.Hour)
	require.NoError(t, fsys.Chtimes(old, past, past))
	require.NoError(t, fsys.Mkdir(filepath.Join(dir, orphan(3)), 0o700))
	require.NoError(t, fsys.Chtimes(filepath.Join(dir, orphan(3)), past, past))

	got, err := tempfs.Sweep(fsys, dir, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, []string{old}, got)
	for _, n := range []string{young, filepath.Join(dir, orphan(3))} {
		_, err := fsys.Stat(n)
		assert.NoError(t, err, n)
	}
}
