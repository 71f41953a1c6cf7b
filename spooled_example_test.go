package tempfs_test

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// A request body, say, is kept in memory while it is small and moves to a
// temporary file on the Fs once it passes the limit; reading it back works
// the same either way, and Close removes the file.
func ExampleNewSpooledFile() {
	fsys := afero.NewMemMapFs()
	s := tempfs.NewSpooledFile(fsys, 16)
	defer s.Close()

	if _, err := s.WriteString("hello, "); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after 7 bytes, rolled over:", s.Rolled())

	if _, err := io.Copy(s, strings.NewReader("spooled world!")); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after 21 bytes, rolled over:", s.Rolled())

	if _, err := s.Seek(0, io.SeekStart); err != nil {
		fmt.Println(err)
		return
	}
	content, err := io.ReadAll(s)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%q\n", content)

	name := s.Name()
	if err := s.Close(); err != nil {
		fmt.Println(err)
		return
	}
	_, err = fsys.Stat(name)
	fmt.Println("file removed by Close:", err != nil)
	// Output:
	// after 7 bytes, rolled over: false
	// after 21 bytes, rolled over: true
	// "hello, spooled world!"
	// file removed by Close: true
}
