//go:build !linux

package s3fs_test

// rssChild needs /proc/self/status: the peak-RSS test is Linux only.
func rssChild() int { return 2 }
