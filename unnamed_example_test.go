package tempfs_test

import (
	"fmt"
	"io"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// A scratch file with no name: write, read back, Close frees it. On a Linux
// host it never has a name (O_TMPFILE); on MemMapFs it has one until Close.
func ExampleTempFileUnnamed() {
	fsys := afero.NewMemMapFs()
	f, err := tempfs.TempFileUnnamed(fsys, "")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer f.Close()
	if _, err := io.WriteString(f, "intermediate results"); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		fmt.Println(err)
		return
	}
	b, err := io.ReadAll(f)
	fmt.Println(string(b), err)
	fmt.Println(f.Name())
	// Output:
	// intermediate results <nil>
	// /tmp
}
