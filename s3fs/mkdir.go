package s3fs

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Mkdir creates directory name with permission bits perm (stored, not
// enforced; no umask): a zero-byte marker "name/" written with
// If-None-Match: *. It fails with fs.ErrExist if a file or directory name
// exists, and with fs.ErrNotExist if the parent directory does not.
func (f *Fs) Mkdir(name string, perm fs.FileMode) error {
	k, err := f.key(name)
	if err == nil && k == "" {
		err = fs.ErrExist
	}
	if err == nil {
		err = f.mkdir(k, perm)
	}
	return pathErr("mkdir", name, err)
}

func (f *Fs) mkdir(k string, perm fs.FileMode) error {
	if err := f.checkNew(k); err != nil {
		if errors.Is(err, errIsDir) {
			return fs.ErrExist
		}
		return err
	}
	if _, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(k)}); err == nil {
		return fs.ErrExist
	} else if !isNotFound(err) {
		return err
	}
	return f.putMarker(k, perm, true)
}

// putMarker writes the directory marker of k.
func (f *Fs) putMarker(k string, perm fs.FileMode, excl bool) error {
	in := &s3.PutObjectInput{
		Bucket: &f.bucket, Key: aws.String(k + "/"), Body: strings.NewReader(""),
		ContentLength: aws.Int64(0), Metadata: modeMeta(perm, true),
	}
	if excl {
		in.IfNoneMatch = aws.String("*")
	}
	_, err := f.client.PutObject(ctx(), in)
	return err
}

// MkdirAll creates directory name and the missing parents, with markers
// of permission bits perm. It fails with ENOTDIR where a file is in the
// way.
func (f *Fs) MkdirAll(name string, perm fs.FileMode) error {
	k, err := f.key(name)
	if err != nil {
		return pathErr("mkdir", name, err)
	}
	if k == "" {
		return nil
	}
	fi, err := f.stat(k)
	switch {
	case err == nil && fi.IsDir():
		return nil
	case err == nil:
		return pathErr("mkdir", name, errNotDir)
	case !errors.Is(err, fs.ErrNotExist):
		return pathErr("mkdir", name, err)
	}
	if p := parentKey(k); p != "" {
		if err := f.MkdirAll("/"+p, perm); err != nil {
			return err
		}
	}
	if err := f.putMarker(k, perm, true); err != nil && !isPrecondition(err) {
		return pathErr("mkdir", name, err)
	}
	return nil
}

// Chmod stores permission bits mode&0o777 (S3 does not enforce them). For
// a file it is a CopyObject of the object onto itself with new metadata
// (objects up to 5 GiB); for a directory it writes the marker.
func (f *Fs) Chmod(name string, mode fs.FileMode) error {
	k, err := f.key(name)
	if err != nil {
		return pathErr("chmod", name, err)
	}
	fi, err := f.stat(k)
	if err != nil {
		return pathErr("chmod", name, err)
	}
	if k == "" {
		return nil
	}
	if fi.IsDir() {
		return pathErr("chmod", name, f.putMarker(k, mode, false))
	}
	head, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
	if err != nil {
		return pathErr("chmod", name, err)
	}
	meta := head.Metadata
	if meta == nil {
		meta = map[string]string{}
	}
	meta[metaMode] = modeString(mode)
	_, err = f.client.CopyObject(ctx(), &s3.CopyObjectInput{
		Bucket: &f.bucket, Key: aws.String(k), CopySource: aws.String(copySource(f.bucket, k)),
		Metadata: meta, MetadataDirective: "REPLACE", ContentType: head.ContentType,
		CopySourceIfMatch: head.ETag,
	})
	return pathErr("chmod", name, err)
}

// copySource is the x-amz-copy-source value of bucket/key.
func copySource(bucket, k string) string {
	parts := strings.Split(k, "/")
	for i, p := range parts {
		parts[i] = urlEscape(p)
	}
	return bucket + "/" + strings.Join(parts, "/")
}

// Chown fails with an error wrapping errors.ErrUnsupported: objects have
// no owner uid and gid.
func (f *Fs) Chown(name string, uid, gid int) error {
	return pathErr("chown", name, fmt.Errorf("s3 objects have no uid and gid: %w", errors.ErrUnsupported))
}

// Chtimes fails with an error wrapping errors.ErrUnsupported: S3 sets an
// object's modification time itself, when it is written.
func (f *Fs) Chtimes(name string, atime, mtime time.Time) error {
	return pathErr("chtimes", name, fmt.Errorf("s3 sets modification times itself: %w", errors.ErrUnsupported))
}
