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
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

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
