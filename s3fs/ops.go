package s3fs

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/spf13/afero"
)

func urlEscape(s string) string { return url.PathEscape(s) }

const writeFlags = os.O_WRONLY | os.O_RDWR | os.O_CREATE | os.O_TRUNC | os.O_APPEND

// OpenFile opens name.
//
// Read-only, a file is one GetObject whose body is read as the file is
// (a Seek or ReadAt away from it sends a ranged GetObject, conditional on
// the same ETag, so one handle never mixes two versions); a directory
// lists its entries with delimiter listings.
//
// With a write flag, the content is buffered locally (in memory up to
// [Options].SpoolSize, then in a local temporary file) and uploaded with
// one PutObject by Sync and by Close; until then readers see the old
// object. O_CREATE of a missing file writes an empty object at once, with
// permission bits perm (stored, not enforced; no umask), after checking
// that the parent is a directory and that no directory has the name;
// O_CREATE|O_EXCL does it with If-None-Match: *, so exactly one of many
// concurrent creators succeeds and the others get fs.ErrExist. Without
// O_TRUNC the existing content is downloaded first. Opening a directory
// for writing fails with EISDIR.
func (f *Fs) OpenFile(name string, flag int, perm fs.FileMode) (afero.File, error) {
	const op = "open"
	k, err := f.key(name)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if flag&writeFlags == 0 {
		if k == "" {
			return &dir{fs: f, name: name, key: ""}, nil
		}
		return f.openRead(name, k)
	}
	if k == "" {
		return nil, pathErr(op, name, errIsDir)
	}
	file, err := f.openWrite(name, k, flag, perm)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	return file, nil
}

