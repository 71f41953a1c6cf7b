//go:build unix

package sftpfs_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// entries lists the names in a host directory.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	names := make([]string, len(des))
	for i, de := range des {
		names[i] = de.Name()
	}
	return names
}

func TestAtomicWrite(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{})
	target := filepath.Join(dir, "target")

	t.Run("WriteFile creates and replaces", func(t *testing.T) {
		require.NoError(t, tempfs.WriteFile(fsys, target, []byte("one"), 0o640))
		assert.Equal(t, "one", readHost(t, target))
		require.NoError(t, tempfs.WriteFile(fsys, target, []byte("two"), 0o640))
		assert.Equal(t, "two", readHost(t, target))
		fi, err := os.Stat(target)
		require.NoError(t, err)
		assert.Equal(t, fs.FileMode(0o640), fi.Mode().Perm())
	})
	t.Run("WriteReader", func(t *testing.T) {
		big := strings.Repeat("0123456789abcdef", 1<<14) // 256 KiB, many packets
		require.NoError(t, tempfs.WriteReader(fsys, target, strings.NewReader(big), 0o600))
		assert.Equal(t, big, readHost(t, target))
	})
	t.Run("PendingFile", func(t *testing.T) {
		p, err := tempfs.NewPendingFile(fsys, target)
		require.NoError(t, err)
		defer p.Cleanup()
		_, err = p.WriteString("pending")
		require.NoError(t, err)
		assert.NotEqual(t, "pending", readHost(t, target), "not before Commit")
		require.NoError(t, p.Commit())
		assert.Equal(t, "pending", readHost(t, target))
		assert.ErrorIs(t, p.Commit(), fs.ErrClosed)
	})
	t.Run("PendingFile Cleanup leaves target", func(t *testing.T) {
		before := readHost(t, target)
		p, err := tempfs.NewPendingFile(fsys, target)
		require.NoError(t, err)
		_, err = p.WriteString("discarded")
		require.NoError(t, err)
		require.NoError(t, p.Cleanup())
		assert.Equal(t, before, readHost(t, target))
	})
	t.Run("Persist and PersistNoClobber", func(t *testing.T) {
		f, err := tempfs.NewFile(fsys, dir, "p*")
		require.NoError(t, err)
		defer f.Close()
		_, err = f.WriteString("persisted")
		require.NoError(t, err)
		require.NoError(t, f.Persist(target))
		assert.Equal(t, "persisted", readHost(t, target))

		g, err := tempfs.NewFile(fsys, dir, "q*")
		require.NoError(t, err)
		_, err = g.WriteString("clobber?")
		require.NoError(t, err)
		err = g.PersistNoClobber(target)
		assert.ErrorIs(t, err, fs.ErrExist)
		assert.Equal(t, "persisted", readHost(t, target))
		require.NoError(t, g.Close())

		fresh := filepath.Join(dir, "fresh")
		h, err := tempfs.NewFile(fsys, dir, "r*")
		require.NoError(t, err)
		_, err = h.WriteString("fresh")
		require.NoError(t, err)
		require.NoError(t, h.PersistNoClobber(fresh))
		require.NoError(t, h.Close())
		assert.Equal(t, "fresh", readHost(t, fresh))
	})
	t.Run("target is a directory", func(t *testing.T) {
		d := filepath.Join(dir, "adir")
		require.NoError(t, fsys.Mkdir(d, 0o700))
		err := tempfs.WriteFile(fsys, d, []byte("x"), 0o600)
		assert.Error(t, err)
		fi, err := os.Stat(d)
		require.NoError(t, err)
		assert.True(t, fi.IsDir())
	})
	t.Run("missing parent", func(t *testing.T) {
		err := tempfs.WriteFile(fsys, filepath.Join(dir, "no", "such"), []byte("x"), 0o600)
		assert.ErrorIs(t, err, fs.ErrNotExist)
	})
	t.Run("no temp files left", func(t *testing.T) {
		for _, n := range entries(t, dir) {
			assert.NotContains(t, n, ".tempfs-", "leftover temp file")
		}
	})
}

// TestMissingExtensions runs against a server whose version packet lost
// some extensions on the way (a filter on the real pipe), so the client
// sees a server that does not offer them.
func TestMissingExtensions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		hide    []string
		missing string
		opt     tempfs.Option // the opt-in that lets the write go on
	}{
		{"no posix-rename", []string{"posix-rename@openssh.com"}, "posix-rename@openssh.com", tempfs.AllowNonAtomic()},
		{"no fsync", []string{"fsync@openssh.com"}, "fsync@openssh.com", tempfs.NoSync()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys, dir, s := newFs(t, serverOpts{hide: tc.hide})
			_, ok := s.client.HasExtension(tc.missing)
			require.False(t, ok, "the filter hides %s", tc.missing)
			_, ok = s.client.HasExtension("statvfs@openssh.com")
			require.True(t, ok, "the filter keeps the others")

			target := filepath.Join(dir, "target")
			writeHost(t, target, "OLD")
			before := entries(t, dir)

			err := tempfs.WriteFile(fsys, target, []byte("NEW"), 0o600)
			require.Error(t, err)
			assert.ErrorIs(t, err, errors.ErrUnsupported)
			assert.Contains(t, err.Error(), tc.missing)
			var pe *fs.PathError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, target, pe.Path)
			assert.Equal(t, "OLD", readHost(t, target), "target untouched")
			assert.Equal(t, before, entries(t, dir), "nothing written, not even a temp file")

			require.NoError(t, tempfs.WriteFile(fsys, target, []byte("NEW"), 0o600, tc.opt),
				"the caller opted into the weaker guarantee")
			assert.Equal(t, "NEW", readHost(t, target))
		})
	}
}

