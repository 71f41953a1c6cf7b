//go:build linux

package memfs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The review of the performance commits (file times as int64 stamps, owners
// as uint32, nlink as int32, a directory's listing state apart from its
// File): each test compares memfs with os on a real directory, or pins
// what memfs reported before the change. Linux only: what os does there is
// the reference (and *syscall.Stat_t is what Sys holds).

// farDates are the times a caller may hand Chtimes, including those whose
// nanoseconds since 1970 do not fit an int64 (before 1678, after 2262):
// os.Chtimes hands the kernel t.UnixNano(), wrapped.
func farDates() []time.Time {
	var ts []time.Time
	for _, y := range []int{1, 1600, 1677, 1678, 1800, 1901, 1969, 1970, 2038, 2262, 2263, 2500, 3000, 9999} {
		ts = append(ts, time.Date(y, 3, 4, 5, 6, 7, 8, time.UTC))
	}
	return append(ts,
		time.Unix(0, -1), time.Unix(-1, 1), time.Unix(0, 0),
		time.Date(2031, 5, 6, 7, 8, 9, 123456789, time.FixedZone("X", -7*3600)),
		time.Now(), // with a monotonic reading
	)
}

// TestChtimesFarDatesAsTmpfs: for every time, memfs reports what
// os.Stat reports after os.Chtimes on tmpfs (which keeps any 64-bit
// second), compared with ==: same instant, same zone, no monotonic
// reading. On the disk's own file system (ext4 clamps to 1901..2446) only
// the times it can hold are compared.
func TestChtimesFarDatesAsTmpfs(t *testing.T) {
	dirs := map[string]string{"disk": t.TempDir()}
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		if d, err := os.MkdirTemp("/dev/shm", "memfs-review-"); err == nil {
			t.Cleanup(func() { _ = os.RemoveAll(d) })
			dirs["tmpfs"] = d
		}
	}
	for kind, dir := range dirs {
		for _, tm := range farDates() {
			t.Run(kind+"/"+tm.String(), func(t *testing.T) {
				disk := filepath.Join(dir, "f")
				require.NoError(t, os.WriteFile(disk, nil, 0o600))
				require.NoError(t, os.Chtimes(disk, tm, tm))
				want, err := os.Stat(disk)
				require.NoError(t, err)
				if kind == "disk" && (want.ModTime().Year() < 1902 || want.ModTime().Year() > 2445) {
					t.Skipf("the disk clamps %v to %v", tm, want.ModTime())
				}
				f := New()
				require.NoError(t, writeNew(f, "/f", nil))
				require.NoError(t, f.Chtimes("/f", tm, tm))
				got, err := f.Stat("/f")
				require.NoError(t, err)
				assert.True(t, want.ModTime() == got.ModTime(), "os %v, memfs %v", want.ModTime(), got.ModTime())
				assert.Equal(t, time.Local, got.ModTime().Location())
			})
		}
	}
}

// TestSysTimesAsOs: the *syscall.Stat_t of Sys holds the access and
// modification times os reports (Atim, Mtim), each its own.
func TestSysTimesAsOs(t *testing.T) {
	at := time.Date(2001, 2, 3, 4, 5, 6, 789, time.UTC)
	mt := time.Date(2011, 12, 13, 14, 15, 16, 17, time.UTC)
	disk := filepath.Join(t.TempDir(), "f")
	require.NoError(t, os.WriteFile(disk, nil, 0o600))
	require.NoError(t, os.Chtimes(disk, at, mt))
	want, err := os.Stat(disk)
	require.NoError(t, err)
	f := New()
	require.NoError(t, writeNew(f, "/f", nil))
	require.NoError(t, f.Chtimes("/f", at, mt))
	got, err := f.Stat("/f")
	require.NoError(t, err)
	w, g := want.Sys().(*syscall.Stat_t), got.Sys().(*syscall.Stat_t)
	assert.Equal(t, w.Atim, g.Atim, "access time")
	assert.Equal(t, w.Mtim, g.Mtim, "modification time")
}

// timedOp is one call whose effect on file times is compared with os:
// do runs it on fsys in dir (which holds file "f" with "0123456789" and
// directories "a" and "b").
type timedOp struct {
	name string
	do   func(fsys afero.Fs, dir string) error
}

