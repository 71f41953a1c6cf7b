// Package s3fs is an [afero.Fs] over one S3 bucket (AWS S3, MinIO, Ceph
// RGW, Cloudflare R2, Versity S3 Gateway, ...) through the AWS SDK for Go
// v2, shaped so that tempfs's atomic writes map onto what S3 really
// guarantees:
//
//   - Path /a/b.txt is key a/b.txt. Directories are key prefixes: Mkdir
//     writes a zero-byte marker a/, and Stat, Open and Readdir understand
//     both markers and implied prefixes (keys under a/ with no marker).
//   - [Fs.Replace] ([tempfs.AtomicReplacer]) writes a target key directly:
//     one PutObject for data up to the part size, else a multipart upload
//     whose CompleteMultipartUpload publishes the whole object at once.
//     Readers see the old object or the new one, never a part. With
//     noClobber the final request carries If-None-Match: *, so the server
//     decides which of many concurrent writers wins.
//   - [Fs.SweepStale] ([tempfs.StaleSweeper]) aborts the multipart uploads
//     crashed writers left behind (invisible, but billed until aborted).
//   - Files opened for writing are buffered locally (a [tempfs.SpooledFile])
//     and uploaded by Sync and Close; O_EXCL is a conditional PutObject
//     (If-None-Match: *), atomic on the server.
//   - Rename is CopyObject + DeleteObject, two requests: [Fs.Guarantees]
//     says so, and tempfs never renames on this Fs.
//   - Errors are [*fs.PathError] (or [*os.LinkError]) with the caller's
//     path; NoSuchKey maps to fs.ErrNotExist, 412 PreconditionFailed to
//     fs.ErrExist and AccessDenied to fs.ErrPermission, and the SDK's error
//     stays wrapped.
//
// The Fs keeps POSIX's rules for names ([tempfs.StrictFs]): creating a file
// or directory needs an existing parent directory, a file and a directory
// never share a name, and Mkdir of an existing name fails. Each rule costs
// a request where S3 would not check it; docs/s3.md lists the requests
// every call makes.
//
// Permission bits are kept in the object's user metadata (x-amz-meta-mode;
// nothing for the defaults, 0o644 for files and 0o755 for directories) but
// not enforced: S3 decides access with its own policies. There is no
// umask, no owner, no symbolic link and no hard link.
package s3fs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/spf13/afero"

	"github.com/tempfs-go/tempfs"
)

// Defaults of [Options].
const (
	DefaultPartSize    = 8 << 20
	DefaultConcurrency = 4
	DefaultSpoolSize   = 4 << 20
	minPartSize        = 5 << 20
	maxParts           = 10000
)

// Options tune an [Fs]. The zero value of a field means its default.
type Options struct {
	// PartSize is the size of a multipart upload's parts, and the largest
	// content [Fs.Replace] sends with one PutObject. At least 5 MiB (S3's
	// minimum part size); default 8 MiB. An object has at most 10,000
	// parts, so the largest object Replace can write is 10,000 × PartSize.
	PartSize int64
	// Concurrency is how many parts of one upload are in memory (and in
	// flight) at once: a Replacement holds at most PartSize × Concurrency
	// bytes. Default 4.
	Concurrency int
	// SpoolSize is how much of a file opened for writing is kept in memory
	// before it moves to a local temporary file ([tempfs.NewSpooledFile]).
	// Default 4 MiB.
	SpoolSize int64
	// Spool is the Fs holding the local temporary files of files opened
	// for writing (default: the host's, in os.TempDir()).
	Spool afero.Fs
	// NoDirChecks skips the two POSIX checks of a create (of a file, a
	// directory or a Replace): that the parent directory exists and that
	// no directory has the name. That is S3's own behaviour, and saves
	// the ListObjectsV2 the checks cost, so that tempfs.WriteFile is one
	// PutObject; but a write then creates its parent prefix implicitly,
	// and a file and a directory may share a name. [Fs.StrictPOSIX] still
	// returns true, so that tempfs does not add the checks back: with
	// NoDirChecks the caller opts out of that part of its contract.
	NoDirChecks bool
}

// Fs is an [afero.Fs] over one bucket. It also implements
// [tempfs.AtomicReplacer], [tempfs.StaleSweeper], [tempfs.StrictFs],
// [tempfs.GuaranteeReporter] and [tempfs.DirSyncer].
//
// An Fs is safe for concurrent use by many goroutines, as the [s3.Client]
// is. It does not own the client. Every request uses
// [context.Background]; bound a request's time with the client's HTTP
// client or retryer options.
//
// Durability: S3 acknowledges a PutObject or CompleteMultipartUpload once
// the object is stored, so a write is durable when it returns; SyncDir has
// nothing to do. A file opened for writing is local until its Sync or
// Close uploads it.
type Fs struct {
	client *s3.Client
	bucket string
	opts   Options

	mu      sync.Mutex
	writers map[*writeFile]struct{} // files open for writing
}

