package memfs

// isRestricted reports whether n is a directory the Fs's user may not
// read, write and search. f.mu held.
func (f *Fs) isRestricted(n *node) bool {
	return n.isDir() && !f.may(n, mayRead|mayWrite|mayExec)
}

// unref drops a link to n: its name was removed, or the directory holding
// it was. f.mu held for writing.
func (f *Fs) unref(n *node) {
	if n.isDir() {
		if f.isRestricted(n) {
			f.restricted--
		}
		// A directory has one name: once it goes, the directory is dead
		// (rmdir(2) leaves it no link; Readdir on a handle fails).
		n.nlink = 0
	} else {
		if n.nlink > 1 {
			f.extraLinks--
		}
		n.nlink--
	}
	f.forget(n)
}

// setMeta changes n's mode or owner with fn, keeping the count of
// restricted directories. f.mu held for writing.
func (f *Fs) setMeta(n *node, fn func()) {
	if f.isRestricted(n) {
		f.restricted--
	}
	fn()
	if f.isRestricted(n) {
		f.restricted++
	}
}
