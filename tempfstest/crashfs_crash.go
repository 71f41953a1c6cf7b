package tempfstest

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// CrashOptions says what of the unsynced state a [CrashFs.Crash] keeps.
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

// Crash returns a new CrashFs holding what survived a power loss of c at
// this moment: synced state, plus what opts.Retain keeps of the rest. In
// the new Fs everything is durable. c itself is unchanged and stays
// usable; its open files are not carried over.
//
// A directory that, after an unsynced rename, would appear in two places
// (or inside itself) is kept at the first place met in a walk of sorted
// names, and dropped elsewhere. Crash returns an error if opts.Retain is
// not within [0, 1] or opts.Sector is negative. Its cost grows with the
// whole Fs (it copies it). It is safe for concurrent use.
func (c *CrashFs) Crash(opts CrashOptions) (*CrashFs, error) {
	if math.IsNaN(opts.Retain) || opts.Retain < 0 || opts.Retain > 1 {
		return nil, fmt.Errorf("tempfstest: CrashOptions.Retain %v is not within [0, 1]: %w", opts.Retain, errBadOption)
	}
	if opts.Sector < 0 {
		return nil, fmt.Errorf("tempfstest: CrashOptions.Sector %d is negative: %w", opts.Sector, errBadOption)
	}
	sector := opts.Sector
	if sector == 0 {
		sector = CrashSectorSize
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cl := &cloner{
		keep:   opts.Retain,
		sector: sector,
		rng:    rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x9e3779b97f4a7c15)),
		done:   map[*inode]*inode{},
	}
	root := cl.clone(c.root)
	return &CrashFs{root: root}, nil
}

var errBadOption = errors.New("invalid option")

type cloner struct {
	keep   float64
	sector int
	rng    *rand.Rand
	done   map[*inode]*inode
}

// take decides whether one unsynced change survives.
func (cl *cloner) take() bool {
	return cl.rng.Float64() < cl.keep
}

// clone returns the crash image of n, or nil for a directory already
// placed elsewhere. A file reached twice (hard links) is the same inode.
func (cl *cloner) clone(n *inode) *inode {
	if m, ok := cl.done[n]; ok {
		if n.dir {
			return nil
		}
		return m
	}
	mode := n.syncedMode
	if n.mode != n.syncedMode && cl.take() {
		mode = n.mode
	}
	m := &inode{dir: n.dir, mode: mode, syncedMode: mode, modTime: n.modTime}
	cl.done[n] = m
	if !n.dir {
		m.data = cl.data(n.data, n.synced)
		m.synced = append([]byte(nil), m.data...)
		return m
	}
	m.children = map[string]*inode{}
	names := make([]string, 0, len(n.children)+len(n.unsynced))
	for k := range n.children {
		names = append(names, k)
	}
	for k := range n.unsynced {
		if _, ok := n.children[k]; !ok {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		cur, curOK := n.children[name]
		pick, ok := n.syncedChild(name)
		if cur != pick && cl.take() {
			pick, ok = cur, curOK
		}
		if !ok {
			continue
		}
		if child := cl.clone(pick); child != nil {
			m.children[name] = child
		}
	}
	return m
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
