package memfs

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// CrashOptions say what of the unsynced state [Fs.Crash] keeps.
type CrashOptions struct {
	// Retain is the probability, from 0 to 1, that each unsynced change
	// survives the crash. 0 keeps only synced state (the worst case a
	// correct program must survive); 1 keeps everything, as if the crash
	// came after a full sync.
	//
	// Each directory entry that differs from its synced version (created,
	// removed, renamed, replaced) survives whole or not at all. So does
	// each file's or directory's mode changed since its last sync. For
	// each file whose data differs from its synced data, the length is
	// the current or the synced one, and each sector (see Sector) that
	// differs holds the current or the synced bytes, independently of its
	// neighbours: a write that was not synced can be torn anywhere between
	// sectors, also within a 4 KiB page. Bytes beyond the synced length
	// that are not kept read as zeros, as a disk that allocated a block
	// but never wrote it.
	Retain float64
	// Seed seeds the random choices, so a failing crash image can be
	// made again.
	Seed uint64
	// Sector is the size in bytes of the unit that a crash never tears:
	// each sector of a file holds all its old bytes or all its new ones.
	// 0 means [CrashSectorSize]; 1 lets a write tear between any two
	// bytes. It must not be negative.
	Sector int
}

// CrashSectorSize is the default unit in which unsynced file data
// survives a crash: a disk sector, the largest write that disks are
// commonly trusted to make atomically.
const CrashSectorSize = 512

// ErrNotTracked is returned by [Fs.Crash] on an Fs made without
// [Options.TrackSync]: it knows nothing of what is durable.
var ErrNotTracked = errors.New("memfs: Crash needs an Fs made with Options.TrackSync")

// Crash returns a new Fs holding what survived a power loss of f at this
// moment: synced state, plus what opts.Retain keeps of the rest, with the
// same options as f. In the new Fs everything is durable; owners, times
// and symbolic links' targets are as they were at the crash, and its
// directories list their entries in sorted order. f itself is unchanged
// and stays usable; its open files, and files no name refers to, are not
// carried over.
//
// A directory that, after an unsynced rename, would appear in two places
// (or inside itself) is kept at the first place met in a walk of sorted
// names, and dropped elsewhere. Crash fails with [ErrNotTracked] if f was
// made without [Options.TrackSync], and with an error if opts.Retain is
// not within [0, 1] or opts.Sector is negative. Its cost grows with the
// whole Fs (it copies it). It is safe for concurrent use.
func (f *Fs) Crash(opts CrashOptions) (*Fs, error) {
	switch {
	case !f.opts.TrackSync:
		return nil, ErrNotTracked
	case math.IsNaN(opts.Retain) || opts.Retain < 0 || opts.Retain > 1:
		return nil, fmt.Errorf("memfs: CrashOptions.Retain %v is not within [0, 1]", opts.Retain)
	case opts.Sector < 0:
		return nil, fmt.Errorf("memfs: CrashOptions.Sector %d is negative", opts.Sector)
	}
	sector := opts.Sector
	if sector == 0 {
		sector = CrashSectorSize
	}
	f.mu.RLock()
	defer f.mu.RUnlock()
	g := &Fs{opts: f.opts, nextIno: f.nextIno}
	cl := &cloner{
		g:      g,
		keep:   opts.Retain,
		sector: sector,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		done:   map[*node]*node{},
	}
	g.root = cl.clone(f.root)
	g.root.parent = g.root
	if g.isRestricted(g.root) {
		g.restricted++
	}
	return g, nil
}

// cloner makes a crash image.
type cloner struct {
	g      *Fs // the image
	keep   float64
	sector int
	rng    *rand.Rand
	done   map[*node]*node
}

// take decides whether one unsynced change survives.
func (cl *cloner) take() bool {
	return cl.rng.Float64() < cl.keep
}

// clone returns the crash image of n, or nil for a directory already
// placed elsewhere. A file reached twice (hard links) is the same node.
// Link counts are counted as the image's entries are made.
func (cl *cloner) clone(n *node) *node {
	if m, ok := cl.done[n]; ok {
		if n.isDir() {
			return nil
		}
		return m
	}
	mode := n.dur.mode
	if n.mode != mode && cl.take() {
		mode = n.mode
	}
	m := &node{mode: mode, uid: n.uid, gid: n.gid, ino: n.ino, mtime: n.mtime, atime: n.atime, target: n.target}
	cl.done[n] = m
	switch {
	case n.isRegular():
		m.data = cl.data(n.data, n.dur.data)
	case n.isDir():
		m.children = newEntries()
		m.nlink = 2
		cl.entries(n, m)
	}
	cl.g.track(m)
	if m.isRegular() {
		m.dur.data = slices.Clone(m.data)
	}
	return m
}

// entries fills m, the image of directory n, with the images of the
// entries that survive, in sorted order.
func (cl *cloner) entries(n, m *node) {
	names := make([]string, 0, n.children.len()+len(n.children.unsynced))
	n.children.all(func(name string, _ *node) bool {
		names = append(names, name)
		return true
	})
	for name := range n.children.unsynced {
		if n.children.get(name).n == nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		cur := n.children.get(name).n
		pick := n.children.syncedChild(name)
		if cur != pick && cl.take() {
			pick = cur
		}
		if pick == nil {
			continue
		}
		c := cl.clone(pick)
		if c == nil {
			continue
		}
		m.children.add(name, c)
		switch {
		case c.isDir():
			c.parent = m
			m.nlink++
		default:
			c.nlink++
			if c.nlink > 1 {
				cl.g.extraLinks++
			}
		}
		if cl.g.isRestricted(c) {
			cl.g.restricted++
		}
	}
}

// data returns the crash image of a file's data.
func (cl *cloner) data(cur, synced []byte) []byte {
	size := len(synced)
	if len(cur) != len(synced) && cl.take() {
		size = len(cur)
	}
	out := make([]byte, size)
	copy(out, synced)
	for off := 0; off < size; off += cl.sector {
		end := min(off+cl.sector, size)
		want := sector(cur, off, end)
		if string(want) == string(out[off:end]) {
			continue
		}
		if cl.take() {
			copy(out[off:end], want)
		}
	}
	return out
}

// sector returns b[off:end], zero-extended where b is shorter.
func sector(b []byte, off, end int) []byte {
	out := make([]byte, end-off)
	if off < len(b) {
		copy(out, b[off:min(end, len(b))])
	}
	return out
}
