package s3fs

import (
	"io/fs"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// metaMode is the user-metadata name that holds permission bits.
const metaMode = "mode"

// modeMeta returns the metadata for permission bits perm of a file (or,
// with dir, of a directory's marker): none when perm is the default that
// an object without metadata reports, which saves a header (and, on some
// servers, an extended attribute) per write.
func modeMeta(perm fs.FileMode, dir bool) map[string]string {
	def := defFileMode
	if dir {
		def = defDirMode
	}
	if perm.Perm() == def {
		return nil
	}
	return map[string]string{metaMode: modeString(perm)}
}

func modeString(perm fs.FileMode) string {
	return "0" + strconv.FormatUint(uint64(perm.Perm()), 8)
}

// parseMode returns the permission bits in meta, or def.
func parseMode(meta map[string]string, def fs.FileMode) fs.FileMode {
	if s, ok := meta[metaMode]; ok {
		if m, err := strconv.ParseUint(s, 8, 32); err == nil {
			return fs.FileMode(m).Perm()
		}
	}
	return def
}

// Default permission bits for objects and prefixes without a stored mode.
const (
	defFileMode fs.FileMode = 0o644
	defDirMode  fs.FileMode = 0o755
)

// fileInfo describes an object or a prefix.
type fileInfo struct {
	name  string
	size  int64
	mode  fs.FileMode
	mtime time.Time
}

func (fi *fileInfo) Name() string       { return fi.name }
func (fi *fileInfo) Size() int64        { return fi.size }
func (fi *fileInfo) Mode() fs.FileMode  { return fi.mode }
func (fi *fileInfo) ModTime() time.Time { return fi.mtime }
func (fi *fileInfo) IsDir() bool        { return fi.mode.IsDir() }
func (fi *fileInfo) Sys() any           { return nil }

func baseName(k string) string {
	if k == "" {
		return "/"
	}
	return path.Base(k)
}

// Stat returns the object name, or the directory name (a marker or an
// implied prefix). Requests: one HeadObject for a file; for a directory
// also a HeadObject of its marker and, without one, a ListObjectsV2.
func (f *Fs) Stat(name string) (fs.FileInfo, error) {
	k, err := f.key(name)
	if err != nil {
		return nil, pathErr("stat", name, err)
	}
	fi, err := f.stat(k)
	return fi, pathErr("stat", name, err)
}

// stat is Stat by key.
func (f *Fs) stat(k string) (*fileInfo, error) {
	if k == "" {
		return &fileInfo{name: "/", mode: fs.ModeDir | defDirMode}, nil
	}
	out, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
	if err == nil {
		return &fileInfo{
			name:  baseName(k),
			size:  aws.ToInt64(out.ContentLength),
			mode:  parseMode(out.Metadata, defFileMode),
			mtime: aws.ToTime(out.LastModified),
		}, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	return f.statDir(k)
}

// statDir returns the directory k (a marker k/ or keys under k/), or an
// error wrapping fs.ErrNotExist.
func (f *Fs) statDir(k string) (*fileInfo, error) {
	if k == "" {
		return f.stat(k)
	}
	out, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(k + "/")})
	if err == nil {
		return &fileInfo{
			name:  baseName(k),
			mode:  fs.ModeDir | parseMode(out.Metadata, defDirMode),
			mtime: aws.ToTime(out.LastModified),
		}, nil
	}
	if !isNotFound(err) {
		return nil, err
	}
	has, err := f.hasUnder(k + "/")
	if err != nil {
		return nil, err
	}
	if !has {
		return nil, fs.ErrNotExist
	}
	return &fileInfo{name: baseName(k), mode: fs.ModeDir | defDirMode}, nil
}

// hasUnder reports whether some key starts with prefix (one
// ListObjectsV2 with MaxKeys 1).
func (f *Fs) hasUnder(prefix string) (bool, error) {
	out, err := f.client.ListObjectsV2(ctx(), &s3.ListObjectsV2Input{
		Bucket: &f.bucket, Prefix: aws.String(prefix), MaxKeys: aws.Int32(1),
	})
	if err != nil {
		return false, err
	}
	return len(out.Contents) > 0 || len(out.CommonPrefixes) > 0, nil
}

// parentKey returns the key of k's parent directory ("" for the root).
func parentKey(k string) string {
	if i := strings.LastIndexByte(k, '/'); i >= 0 {
		return k[:i]
	}
	return ""
}

// checkNew checks that a file or directory k may be created: its parent
// is a directory and no directory k exists. Both lists run at once, so
// the check costs the time of one request (none for the parent when it
// is the root).
func (f *Fs) checkNew(k string) error {
	if f.opts.NoDirChecks {
		return nil
	}
	parent := parentKey(k)
	parentErr := make(chan error, 1)
	if parent == "" {
		parentErr <- nil
	} else {
		go func() { parentErr <- f.checkParent(parent) }()
	}
	isDir, err := f.hasUnder(k + "/")
	perr := <-parentErr
	switch {
	case perr != nil:
		return perr
	case err != nil:
		return err
	case isDir:
		return errIsDir
	}
	return nil
}

// checkParent returns nil if directory parent exists; an error wrapping
// fs.ErrNotExist if nothing is there, ENOTDIR if a file is.
func (f *Fs) checkParent(parent string) error {
	has, err := f.hasUnder(parent + "/")
	if err != nil || has {
		return err
	}
	// No key under parent/: a file there makes it ENOTDIR.
	_, err = f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(parent)})
	if err == nil {
		return errNotDir
	}
	if isNotFound(err) {
		return fs.ErrNotExist
	}
	return err
}
