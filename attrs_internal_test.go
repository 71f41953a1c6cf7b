package tempfs

import (
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
)

// ownedInfo is a FileInfo with an Owner method and no Sys value.
type ownedInfo struct{ fs.FileInfo }

func (ownedInfo) Owner() (int, int) { return 7, 8 }
func (ownedInfo) Sys() any          { return nil }

// bareInfo is a FileInfo with neither.
type bareInfo struct{ fs.FileInfo }

func (bareInfo) Sys() any { return nil }

// TestOwnerOfReadsFileOwner: ownerOf takes the owner from a FileInfo's
// FileOwner method where it has one, without its Sys value.
func TestOwnerOfReadsFileOwner(t *testing.T) {
	for _, tc := range []struct {
		name string
		fi   fs.FileInfo
		want owner
	}{
		{"FileOwner", ownedInfo{}, owner{uid: 7, gid: 8, ok: true}},
		{"no owner", bareInfo{}, owner{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, ownerOf(tc.fi))
		})
	}
}
