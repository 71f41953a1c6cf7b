package tempfs_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
)

// countingFs counts the calls to an afero.Fs and the files it creates, and
// can make the writes of its files fail.
type countingFs struct {
	afero.Fs
	mu         sync.Mutex
	calls      int
	created    int
	failWrites error
}

func (c *countingFs) count(create bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if create {
		c.created++
	}
}

func (c *countingFs) counts() (calls, created int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls, c.created
}

func (c *countingFs) wrap(f afero.File, err error) (afero.File, error) {
	if err != nil || c.failWrites == nil {
		return f, err
	}
	return faultFile{File: f, err: c.failWrites}, nil
}

func (c *countingFs) Create(name string) (afero.File, error) {
	c.count(true)
	return c.wrap(c.Fs.Create(name))
}

func (c *countingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	c.count(flag&os.O_CREATE != 0)
	return c.wrap(c.Fs.OpenFile(name, flag, perm))
}

func (c *countingFs) Open(name string) (afero.File, error) {
	c.count(false)
	return c.Fs.Open(name)
}

func (c *countingFs) Mkdir(name string, perm os.FileMode) error {
	c.count(false)
	return c.Fs.Mkdir(name, perm)
}

func (c *countingFs) MkdirAll(path string, perm os.FileMode) error {
	c.count(false)
	return c.Fs.MkdirAll(path, perm)
}

func (c *countingFs) Remove(name string) error {
	c.count(false)
	return c.Fs.Remove(name)
}

func (c *countingFs) RemoveAll(path string) error {
	c.count(false)
	return c.Fs.RemoveAll(path)
}

func (c *countingFs) Rename(oldname, newname string) error {
	c.count(false)
	return c.Fs.Rename(oldname, newname)
}

func (c *countingFs) Stat(name string) (os.FileInfo, error) {
	c.count(false)
	return c.Fs.Stat(name)
}

func (c *countingFs) Chmod(name string, mode os.FileMode) error {
	c.count(false)
	return c.Fs.Chmod(name, mode)
}

func (c *countingFs) Chown(name string, uid, gid int) error {
	c.count(false)
	return c.Fs.Chown(name, uid, gid)
}

func (c *countingFs) Chtimes(name string, atime, mtime time.Time) error {
	c.count(false)
	return c.Fs.Chtimes(name, atime, mtime)
}

// faultFile fails every write with err.
type faultFile struct {
	afero.File
	err error
}

func (f faultFile) Write([]byte) (int, error) { return 0, f.err }

func (f faultFile) WriteAt([]byte, int64) (int, error) { return 0, f.err }

func (f faultFile) WriteString(string) (int, error) { return 0, f.err }

// TestSpooledCreatesFileOnlyPastMaxSize counts the Fs calls around maxSize.
func TestSpooledCreatesFileOnlyPastMaxSize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		maxSize int64
		op      func(s *tempfs.SpooledFile) error
		rolled  bool
	}{
		{"write up to maxSize", 8, writeN(8), false},
		{"write past maxSize", 8, writeN(9), true},
		{"writeat ending at maxSize", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("x"), 7); return err }, false},
		{"writeat past maxSize", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt([]byte("x"), 8); return err }, true},
		{"writestring past maxSize", 3, func(s *tempfs.SpooledFile) error { _, err := s.WriteString("abcd"); return err }, true},
		{"readfrom up to maxSize", 8, readFromN(8), false},
		{"readfrom past maxSize", 8, readFromN(9), true},
		{"truncate to maxSize", 8, func(s *tempfs.SpooledFile) error { return s.Truncate(8) }, false},
		{"truncate past maxSize", 8, func(s *tempfs.SpooledFile) error { return s.Truncate(9) }, true},
		{"empty write far away", 8, func(s *tempfs.SpooledFile) error { _, err := s.WriteAt(nil, 1<<40); return err }, false},
		{"seek far, no write", 8, func(s *tempfs.SpooledFile) error { _, err := s.Seek(1<<40, io.SeekStart); return err }, false},
		{"reads and seeks", 8, func(s *tempfs.SpooledFile) error {
			_, err := s.Read(make([]byte, 100))
			assert.ErrorIs(t, err, io.EOF)
			_, err = s.Seek(4, io.SeekEnd)
			return err
		}, false},
		{"rollover", 8, (*tempfs.SpooledFile).Rollover, true},
		{"maxSize 0, nothing written", 0, writeN(0), false},
		{"maxSize 0, one byte", 0, writeN(1), true},
		{"maxSize -5, truncate 0", -5, func(s *tempfs.SpooledFile) error { return s.Truncate(0) }, false},
		{"maxSize -5, truncate 1", -5, func(s *tempfs.SpooledFile) error { return s.Truncate(1) }, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := &countingFs{Fs: afero.NewMemMapFs()}
			s := tempfs.NewSpooledFile(fsys, tc.maxSize)
			require.NoError(t, tc.op(s))
			assert.Equal(t, tc.rolled, s.Rolled())
			calls, created := fsys.counts()
			if !tc.rolled {
				assert.Zero(t, calls, "Fs calls in memory")
				assert.Empty(t, s.Name())
			} else {
				assert.Equal(t, 1, created, "files created")
				assert.Equal(t, "/tmp", filepath.Dir(s.Name()))
				assert.Regexp(t, `^spool-[0-9a-v]{13}$`, filepath.Base(s.Name()))
				assert.Equal(t, []string{filepath.Base(s.Name())}, entries(t, fsys, "/tmp"))
			}
			require.NoError(t, s.Close())
			assert.Empty(t, entries(t, fsys, "/tmp"), "left after Close")
			_, created = fsys.counts()
			assert.Equal(t, map[bool]int{false: 0, true: 1}[tc.rolled], created, "files created in all")
		})
	}
}

func writeN(n int) func(s *tempfs.SpooledFile) error {
	return func(s *tempfs.SpooledFile) error {
		_, err := s.Write(bytes.Repeat([]byte("a"), n))
		return err
	}
}

func readFromN(n int) func(s *tempfs.SpooledFile) error {
	return func(s *tempfs.SpooledFile) error {
		m, err := s.ReadFrom(bytes.NewReader(bytes.Repeat([]byte("a"), n)))
		if m != int64(n) {
			return fmt.Errorf("ReadFrom wrote %d of %d: %w", m, n, err)
		}
		return err
	}
}
