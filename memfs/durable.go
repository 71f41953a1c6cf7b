package memfs

import (
	"io/fs"
	"syscall"
)

// durable is what the last sync of a node made durable, kept with
// [Options.TrackSync]: its mode and, for a regular file, its data. A
// directory's durable entries are its current ones minus what changed
// since (entries.unsynced). A new node has its creation mode durably,
// and no data, once its name is durable.
type durable struct {
	mode fs.FileMode
	data []byte
}

// note records, in a tracked directory, that name changes from old to cur:
// the first change since the last sync remembers what name held; a
// change back to that forgets that name changed.
func (e *entries) note(name string, old, cur *node) {
	prev, changed := e.unsynced[name]
	switch {
	case !changed && old != cur:
		e.unsynced[name] = old
	case changed && prev == cur:
		delete(e.unsynced, name)
	}
}

// syncedChild returns what name held at the directory's last sync (nil:
// nothing).
func (e *entries) syncedChild(name string) *node {
	if old, ok := e.unsynced[name]; ok {
		return old
	}
	return e.m[name].n
}

// track makes n's current state its durable one, as a node has it when it
// is made or brought back by a crash, on a tracked Fs (the callers' check).
// f.mu held for writing.
func (f *Fs) track(n *node) {
	n.dur = &durable{mode: n.mode}
	if n.isDir() && n.children.unsynced == nil {
		n.children.unsynced = map[string]*node{}
	}
}

// sync makes n durable as fsync(2) does: a file's data and mode, a
// directory's entries and mode. It does nothing without
// Options.TrackSync. f.mu held for writing.
func (f *Fs) sync(n *node) {
	if n.dur == nil {
		return
	}
	n.dur.mode = n.mode
	switch {
	case n.isDir():
		if len(n.children.unsynced) > 0 {
			n.children.unsynced = map[string]*node{}
		}
	case n.isRegular():
		// The synced copy is reused, but a file that shrank a lot gives
		// its memory back, as its data does (resizeFor).
		if c := cap(n.dur.data); c > 1<<maxPooledShift && c > 4*len(n.data) {
			n.dur.data = nil
		}
		n.dur.data = append(n.dur.data[:0], n.data...)
	}
}

// SyncAll makes everything in the tree durable, as if every file and
// directory had been synced: tests use it to set up the state a crash
// starts from. Files no name refers to (removed while open, or unnamed)
// are left as they are. It does nothing without [Options.TrackSync]; its
// cost grows with the whole Fs.
func (f *Fs) SyncAll() {
	f.mu.Lock()
	defer f.mu.Unlock()
	var walk func(n *node)
	walk = func(n *node) {
		f.sync(n)
		n.children.all(func(_ string, c *node) bool {
			walk(c)
			return true
		})
	}
	walk(f.root)
}

// SyncDir makes the entries and the mode of the directory name durable,
// as fsync(2) on an open directory does (tempfs's DirSyncer); without
// [Options.TrackSync] there is nothing to keep and it only checks that
// name is a directory. Its cost grows with the entries changed since the
// directory's last sync, not with the directory.
func (f *Fs) SyncDir(name string) error {
	if f.opts.TrackSync {
		f.mu.Lock()
		defer f.mu.Unlock()
	} else {
		f.mu.RLock()
		defer f.mu.RUnlock()
	}
	r, err := f.resolve(name, follow)
	if err != nil {
		return pathErr("open", name, err)
	}
	if r.n == nil {
		return pathErr("open", name, syscall.ENOENT)
	}
	if !r.n.isDir() {
		return pathErr("sync", name, syscall.ENOTDIR)
	}
	f.sync(r.n)
	return nil
}
