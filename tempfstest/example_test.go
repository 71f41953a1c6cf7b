package tempfstest_test

import (
	"errors"
	"fmt"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
	"github.com/tempfs-go/tempfs/tempfstest"
)

// A crash right after a write that skipped fsync loses the data; after
// tempfs.WriteFile (which syncs the file and its directory) it survives.
func ExampleCrashFs_Crash() {
	fsys := tempfstest.NewCrashFs()
	_ = fsys.Mkdir("/data", 0o755)
	fsys.SyncAll()

	_ = tempfs.WriteFile(fsys, "/data/atomic", []byte("kept"), 0o644)
	_ = afero.WriteFile(fsys, "/data/plain", []byte("lost"), 0o644)

	img, err := fsys.Crash(tempfstest.CrashOptions{Retain: 0})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, name := range []string{"/data/plain", "/data/atomic"} {
		b, err := afero.ReadFile(img, name)
		fmt.Printf("%s: %q %v\n", name, b, err)
	}
	// Output:
	// /data/plain: "" open /data/plain: file does not exist
	// /data/atomic: "kept" <nil>
}

// Fail every write of an atomic write, as a full disk would: the write
// reports the injected error and removes its temp file.
func ExampleFaultFs() {
	inner := tempfstest.NewCrashFs()
	_ = inner.Mkdir("/data", 0o755)
	ff := tempfstest.NewFaultFs(inner)
	errDiskFull := errors.New("disk full")
	ff.FailWhen(func(c tempfstest.Call) bool { return c.Op == "write" }, errDiskFull)

	err := tempfs.WriteFile(ff, "/data/f", []byte("x"), 0o644)
	fmt.Println(errors.Is(err, errDiskFull))
	for _, c := range ff.Calls() {
		fmt.Println(c.Index, c.Op)
	}
	// Output:
	// true
	// 0 lstat
	// 1 openfile
	// 2 write
	// 3 close
	// 4 remove
}

// CheckFs tells which of the semantics tempfs relies on a backend lacks.
func ExampleCheckFs() {
	fmt.Println(tempfstest.CheckFs(tempfstest.NewCrashFs()))
	err := tempfstest.CheckFs(afero.NewCopyOnWriteFs(afero.NewMemMapFs(), afero.NewMemMapFs()))
	var ce *tempfstest.CheckError
	fmt.Println(errors.As(err, &ce))
	// Output:
	// <nil>
	// true
}
