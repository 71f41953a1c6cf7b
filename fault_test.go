package tempfs_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// atomicWrites are the three ways to replace a file, each writing data.
var atomicWrites = map[string]func(fsys afero.Fs, name string, data []byte) error{
	"WriteFile": func(fsys afero.Fs, name string, data []byte) error {
		return tempfs.WriteFile(fsys, name, data, 0o600)
	},
	"WriteReader": func(fsys afero.Fs, name string, data []byte) error {
		return tempfs.WriteReader(fsys, name, bytes.NewReader(data), 0o600)
	},
	"PendingFile": func(fsys afero.Fs, name string, data []byte) error {
		p, err := tempfs.NewPendingFile(fsys, name)
		if err != nil {
			return err
		}
		defer p.Cleanup()
		if _, err := p.Write(data); err != nil {
			return err
		}
		return p.Commit()
	},
	"Persist": func(fsys afero.Fs, name string, data []byte) error {
		return persistWith(fsys, name, data, (*tempfs.File).Persist)
	},
	"PersistNoClobber": func(fsys afero.Fs, name string, data []byte) error {
		return persistWith(fsys, name, data, (*tempfs.File).PersistNoClobber)
	},
}

// persistWith writes data to a temp file beside name and moves it there.
func persistWith(fsys afero.Fs, name string, data []byte, persist func(*tempfs.File, string) error) (err error) {
	f, err := tempfs.NewFile(fsys, filepath.Dir(name), "persist-*")
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil {
			err = errors.Join(err, cerr)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	return persist(f, name)
}

// TestAtomicWriteFaults fails each afero call an atomic write (WriteFile,
// WriteReader, PendingFile, File.Persist and PersistNoClobber) makes, one
// index at a time. Before the rename, a failure leaves the target as it
// was; after it (the directory fsync), the target holds the new content,
// since a rename cannot be undone; either way no temp file remains and the
// error wraps the injected one and names the caller's path.
func TestAtomicWriteFaults(t *testing.T) {
	t.Parallel()
	backends := append(memBackends()[:1], osBackends()[:1]...)
	injected := errors.New("injected fault")
	oldData, newData := []byte("old content"), []byte(strings.Repeat("new content ", 1000))
	for _, b := range backends {
		for wname, write := range atomicWrites {
			for _, hadOld := range []bool{true, false} {
				if wname == "PersistNoClobber" && hadOld {
					continue // refuses an existing target by design
				}
				name := b.Name + "/" + wname + "/old=" + map[bool]string{true: "yes", false: "absent"}[hadOld]
				t.Run(name, func(t *testing.T) {
					setup := func() (*tempfstest.FaultFs, string, string) {
						inner, dir := b.New(t)
						dir = filepath.Join(dir, "w")
						require.NoError(t, inner.Mkdir(dir, 0o700))
						target := filepath.Join(dir, "target")
						if hadOld {
							require.NoError(t, afero.WriteFile(inner, target, oldData, 0o600))
						}
						return tempfstest.NewFaultFs(inner), dir, target
					}
					// Count the calls of a clean run.
					ffs, _, target := setup()
					require.NoError(t, write(ffs, target, newData))
					calls := ffs.Calls()
					renameAt := -1
					for _, c := range calls {
						if c.Op == "rename" {
							renameAt = c.Index
						}
					}
					require.Positive(t, renameAt, "no rename among %v", calls)
					require.Greater(t, len(calls), renameAt+1, "no directory sync after the rename: %v", calls)

					for k := range calls {
						ffs, dir, target := setup()
						ffs.FailAt(k, injected)
						err := write(ffs, target, newData)
						require.Error(t, err, "call %d (%v) failed but the write succeeded", k, calls[k])
						assert.ErrorIs(t, err, injected, "call %d", k)
						// The error itself (not only something it wraps) is the
						// caller's *fs.PathError (issue 17.4).
						pe, isPath := err.(*fs.PathError)
						_, isLink := err.(*os.LinkError)
						assert.True(t, isPath || isLink, "call %d: %T is not *fs.PathError or *os.LinkError: %v", k, err, err)
						if isPath {
							// The caller's path: the target, or for the
							// Persist flows the temp file (or its pattern),
							// which the caller created and wrote to.
							ok := pe.Path == target ||
								strings.HasPrefix(wname, "Persist") && strings.HasPrefix(pe.Path, filepath.Join(dir, "persist-"))
							assert.True(t, ok, "call %d: error names %q", k, pe.Path)
						}
						got, rerr := afero.ReadFile(ffs.Inner(), target)
						switch {
						case k > renameAt:
							require.NoError(t, rerr)
							assert.Equal(t, newData, got, "call %d after the rename", k)
						case hadOld:
							require.NoError(t, rerr)
							assert.Equal(t, oldData, got, "call %d (%v) changed the target", k, calls[k])
						default:
							assert.ErrorIs(t, rerr, fs.ErrNotExist, "call %d (%v) created the target", k, calls[k])
						}
						// Nothing but the target is left in the directory.
						var want []string
						if k > renameAt || hadOld {
							want = []string{"target"}
						}
						got2, lerr := afero.ReadDir(ffs.Inner(), dir)
						require.NoError(t, lerr)
						var left []string
						for _, fi := range got2 {
							left = append(left, fi.Name())
						}
						assert.Equal(t, want, left, "call %d (%v): directory holds more than the target", k, calls[k])
					}
				})
			}
		}
	}
}
