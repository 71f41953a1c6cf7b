package s3fs_test

import "syscall"

func setXattr(name string) error {
	return syscall.Setxattr(name, "user.tempfs-probe", []byte("1"), 0)
}
