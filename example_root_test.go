package tempfs_test

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// OpenRoot confines every name to one host directory, symbolic links
// included: a name that would leave it is refused with ErrEscapes, and
// errors show the sandbox's own paths, never the host's.
func ExampleOpenRoot() {
	host, err := os.MkdirTemp("", "sandbox-")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(host)
	root, err := tempfs.OpenRoot(host)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer root.Close()

	// Everything tempfs does works inside: atomic writes, temp dirs.
	if err := tempfs.WriteFile(root, "/uploads/a.txt", []byte("hello"), 0o644, tempfs.CreateParents()); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := afero.ReadFile(root, "/uploads/a.txt")
	fmt.Printf("%s\n", data)

	// What would leave the root is refused, whatever the spelling.
	for _, name := range []string{"../escape.txt", "/../../etc/passwd"} {
		err := tempfs.WriteFile(root, name, []byte("x"), 0o644)
		fmt.Println(name, errors.Is(err, tempfs.ErrEscapes))
	}
	// Output:
	// hello
	// ../escape.txt true
	// /../../etc/passwd true
}