func openDo(name string, flag int, fn func(afero.File) error) func(afero.Fs, string) error {
	return func(fsys afero.Fs, dir string) error {
		h, err := fsys.OpenFile(filepath.Join(dir, name), flag, 0o644)
		if err != nil {
			return err
		}
		err = fn(h)
		return errors.Join(err, h.Close())
	}
}

// TestTimesAfterOps: after each call, whether the mtime of the file
// and of both directories moved from the old times Chtimes set is
// the same on memfs as on the disk.
func TestTimesAfterOps(t *testing.T) {
	old := time.Date(2001, 2, 3, 4, 5, 6, 0, time.UTC)
	ops := []timedOp{
		{"write", openDo("f", os.O_WRONLY, func(h afero.File) error { _, err := h.Write([]byte("x")); return err })},
		{"write nothing", openDo("f", os.O_WRONLY, func(h afero.File) error { _, err := h.Write(nil); return err })},
		{"writeat", openDo("f", os.O_WRONLY, func(h afero.File) error { _, err := h.WriteAt([]byte("x"), 20); return err })},
		{"read", openDo("f", os.O_RDONLY, func(h afero.File) error { _, err := h.Read(make([]byte, 4)); return err })},
		{"ftruncate same size", openDo("f", os.O_WRONLY, func(h afero.File) error { return h.Truncate(10) })},
		{"ftruncate shorter", openDo("f", os.O_WRONLY, func(h afero.File) error { return h.Truncate(3) })},
		{"open O_TRUNC", openDo("f", os.O_WRONLY|os.O_TRUNC, func(afero.File) error { return nil })},
		{"open O_APPEND", openDo("f", os.O_WRONLY|os.O_APPEND, func(afero.File) error { return nil })},
		{"open only", openDo("f", os.O_RDWR, func(afero.File) error { return nil })},
		{"chmod", func(fsys afero.Fs, dir string) error { return fsys.Chmod(filepath.Join(dir, "f"), 0o600) }},
		{"chtimes zero both", func(fsys afero.Fs, dir string) error {
			return fsys.Chtimes(filepath.Join(dir, "f"), time.Time{}, time.Time{})
		}},
		{"chtimes atime only", func(fsys afero.Fs, dir string) error {
			return fsys.Chtimes(filepath.Join(dir, "f"), time.Now(), time.Time{})
		}},
		{"rename within dir", func(fsys afero.Fs, dir string) error {
			return fsys.Rename(filepath.Join(dir, "f"), filepath.Join(dir, "g"))
		}},
		{"rename into a", func(fsys afero.Fs, dir string) error {
			return fsys.Rename(filepath.Join(dir, "f"), filepath.Join(dir, "a", "f"))
		}},
		{"rename dir a into b", func(fsys afero.Fs, dir string) error {
			return fsys.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "b", "a"))
		}},
		{"create in a", func(fsys afero.Fs, dir string) error {
			h, err := fsys.Create(filepath.Join(dir, "a", "n"))
			if err != nil {
				return err
			}
			return h.Close()
		}},
		{"mkdir in a", func(fsys afero.Fs, dir string) error { return fsys.Mkdir(filepath.Join(dir, "a", "d"), 0o755) }},
		{"remove f", func(fsys afero.Fs, dir string) error { return fsys.Remove(filepath.Join(dir, "f")) }},
		{"remove a", func(fsys afero.Fs, dir string) error { return fsys.Remove(filepath.Join(dir, "a")) }},
		{"readdir a", openDo("a", os.O_RDONLY, func(h afero.File) error { _, err := h.Readdirnames(-1); return err })},
	}
	paths := []string{"f", "g", "a", "b", filepath.Join("a", "f"), filepath.Join("b", "a"), "."}
	type moved struct{ m, exists bool }
	run := func(t *testing.T, fsys afero.Fs, dir string, op timedOp) map[string]moved {
		t.Helper()
		require.NoError(t, fsys.Mkdir(filepath.Join(dir, "a"), 0o755))
		require.NoError(t, fsys.Mkdir(filepath.Join(dir, "b"), 0o755))
		require.NoError(t, afero.WriteFile(fsys, filepath.Join(dir, "f"), []byte("0123456789"), 0o644))
		for _, p := range []string{"f", "a", "b", "."} {
			require.NoError(t, fsys.Chtimes(filepath.Join(dir, p), old, old))
		}
		require.NoError(t, op.do(fsys, dir))
		got := map[string]moved{}
		for _, p := range paths {
			fi, err := fsys.Stat(filepath.Join(dir, p))
			if err != nil {
				require.ErrorIs(t, err, fs.ErrNotExist)
				continue
			}
			got[p] = moved{m: !fi.ModTime().Equal(old), exists: true}
		}
		return got
	}
	for _, op := range ops {
		t.Run(op.name, func(t *testing.T) {
			want := run(t, afero.NewOsFs(), t.TempDir(), op)
			got := run(t, New(), "/", op)
			assert.Equal(t, want, got, "os (want) and memfs (got): which times moved")
		})
	}
}