// TestNonAtomicNeverRemovesADirectory: with AllowNonAtomic on a server
// without posix-rename, a target that is an (empty) directory is refused,
// not removed (the SFTP remove falls back to rmdir) and replaced.
func TestNonAtomicNeverRemovesADirectory(t *testing.T) {
	t.Parallel()
	fsys, dir, _ := newFs(t, serverOpts{hide: []string{"posix-rename@openssh.com"}})
	target := filepath.Join(dir, "d")
	require.NoError(t, fsys.Mkdir(target, 0o700))
	err := tempfs.WriteFile(fsys, target, []byte("NEW"), 0o600, tempfs.AllowNonAtomic())
	require.Error(t, err)
	assert.ErrorIs(t, err, syscall.EISDIR)
	fi, err := fsys.Stat(target)
	require.NoError(t, err)
	assert.True(t, fi.IsDir(), "the directory was replaced")
	tempfstest.AssertNoTempFiles(t, fsys, dir)
}

func TestMissingExtensionsFs(t *testing.T) {
	t.Parallel()
	hide := []string{"posix-rename@openssh.com", "fsync@openssh.com", "hardlink@openssh.com"}
	fsys, dir, _ := newFs(t, serverOpts{hide: hide})

	g := fsys.Guarantees()
	require.Error(t, g.AtomicReplace)
	require.Error(t, g.Sync)
	assert.ErrorIs(t, g.AtomicReplace, errors.ErrUnsupported)
	assert.ErrorIs(t, g.Sync, errors.ErrUnsupported)
	assert.Contains(t, g.AtomicReplace.Error(), "posix-rename@openssh.com")
	assert.Contains(t, g.Sync.Error(), "fsync@openssh.com")

	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	writeHost(t, a, "A")
	writeHost(t, b, "B")
	err := fsys.Rename(a, b)
	var le *os.LinkError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "rename", le.Op)
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.ErrorIs(t, err, fs.ErrExist)
	assert.Contains(t, err.Error(), "server lacks posix-rename@openssh.com")
	assert.Equal(t, "A", readHost(t, a))
	assert.Equal(t, "B", readHost(t, b))

	c := filepath.Join(dir, "c")
	require.NoError(t, fsys.Rename(a, c), "plain rename to a free name works")
	assert.Equal(t, "A", readHost(t, c))

	f, err := fsys.OpenFile(c, os.O_RDWR, 0)
	require.NoError(t, err)
	defer f.Close()
	err = f.Sync()
	requirePathErr(t, err, "sync", c, errors.ErrUnsupported)
	assert.Contains(t, err.Error(), "fsync@openssh.com")

	err = fsys.SyncDir(dir)
	requirePathErr(t, err, "syncdir", dir, errors.ErrUnsupported)
	assert.Contains(t, err.Error(), "fsync@openssh.com")

	err = fsys.Link(c, filepath.Join(dir, "d"))
	assert.ErrorIs(t, err, errors.ErrUnsupported)
	assert.Contains(t, err.Error(), "hardlink@openssh.com")
}

// Lines of OpenSSH sftp-server's log (-l DEBUG3) that matter here.
var (
	logWrite  = regexp.MustCompile(`^debug1: request \d+: write "([^"]+)"`)
	logFsync  = regexp.MustCompile(`^fsync "([^"]+)"$`)
	logRename = regexp.MustCompile(`^posix-rename old "([^"]+)" new "([^"]+)"$`)
	logStatus = regexp.MustCompile(`^sent status (.+)$`)
)

// serverEvents extracts, in order, the writes, fsyncs and posix-renames the
// server performed, each with its status, from its log.
func serverEvents(t *testing.T, log string) []string {
	t.Helper()
	var events []string
	pending := -1 // index of the event waiting for its status
	for _, line := range strings.Split(log, "\n") {
		line = strings.TrimRight(line, "\r") // the server ends lines with CRLF
		if m := logWrite.FindStringSubmatch(line); m != nil {
			events = append(events, "write "+m[1])
			pending = len(events) - 1
		} else if m := logFsync.FindStringSubmatch(line); m != nil {
			events = append(events, "fsync "+m[1])
			pending = len(events) - 1
		} else if m := logRename.FindStringSubmatch(line); m != nil {
			events = append(events, "posix-rename "+m[1]+" -> "+m[2])
			pending = len(events) - 1
		} else if m := logStatus.FindStringSubmatch(line); m != nil && pending >= 0 {
			events[pending] += " = " + m[1]
			pending = -1
		}
	}
	return events
}

// TestDurableWriteLogOrder reads OpenSSH's own log of one durable WriteFile
// and checks that the temp file is written and fsynced, then renamed over
// the target with posix-rename, then the directory is fsynced, in that
// order and each successfully.
func TestDurableWriteLogOrder(t *testing.T) {
	t.Parallel()
	fsys, dir, s := newFs(t, serverOpts{log: true})
	target := filepath.Join(dir, "target")
	writeHost(t, target, "OLD")

	require.NoError(t, tempfs.WriteFile(fsys, target, []byte("NEW"), 0o600))
	s.stop() // the server exits and its whole log is in
	log := s.log.String()
	events := serverEvents(t, log)
	require.Len(t, events, 4, "server log:\n%s", log)

	tmp := strings.TrimSuffix(strings.TrimPrefix(events[0], "write "), " = Success")
	assert.Regexp(t, `/\.target\.tempfs-[0-9a-v]{13}\.tmp$`, tmp)
	assert.Equal(t, []string{
		"write " + tmp + " = Success",
		"fsync " + tmp + " = Success",
		"posix-rename " + tmp + " -> " + target + " = Success",
		"fsync " + dir + " = Success",
	}, events, "server log:\n%s", log)
	assert.Equal(t, "NEW", readHost(t, target))
}
