package memfs

import (
	"io"
	"io/fs"
	"syscall"
)

// Readdir returns the [fs.FileInfo] of the next count entries of the
// directory (not following symbolic links), as [*os.File.Readdir]: with
// count > 0 at most count of them, and io.EOF once none are left; with
// count <= 0 all that remain, and a nil error. The names are listed (in
// sorted order) at the first call; entries removed since are skipped,
// entries added since are not seen until Seek(0, io.SeekStart).
func (h *File) Readdir(count int) ([]fs.FileInfo, error) {
	var infos []fs.FileInfo
	err := h.readdir("readdirent", count, func(name string, n *node) {
		infos = append(infos, n.info(name))
	})
	return infos, err
}

// Readdirnames is [File.Readdir] giving names only.
func (h *File) Readdirnames(count int) ([]string, error) {
	var names []string
	err := h.readdir("readdirent", count, func(name string, _ *node) {
		names = append(names, name)
	})
	return names, err
}

// ReadDir is [File.Readdir] giving [fs.DirEntry] values, as
// [*os.File.ReadDir].
func (h *File) ReadDir(count int) ([]fs.DirEntry, error) {
	var entries []fs.DirEntry
	err := h.readdir("readdirent", count, func(name string, n *node) {
		entries = append(entries, fs.FileInfoToDirEntry(n.info(name)))
	})
	return entries, err
}

// readdir calls fn for the next count entries (all if count <= 0).
func (h *File) readdir(op string, count int, fn func(string, *node)) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.n == nil:
		return pathErr(op, h.name, fs.ErrClosed)
	case !h.n.isDir():
		return pathErr(op, h.name, syscall.ENOTDIR)
	}
	h.fsys.mu.RLock()
	defer h.fsys.mu.RUnlock()
	if h.dir == nil {
		h.dir = sortedNames(h.n)
	}
	found := 0
	for h.dirPos < len(h.dir) && (count <= 0 || found < count) {
		name := h.dir[h.dirPos]
		h.dirPos++
		if c := h.n.children[name]; c != nil {
			fn(name, c)
			found++
		}
	}
	if count > 0 && found == 0 {
		return io.EOF
	}
	return nil
}