// nlinks returns the link count Sys reports.
func nlinks(t *testing.T, fi fs.FileInfo) uint64 {
	t.Helper()
	st, ok := fi.Sys().(*syscall.Stat_t)
	require.True(t, ok, "Sys is %T", fi.Sys())
	return uint64(st.Nlink)
}

// TestLinkCountsAsOs: after links, renames (also of a name onto a
// link of the same file, which does nothing), removals and RemoveAll, the
// link count of every name and of open handles is what os reports, and
// never negative.
func TestLinkCountsAsOs(t *testing.T) {
	type step struct {
		name string
		do   func(fsys afero.Fs, dir string) error
	}
	j := filepath.Join
	link := func(fsys afero.Fs, o, n string) error { return fsys.(afero.Linker).SymlinkIfPossible(o, n) }
	hard := func(fsys afero.Fs, o, n string) error {
		if m, ok := fsys.(*Fs); ok {
			return m.Link(o, n)
		}
		return os.Link(o, n)
	}
	steps := []step{
		{"mkdir a, a/b, c", func(fsys afero.Fs, d string) error {
			return errors.Join(fsys.Mkdir(j(d, "a"), 0o755), fsys.Mkdir(j(d, "a", "b"), 0o755), fsys.Mkdir(j(d, "c"), 0o755))
		}},
		{"file f, links g and a/h", func(fsys afero.Fs, d string) error {
			return errors.Join(afero.WriteFile(fsys, j(d, "f"), []byte("x"), 0o644), hard(fsys, j(d, "f"), j(d, "g")), hard(fsys, j(d, "f"), j(d, "a", "h")))
		}},
		{"rename g onto f (same file)", func(fsys afero.Fs, d string) error { return fsys.Rename(j(d, "g"), j(d, "f")) }},
		{"symlink s to f", func(fsys afero.Fs, d string) error { return link(fsys, "f", j(d, "s")) }},
		{"rename a/b to c/b", func(fsys afero.Fs, d string) error { return fsys.Rename(j(d, "a", "b"), j(d, "c", "b")) }},
		{"rename c/b to a/e", func(fsys afero.Fs, d string) error {
			return errors.Join(fsys.Mkdir(j(d, "c", "b", "x"), 0o755), fsys.Rename(j(d, "c", "b"), j(d, "a", "e")))
		}},
		{"file k, rename k onto g", func(fsys afero.Fs, d string) error {
			return errors.Join(afero.WriteFile(fsys, j(d, "k"), nil, 0o644), fsys.Rename(j(d, "k"), j(d, "g")))
		}},
		{"removeall a", func(fsys afero.Fs, d string) error { return fsys.RemoveAll(j(d, "a")) }},
		{"remove g", func(fsys afero.Fs, d string) error { return fsys.Remove(j(d, "g")) }},
		{"rename c onto nothing", func(fsys afero.Fs, d string) error { return fsys.Rename(j(d, "c"), j(d, "c2")) }},
	}
	names := []string{".", "f", "g", "s", "a", j("a", "h"), j("a", "e"), j("a", "e", "x"), "c", j("c", "b"), "c2"}
	type seen map[string]uint64
	run := func(t *testing.T, fsys afero.Fs, dir string) []seen {
		t.Helper()
		var all []seen
		var held afero.File
		for i, s := range steps {
			require.NoError(t, s.do(fsys, dir), s.name)
			if i == 1 {
				var err error
				held, err = fsys.Open(j(dir, "f"))
				require.NoError(t, err)
				t.Cleanup(func() { _ = held.Close() })
			}
			got := seen{}
			for _, n := range names {
				if fi, err := fsys.Stat(j(dir, n)); err == nil {
					got[n] = nlinks(t, fi)
				}
			}
			if held != nil {
				fi, err := held.Stat()
				require.NoError(t, err)
				got["open f"] = nlinks(t, fi)
			}
			all = append(all, got)
		}
		require.NoError(t, fsys.Remove(j(dir, "f")))
		fi, err := held.Stat()
		require.NoError(t, err)
		all = append(all, seen{"open f after remove": nlinks(t, fi)})
		return all
	}
	want := run(t, afero.NewOsFs(), t.TempDir())
	got := run(t, New(), "/")
	for i := range want {
		name := "after remove f"
		if i < len(steps) {
			name = steps[i].name
		}
		assert.Equal(t, want[i], got[i], "after %q: os (want) and memfs (got)", name)
	}
}

