//go:build !linux

package tempfs

import "github.com/spf13/afero"

// newHostUnnamed returns nil: unnamed files (O_TMPFILE) are Linux's.
func newHostUnnamed(*afero.BasePathFs) UnnamedCreator { return nil }
