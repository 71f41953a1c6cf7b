//go:build !linux

package s3fs_test

import "errors"

// setXattr is not tried off Linux: the gateway gets --sidecar there.
func setXattr(string) error { return errors.ErrUnsupported }