// TestReaddirPaging: a listing pages through every entry once,
// Seek(0) starts it again (seeing entries added since), Close ends it, and
// concurrent Readdir(n) on one handle hand out each entry exactly once
// (run under -race).
func TestReaddirPaging(t *testing.T) {
	f := New()
	require.NoError(t, f.Mkdir("/d", 0o755))
	const n = 300
	var want []string
	for i := range n {
		name := "e" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		want = append(want, name)
		require.NoError(t, writeNew(f, "/d/"+name, nil))
	}
	slices.Sort(want)

	h, err := f.Open("/d")
	require.NoError(t, err)
	var got []string
	for {
		page, err := h.Readdirnames(7)
		got = append(got, page...)
		if err == io.EOF {
			require.Empty(t, page)
			break
		}
		require.NoError(t, err)
		require.NotEmpty(t, page)
	}
	slices.Sort(got)
	assert.Equal(t, want, got, "one pass")

	require.NoError(t, writeNew(f, "/d/zz", nil))
	rest, err := h.Readdirnames(-1)
	require.NoError(t, err)
	assert.Empty(t, rest, "an entry added after the first Readdir is not seen before Seek(0)")
	_, err = h.Seek(0, io.SeekStart)
	require.NoError(t, err)
	again, err := h.Readdirnames(-1)
	require.NoError(t, err)
	assert.Len(t, again, n+1, "after Seek(0) the listing starts again and sees zz")

	_, err = h.Seek(0, io.SeekStart)
	require.NoError(t, err)
	var mu sync.Mutex
	var shared []string
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				page, err := h.Readdirnames(3)
				mu.Lock()
				shared = append(shared, page...)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, shared, n+1, "concurrent pages: every entry once")
	slices.Sort(shared)
	assert.Equal(t, len(shared), len(slices.Compact(slices.Clone(shared))), "no entry twice")

	require.NoError(t, h.Close())
	_, err = h.Readdirnames(1)
	assert.ErrorIs(t, err, fs.ErrClosed)
	_, err = h.Seek(0, io.SeekStart)
	assert.ErrorIs(t, err, fs.ErrClosed)
}

// TestReaddirCloseRace: Close while other goroutines page through
// the same handle: each call either lists or fails with fs.ErrClosed (or
// io.EOF), never panics (run under -race).
func TestReaddirCloseRace(t *testing.T) {
	f := New()
	require.NoError(t, f.Mkdir("/d", 0o755))
	for i := range 50 {
		require.NoError(t, writeNew(f, "/d/"+string(rune('a'+i%26))+string(rune('a'+i/26)), nil))
	}
	for range 50 {
		h, err := f.Open("/d")
		require.NoError(t, err)
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for range 4 {
			wg.Go(func() {
				for {
					_, err := h.Readdir(2)
					if err != nil {
						errs <- err
						return
					}
					_, _ = h.Seek(0, io.SeekStart)
				}
			})
		}
		wg.Go(func() { errs <- h.Close() })
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil && !errors.Is(err, fs.ErrClosed) && err != io.EOF {
				t.Fatalf("unexpected %v", err)
			}
		}
	}
}