// openRead opens file or directory k for reading.
func (f *Fs) openRead(name, k string) (afero.File, error) {
	out, err := f.client.GetObject(ctx(), &s3.GetObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
	if err == nil {
		return &readFile{
			fs: f, name: name, key: k, body: out.Body, etag: aws.ToString(out.ETag),
			info: fileInfo{
				name: baseName(k), size: aws.ToInt64(out.ContentLength),
				mode: parseMode(out.Metadata, defFileMode), mtime: aws.ToTime(out.LastModified),
			},
		}, nil
	}
	if !isNotFound(err) {
		return nil, pathErr("open", name, err)
	}
	if _, err := f.statDir(k); err != nil {
		return nil, pathErr("open", name, err)
	}
	return &dir{fs: f, name: name, key: k}, nil
}

// Remove removes file name, or directory name if it is empty (its marker).
// Requests: a Stat, then one DeleteObject (plus one ListObjectsV2 for a
// directory).
func (f *Fs) Remove(name string) error {
	const op = "remove"
	k, err := f.key(name)
	if err != nil {
		return pathErr(op, name, err)
	}
	fi, err := f.stat(k)
	if err != nil {
		return pathErr(op, name, err)
	}
	if !fi.IsDir() {
		if err := f.deleteKey(k); err != nil {
			return pathErr(op, name, err)
		}
		f.unlink(k, false)
		return nil
	}
	if k == "" {
		return pathErr(op, name, errNotEmpty)
	}
	out, err := f.client.ListObjectsV2(ctx(), &s3.ListObjectsV2Input{
		Bucket: &f.bucket, Prefix: aws.String(k + "/"), MaxKeys: aws.Int32(2),
	})
	if err != nil {
		return pathErr(op, name, err)
	}
	for _, o := range out.Contents {
		if aws.ToString(o.Key) != k+"/" {
			return pathErr(op, name, errNotEmpty)
		}
	}
	return pathErr(op, name, f.deleteKey(k+"/"))
}

func (f *Fs) deleteKey(k string) error {
	_, err := f.client.DeleteObject(ctx(), &s3.DeleteObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
	return err
}

// RemoveAll removes name and every object under name/ (paginated
// ListObjectsV2, DeleteObjects in batches of 1,000). A missing name is not
// an error. Unfinished multipart uploads are left to [Fs.SweepStale].
func (f *Fs) RemoveAll(name string) error {
	const op = "removeall"
	k, err := f.key(name)
	if err != nil {
		return pathErr(op, name, err)
	}
	f.unlink(k, true)
	if k != "" {
		if err := f.deleteKey(k); err != nil && !isNotFound(err) {
			return pathErr(op, name, err)
		}
	}
	prefix := k + "/"
	if k == "" {
		prefix = ""
	}
	p := s3.NewListObjectsV2Paginator(f.client, &s3.ListObjectsV2Input{Bucket: &f.bucket, Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx())
		if err != nil {
			return pathErr(op, name, err)
		}
		if err := f.deleteBatch(page.Contents); err != nil {
			return pathErr(op, name, err)
		}
	}
	return nil
}

// deleteBatch deletes objs with one DeleteObjects (at most 1,000 keys, as
// one listing page holds).
func (f *Fs) deleteBatch(objs []types.Object) error {
	if len(objs) == 0 {
		return nil
	}
	ids := make([]types.ObjectIdentifier, len(objs))
	for i, o := range objs {
		ids[i] = types.ObjectIdentifier{Key: o.Key}
	}
	out, err := f.client.DeleteObjects(ctx(), &s3.DeleteObjectsInput{
		Bucket: &f.bucket, Delete: &types.Delete{Objects: ids, Quiet: aws.Bool(true)},
	})
	if err != nil {
		return err
	}
	for _, e := range out.Errors {
		if aws.ToString(e.Code) == codeNoSuchKey {
			continue
		}
		return &deleteError{key: aws.ToString(e.Key), code: aws.ToString(e.Code), msg: aws.ToString(e.Message)}
	}
	return nil
}

// deleteError is one key's failure in a DeleteObjects answer.
type deleteError struct{ key, code, msg string }

func (e *deleteError) Error() string {
	return "delete " + e.key + ": " + e.code + ": " + e.msg
}

// Is maps the S3 code to an fs sentinel.
func (e *deleteError) Is(target error) bool {
	return target == fs.ErrPermission && e.code == codeAccessDenied
}

// Rename moves file oldname to newname with CopyObject + DeleteObject:
// two requests, so a crash between them leaves both names (see
// [Fs.Guarantees]; objects up to 5 GiB). It replaces an existing file
// newname, and fails with EISDIR if newname is a directory. Directories
// cannot be renamed (an error wrapping errors.ErrUnsupported).
func (f *Fs) Rename(oldname, newname string) error {
	err := f.rename(oldname, newname)
	if err == nil {
		return nil
	}
	return &os.LinkError{Op: "rename", Old: oldname, New: newname, Err: mapErr(stripPath(err))}
}

func (f *Fs) rename(oldname, newname string) error {
	ok, err := f.key(oldname)
	if err != nil {
		return err
	}
	nk, err := f.key(newname)
	if err != nil {
		return err
	}
	src, err := f.stat(ok)
	if err != nil {
		return err
	}
	if src.IsDir() {
		return errRenameDir
	}
	if ok == nk {
		return nil
	}
	if nk == "" {
		return errIsDir
	}
	if err := f.checkNew(nk); err != nil {
		return err
	}
	if _, err := f.client.CopyObject(ctx(), &s3.CopyObjectInput{
		Bucket: &f.bucket, Key: aws.String(nk), CopySource: aws.String(copySource(f.bucket, ok)),
	}); err != nil {
		return err
	}
	if err := f.deleteKey(ok); err != nil {
		return err
	}
	f.unlink(ok, false)
	return nil
}

var errRenameDir = fmt.Errorf("s3fs cannot rename a directory (every key under it would be copied): %w", errors.ErrUnsupported)

// prefixOf is the listing prefix of directory key k.
func prefixOf(k string) string {
	if k == "" {
		return ""
	}
	return strings.TrimSuffix(k, "/") + "/"
}
