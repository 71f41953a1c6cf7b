package tempfstest_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs/tempfstest"
)

// loggingFs is a user's own Fs: a wrapper that would log every call.
type loggingFs struct{ afero.Fs }

// The tempfs suite on the user's own Fs.
func TestLoggingFsSuite(t *testing.T) {
	tempfstest.RunSuite(t, tempfstest.Backend{
		Name:               "loggingFs(MemMapFs)",
		IgnoresPermissions: true,
		New: func(t testing.TB) (afero.Fs, string) {
			fsys := loggingFs{afero.NewMemMapFs()}
			if err := fsys.MkdirAll("/work", 0o700); err != nil {
				t.Fatal(err)
			}
			return fsys, "/work"
		},
	})
}

// CheckFs tells which of the semantics tempfs and users rely on the user's
// own Fs lacks: here the wrapper inherits MemMapFs's divergences.
func ExampleCheckFs_ownFs() {
	err := tempfstest.CheckFs(loggingFs{afero.NewMemMapFs()})
	var ce *tempfstest.CheckError
	fmt.Println(errors.As(err, &ce))
	fmt.Println(tempfstest.CheckFs(tempfstest.NewCrashFs()))
	// Output:
	// true
	// <nil>
}

// A backend's test file runs the whole suite on its Fs, once per Backend
// (compiled here; TestLoggingFsSuite above runs it).
func ExampleRunSuite() {
	_ = func(t *testing.T) {
		tempfstest.RunSuite(t, tempfstest.Backend{
			Name: "loggingFs(OsFs)",
			New: func(t testing.TB) (afero.Fs, string) {
				return loggingFs{afero.NewOsFs()}, t.TempDir()
			},
		})
	}
}
