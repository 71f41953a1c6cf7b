package tempfstest

import (
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// The suite's tests of Sweep, File.Persist and atomic writes through
// symbolic links.

func testSweep(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	target := filepath.Join(dir, "data.bin")
	require.NoError(t, afero.WriteFile(fsys, target, []byte("keep"), 0o600))
	// An interrupted write: a pending file never committed nor cleaned.
	p, err := tempfs.NewPendingFile(fsys, target)
	require.NoError(t, err)
	_, err = p.WriteString("half")
	require.NoError(t, err)
	t.Cleanup(func() { _ = p.Cleanup() })
	_, replaces := fsys.(tempfs.AtomicReplacer)
	if entries, _ := afero.ReadDir(fsys, dir); len(entries) == 1 && !replaces {
		// The Fs has unnamed files (O_TMPFILE on a Linux host, or a
		// tempfs.UnnamedCreator): the pending file has no name yet.
		// Leave the orphan an interrupted named write would.
		require.NoError(t, afero.WriteFile(fsys, filepath.Join(dir, ".data.bin.tempfs-0123456789abc.tmp"), []byte("half"), 0o600))
	}
	lookalikes := []string{
		".data.bin.tempfs-0123456789abc.tm",    // wrong suffix
		".data.bin.tempfs-0123456789ab.tmp",    // 12 random chars
		".data.bin.tempfs-0123456789abz.tmp",   // z is not in the alphabet
		"data.bin.tempfs-0123456789abc.tmp",    // no leading dot
		".tempfs-0123456789abc.tmp",            // no base
		".data.bin.tempfx-0123456789abc.tmp",   // wrong marker
		".data.bin.tempfs-0123456789ABC.tmp",   // upper case
		"..tempfs-0123456789abc.tmp.userfile",  // suffix elsewhere
		".data.bin.tempfs-0123456789abc.tmp~",  // editor backup
		".data.bin.tempfs--0123456789abc.tmp",  // extra dash
		".data.bin.tempfs-0123456789abc..tmp",  // extra dot
		".data.bin.tempfs-0123456789abc.tmp.x", // extension after
	}
	for _, n := range lookalikes {
		require.NoError(t, afero.WriteFile(fsys, filepath.Join(dir, n), []byte("user"), 0o600))
	}
	// A directory named like a temp file is not swept either.
	require.NoError(t, fsys.Mkdir(filepath.Join(dir, ".x.tempfs-0123456789abc.tmp"), 0o700))

	removed, err := tempfs.Sweep(fsys, dir, time.Hour)
	require.NoError(t, err)
	assert.Empty(t, removed, "a fresh temp file was swept")

	removed, err = tempfs.Sweep(fsys, dir, 0)
	require.NoError(t, err)
	if _, ok := fsys.(tempfs.AtomicReplacer); ok {
		// The write goes to the target through the Fs's own replace: an
		// interrupted one leaves no temp file (a stale upload, if any, is
		// its StaleSweeper's, tested with the backend).
		assert.Empty(t, removed)
	} else {
		require.Len(t, removed, 1)
		assert.True(t, strings.HasPrefix(filepath.Base(removed[0]), ".data.bin.tempfs-"), removed[0])
	}
	for _, n := range lookalikes {
		_, err := fsys.Stat(filepath.Join(dir, n))
		assert.NoError(t, err, "user file %q was swept", n)
	}
	assert.Equal(t, "keep", readString(t, fsys, target))
	AssertNoTempFiles(t, fsys, dir)

	_, err = tempfs.Sweep(fsys, filepath.Join(dir, "missing"), 0)
	checkErr(t, fsys, err, fs.ErrNotExist)
}

func testPersist(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	target := filepath.Join(dir, "report.txt")
	newFile := func(content string) *tempfs.File {
		f, err := tempfs.NewFile(fsys, dir, "persist-*")
		require.NoError(t, err)
		_, err = f.WriteString(content)
		require.NoError(t, err)
		return f
	}
	t.Run("persist replaces", func(t *testing.T) {
		require.NoError(t, afero.WriteFile(fsys, target, []byte("old"), 0o600))
		f := newFile("new")
		tmp := f.Name()
		require.NoError(t, f.Persist(target))
		require.NoError(t, f.Close())
		assert.Equal(t, "new", readString(t, fsys, target))
		_, err := fsys.Stat(tmp)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("no clobber refuses", func(t *testing.T) {
		f := newFile("other")
		tmp := f.Name()
		err := f.PersistNoClobber(target)
		checkErr(t, fsys, err, fs.ErrExist)
		assert.Equal(t, "new", readString(t, fsys, target))
		require.NoError(t, f.Close())
		_, err = fsys.Stat(tmp)
		assert.ErrorIs(t, err, fs.ErrNotExist, "Close after a failed persist keeps the temp file")
	})
	t.Run("no clobber creates", func(t *testing.T) {
		fresh := filepath.Join(dir, "fresh.txt")
		f := newFile("fresh")
		tmp := f.Name()
		require.NoError(t, f.PersistNoClobber(fresh))
		require.NoError(t, f.Close())
		assert.Equal(t, "fresh", readString(t, fsys, fresh))
		_, err := fsys.Stat(tmp)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("onto a directory", func(t *testing.T) {
		sub := filepath.Join(dir, "adir")
		require.NoError(t, fsys.Mkdir(sub, 0o700))
		f := newFile("x")
		checkErr(t, fsys, f.Persist(sub), nil)
		require.NoError(t, f.Close())
		fi, err := fsys.Stat(sub)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	})
}

func testSymlinks(t *testing.T, b Backend) {
	fsys, dir := b.New(t)
	linker, ok := fsys.(afero.Symlinker)
	if !ok {
		t.Skipf("%s has no symbolic links", b.Name)
	}
	real := filepath.Join(dir, "real")
	link := filepath.Join(dir, "link")
	require.NoError(t, afero.WriteFile(fsys, real, []byte("real"), 0o600))
	// An absolute target: BasePathFs resolves even a relative one from its base.
	if err := linker.SymlinkIfPossible(real, link); err != nil {
		t.Skipf("%s cannot make symbolic links here: %v", b.Name, err)
	}
	require.NoError(t, tempfs.WriteFile(fsys, link, []byte("through"), 0o600, tempfs.FollowSymlinks()))
	assert.Equal(t, "through", readString(t, fsys, real))
	fi, _, err := linker.LstatIfPossible(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&fs.ModeSymlink, "FollowSymlinks replaced the link")

	require.NoError(t, tempfs.WriteFile(fsys, link, []byte("replaced"), 0o600))
	fi, _, err = linker.LstatIfPossible(link)
	require.NoError(t, err)
	assert.True(t, fi.Mode().IsRegular(), "the link was not replaced by a file")
	assert.Equal(t, "through", readString(t, fsys, real))
	assert.Equal(t, "replaced", readString(t, fsys, link))
	AssertNoTempFiles(t, fsys, dir)
}
