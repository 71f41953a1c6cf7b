//go:build unix

package tempfs

import "syscall"

// statOwner reads the owner from a *syscall.Stat_t, what fi.Sys() is on
// the host and on memfs, without the reflection [ownerOf] needs for
// other types; ok is false for any other sys.
func statOwner(sys any) (o owner, ok bool) {
	st, ok := sys.(*syscall.Stat_t)
	if !ok || st == nil {
		return owner{}, false
	}
	return owner{uid: int(st.Uid), gid: int(st.Gid), ok: true}, true
}
