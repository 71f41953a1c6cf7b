package memfs

import (
	"io"
	"io/fs"
	"syscall"
)

// Readdir returns the [fs.FileInfo] of the next count entries of the
// directory (not following symbolic links), as [*os.File.Readdir]: with
// count > 0 at most count of them, and io.EOF once none are left; with
// count <= 0 all that remain, and a nil error. Entries come in the order
// they were made (not sorted: as on a disk, sort them if you need an
// order); entries removed since the first call are skipped, entries added
// since are not seen until Seek(0, io.SeekStart), and a name renamed over
// keeps its place. Paging copies nothing: a listing costs the same
// whatever else the directory holds. A directory removed since it was
// opened fails with syscall.ENOENT, as on Linux. The slice is never nil,
// even with an error, as os's.
func (h *File) Readdir(count int) ([]fs.FileInfo, error) {
	infos := []fs.FileInfo{} // as os: never nil, even with an error
	err := h.readdir("readdirent", count, func(c int) { infos = make([]fs.FileInfo, 0, c) }, func(name string, n *node) {
		infos = append(infos, n.info(name))
	})
	return infos, err
}

// Readdirnames is [File.Readdir] giving names only.
func (h *File) Readdirnames(count int) ([]string, error) {
	names := []string{} // as os: never nil, even with an error
	err := h.readdir("readdirent", count, func(c int) { names = make([]string, 0, c) }, func(name string, _ *node) {
		names = append(names, name)
	})
	return names, err
}

// ReadDir is [File.Readdir] giving [fs.DirEntry] values, as
// [*os.File.ReadDir].
func (h *File) ReadDir(count int) ([]fs.DirEntry, error) {
	entries := []fs.DirEntry{} // as os: never nil, even with an error
	err := h.readdir("readdirent", count, func(c int) { entries = make([]fs.DirEntry, 0, c) }, func(name string, n *node) {
		entries = append(entries, fs.FileInfoToDirEntry(n.info(name)))
	})
	return entries, err
}

// readdir calls fn for the next count entries (all if count <= 0), after
// calling alloc with at least as many as there will be (so that a page is
// allocated once, at its size: paging a big directory makes no garbage
// but the pages).
func (h *File) readdir(op string, count int, alloc func(int), fn func(string, *node)) error {
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
	if h.n.nlink == 0 {
		// Removed: getdents(2) on a dead directory fails so on Linux.
		return pathErr(op, h.name, syscall.ENOENT)
	}
	if h.list == nil {
		h.list = &listing{upto: h.n.children.seq}
	}
	page := h.n.children.len()
	if count > 0 && count < page {
		page = count
	}
	alloc(page)
	var found int
	found, h.list.after = h.n.children.next(h.list.after, h.list.upto, count, fn)
	if count > 0 && found == 0 {
		return io.EOF
	}
	return nil
}