var (
	_ afero.Fs                 = (*Fs)(nil)
	_ tempfs.AtomicReplacer    = (*Fs)(nil)
	_ tempfs.StaleSweeper      = (*Fs)(nil)
	_ tempfs.StrictFs          = (*Fs)(nil)
	_ tempfs.GuaranteeReporter = (*Fs)(nil)
	_ tempfs.DirSyncer         = (*Fs)(nil)
)

// New returns an Fs over bucket, sending its requests with client, with
// the default [Options]. The bucket must exist.
func New(client *s3.Client, bucket string) *Fs {
	return NewWithOptions(client, bucket, Options{})
}

// NewWithOptions is [New] with options; a field out of range (a part size
// under 5 MiB, a negative concurrency) is replaced by its default.
func NewWithOptions(client *s3.Client, bucket string, opts Options) *Fs {
	if opts.PartSize < minPartSize {
		opts.PartSize = DefaultPartSize
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.SpoolSize <= 0 {
		opts.SpoolSize = DefaultSpoolSize
	}
	if opts.Spool == nil {
		opts.Spool = afero.NewOsFs()
	}
	return &Fs{client: client, bucket: bucket, opts: opts}
}

// Name returns "s3fs".
func (f *Fs) Name() string { return "s3fs" }

// Bucket returns the bucket's name.
func (f *Fs) Bucket() string { return f.bucket }

// StrictPOSIX returns true: see the package documentation.
func (f *Fs) StrictPOSIX() bool { return true }

// Guarantees reports that Rename cannot replace a file atomically (it is
// CopyObject + DeleteObject). Sync holds: a file's Sync uploads it, and S3
// acknowledges only stored objects. tempfs does not need Rename here: it
// writes through [Fs.Replace].
func (f *Fs) Guarantees() tempfs.Guarantees {
	return tempfs.Guarantees{AtomicReplace: errNoRename}
}

// SyncDir does nothing and returns nil (after checking name): S3 has no
// directory entries to flush; every acknowledged write is already durable.
func (f *Fs) SyncDir(name string) error {
	if _, err := f.key(name); err != nil {
		return pathErr("syncdir", name, err)
	}
	return nil
}

// ctx is the context of every request.
func ctx() context.Context { return context.Background() }

// key returns the object key of name: "/" separated, cleaned, without a
// leading slash; "" is the bucket's root. A name holding a NUL byte is
// refused.
func (f *Fs) key(name string) (string, error) {
	if strings.IndexByte(name, 0) >= 0 {
		return "", fs.ErrInvalid
	}
	k := strings.TrimPrefix(path.Clean("/"+filepath.ToSlash(name)), "/")
	return k, nil
}

// fileKey is key for names that must be a file (not the root).
func (f *Fs) fileKey(name string) (string, error) {
	k, err := f.key(name)
	if err == nil && k == "" {
		err = errIsDir
	}
	return k, err
}

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

// Create is OpenFile(name, O_RDWR|O_CREATE|O_TRUNC, 0o666).
func (f *Fs) Create(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_TRUNC, 0o666)
}

// Open is OpenFile(name, O_RDONLY, 0).
func (f *Fs) Open(name string) (afero.File, error) {
	return f.OpenFile(name, os.O_RDONLY, 0)
}

// track records w as open for writing, so that a Remove of its name
// unlinks it.
func (f *Fs) track(w *writeFile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.writers == nil {
		f.writers = map[*writeFile]struct{}{}
	}
	f.writers[w] = struct{}{}
}

func (f *Fs) untrack(w *writeFile) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.writers, w)
}

// unlink marks the files open for writing at key k (and, with tree, under
// k/) as removed: as after unlink(2), their Sync and Close no longer
// upload, so a removed file does not come back when its handle is closed.
// Only handles of this Fs are known; another client's are not.
func (f *Fs) unlink(k string, tree bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for w := range f.writers {
		if w.key == k || (tree && strings.HasPrefix(w.key, prefixOf(k))) {
			w.unlinked = true
		}
	}
}

// isUnlinked reports whether w's name was removed through this Fs.
func (f *Fs) isUnlinked(w *writeFile) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return w.unlinked
}
