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
	// /data/plain: "" open /data/plain: no such file or directory
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
	// 1 openunnamed
	// 2 write
	// 3 close
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

// A user's SaveConfig, proved crash-safe: every crash image, before every
// call and with any share of unsynced state kept, holds the old config or
// the new one. The in-place write that afero.WriteFile does is caught.
func ExampleCrashes() {
	const name = "/etc/app.json"
	saves := map[string]func(fsys afero.Fs, data []byte) error{
		"tempfs.WriteFile": func(fsys afero.Fs, data []byte) error { return tempfs.WriteFile(fsys, name, data, 0o644) },
		"afero.WriteFile":  func(fsys afero.Fs, data []byte) error { return afero.WriteFile(fsys, name, data, 0o644) },
		"no fsync": func(fsys afero.Fs, data []byte) error {
			return tempfs.WriteFile(fsys, name, data, 0o644, tempfs.NoSync())
		},
	}
	for _, save := range []string{"tempfs.WriteFile", "afero.WriteFile", "no fsync"} {
		err := tempfstest.Crashes(tempfstest.Scenario{
			Setup: func(fsys afero.Fs) error {
				return tempfs.WriteFile(fsys, name, []byte(`{"v":1}`), 0o644, tempfs.CreateParents())
			},
			Run:   func(fsys afero.Fs) error { return saves[save](fsys, []byte(`{"v":2}`)) },
			Check: tempfstest.FileIsOneOf(name, `{"v":1}`, `{"v":2}`),
		})
		fmt.Printf("%s crash-safe: %v\n", save, err == nil)
	}
	// Output:
	// tempfs.WriteFile crash-safe: true
	// afero.WriteFile crash-safe: false
	// no fsync crash-safe: false
}

// Faults fails each call of the user's code in turn: a failed save must
// leave the old config.
func ExampleFaults() {
	const name = "/etc/app.json"
	err := tempfstest.Faults(tempfstest.Scenario{
		Setup: func(fsys afero.Fs) error {
			return tempfs.WriteFile(fsys, name, []byte("old"), 0o644, tempfs.CreateParents())
		},
		Run:   func(fsys afero.Fs) error { return tempfs.WriteFile(fsys, name, []byte("new"), 0o644) },
		Check: tempfstest.FileIsOneOf(name, "old", "new"),
	})
	fmt.Println(err)
	inPlace := tempfstest.Faults(tempfstest.Scenario{
		Setup: func(fsys afero.Fs) error {
			return tempfs.WriteFile(fsys, name, []byte("old"), 0o644, tempfs.CreateParents())
		},
		Run:   func(fsys afero.Fs) error { return afero.WriteFile(fsys, name, []byte("new"), 0o644) },
		Check: tempfstest.FileIsOneOf(name, "old", "new"),
	})
	fmt.Println(inPlace != nil)
	// Output:
	// <nil>
	// true
}
