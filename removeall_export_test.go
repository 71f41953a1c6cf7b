package tempfs

import "github.com/spf13/afero"

// RemoveAllRootWalkForTest is RemoveAll with the os.Root walk that
// non-Linux hosts use, so that Linux runs test it too.
func RemoveAllRootWalkForTest(fsys afero.Fs, path string) error {
	return removeAll(fsys, path, removeRootTree)
}
