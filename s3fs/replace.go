package s3fs

import (
	"bytes"
	"io/fs"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/tempfs-go/tempfs"
)

// conflictRetries is how often a conditional write answered with 409
// ConditionalRequestConflict is sent again.
const conflictRetries = 5

// Replace starts a new content for file name ([tempfs.AtomicReplacer]).
// It first checks, like a create, that name's parent is a directory and
// that name is not one (a ListObjectsV2 each, sent at once).
//
// Content up to [Options].PartSize is kept in memory and sent by Commit
// with one PutObject. Beyond that, the first full part starts a multipart
// upload (CreateMultipartUpload) and parts are sent as they fill, up to
// [Options].Concurrency at once; Write blocks while that many are in
// flight, so a Replacement holds at most PartSize × Concurrency bytes.
// Commit sends the last part and CompleteMultipartUpload. Either final
// request makes the whole object visible at once, with permission bits
// perm in its metadata; with noClobber it carries If-None-Match: *, and a
// 412 answer (name exists) fails Commit with an error wrapping
// fs.ErrExist. A 409 ConditionalRequestConflict is retried.
//
// Abort, and every failed Write or Commit, sends AbortMultipartUpload
// when an upload was started; an upload a crash leaves behind is for
// [Fs.SweepStale].
func (f *Fs) Replace(name string, perm fs.FileMode, noClobber bool) (tempfs.Replacement, error) {
	const op = "replace"
	k, err := f.fileKey(name)
	if err != nil {
		return nil, pathErr(op, name, err)
	}
	if err := f.checkNew(k); err != nil {
		return nil, pathErr(op, name, err)
	}
	return &replacement{
		fs: f, name: name, key: k, perm: perm, noClobber: noClobber,
		free: make(chan []byte, f.opts.Concurrency),
	}, nil
}

// replacement is a [tempfs.Replacement] of an [Fs].
type replacement struct {
	fs        *Fs
	name, key string
	perm      fs.FileMode
	noClobber bool

	buf   []byte      // the part being filled
	free  chan []byte // part buffers back from their upload
	nbufs int         // part buffers allocated

	uploadID string
	next     int32 // number of the next part
	wg       sync.WaitGroup
	mu       sync.Mutex
	parts    []types.CompletedPart
	err      error // first failure of a part upload

	done bool // committed or aborted
}

func (r *replacement) failed() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Write adds p to the content, sending full parts as it goes.
func (r *replacement) Write(p []byte) (int, error) {
	if r.done {
		return 0, pathErr("write", r.name, fs.ErrClosed)
	}
	partSize := int(r.fs.opts.PartSize)
	n := 0
	for len(p) > 0 {
		if err := r.failed(); err != nil {
			return n, pathErr("write", r.name, err)
		}
		if r.buf == nil {
			r.buf = r.takeBuf(len(p))
		}
		if need := len(r.buf) + len(p); need > cap(r.buf) && cap(r.buf) < partSize {
			// Only the first buffer grows: small contents stay small.
			nb := make([]byte, len(r.buf), min(max(2*cap(r.buf), need), partSize))
			copy(nb, r.buf)
			r.buf = nb
		}
		k := min(len(p), partSize-len(r.buf))
		r.buf = append(r.buf, p[:k]...)
		p = p[k:]
		n += k
		if len(r.buf) == partSize {
			if err := r.sendPart(); err != nil {
				return n, pathErr("write", r.name, err)
			}
		}
	}
	return n, nil
}

// takeBuf returns an empty part buffer: a new one while fewer than
// Concurrency exist, else one back from an upload (waiting for it).
func (r *replacement) takeBuf(hint int) []byte {
	if r.nbufs < r.fs.opts.Concurrency {
		r.nbufs++
		if r.nbufs == 1 {
			return make([]byte, 0, min(max(hint, 4096), int(r.fs.opts.PartSize)))
		}
		return make([]byte, 0, r.fs.opts.PartSize)
	}
	return (<-r.free)[:0]
}

// sendPart starts the upload of r.buf as the next part, in the background.
func (r *replacement) sendPart() error {
	if r.uploadID == "" {
		out, err := r.fs.client.CreateMultipartUpload(ctx(), &s3.CreateMultipartUploadInput{
			Bucket: &r.fs.bucket, Key: aws.String(r.key), Metadata: modeMeta(r.perm, false),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		if err != nil {
			return err
		}
		r.uploadID = aws.ToString(out.UploadId)
	}
	r.next++
	num, data := r.next, r.buf
	r.buf = nil
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer func() { r.free <- data }()
		out, err := r.fs.client.UploadPart(ctx(), &s3.UploadPartInput{
			Bucket: &r.fs.bucket, Key: aws.String(r.key), UploadId: aws.String(r.uploadID),
			PartNumber: aws.Int32(num), Body: bytes.NewReader(data), ContentLength: aws.Int64(int64(len(data))),
			ChecksumAlgorithm: types.ChecksumAlgorithmCrc32,
		})
		r.mu.Lock()
		defer r.mu.Unlock()
		if err != nil {
			if r.err == nil {
				r.err = err
			}
			return
		}
		r.parts = append(r.parts, types.CompletedPart{PartNumber: aws.Int32(num), ETag: out.ETag, ChecksumCRC32: out.ChecksumCRC32})
	}()
	return nil
}

// Commit publishes the content: see [Fs.Replace].
func (r *replacement) Commit() error {
	if r.done {
		return pathErr("commit", r.name, fs.ErrClosed)
	}
	err := r.commit()
	if err != nil {
		// Free what the upload holds; the first error is what matters.
		r.abort()
		return pathErr("commit", r.name, err)
	}
	r.done = true
	r.release()
	return nil
}

func (r *replacement) commit() error {
	if err := r.failed(); err != nil {
		return err
	}
	if r.uploadID == "" {
		return r.retry(func() error {
			in := &s3.PutObjectInput{
				Bucket: &r.fs.bucket, Key: aws.String(r.key), Body: bytes.NewReader(r.buf),
				ContentLength: aws.Int64(int64(len(r.buf))), Metadata: modeMeta(r.perm, false),
			}
			if r.noClobber {
				in.IfNoneMatch = aws.String("*")
			}
			_, err := r.fs.client.PutObject(ctx(), in)
			return err
		})
	}
	if len(r.buf) > 0 {
		if err := r.sendPart(); err != nil {
			return err
		}
	}
	r.wg.Wait()
	if err := r.failed(); err != nil {
		return err
	}
	sort.Slice(r.parts, func(i, j int) bool { return *r.parts[i].PartNumber < *r.parts[j].PartNumber })
	return r.retry(func() error {
		in := &s3.CompleteMultipartUploadInput{
			Bucket: &r.fs.bucket, Key: aws.String(r.key), UploadId: aws.String(r.uploadID),
			MultipartUpload: &types.CompletedMultipartUpload{Parts: r.parts},
		}
		if r.noClobber {
			in.IfNoneMatch = aws.String("*")
		}
		_, err := r.fs.client.CompleteMultipartUpload(ctx(), in)
		return err
	})
}

// retry calls send again while it fails with 409 ConditionalRequestConflict.
func (r *replacement) retry(send func() error) error {
	var err error
	for range conflictRetries {
		if err = send(); !isConflict(err) {
			return err
		}
	}
	return err
}

// Abort discards the content and aborts the multipart upload, if one was
// started. It does nothing after Commit or a first Abort.
func (r *replacement) Abort() error {
	if r.done {
		return nil
	}
	return pathErr("abort", r.name, r.abort())
}

func (r *replacement) abort() error {
	r.done = true
	r.wg.Wait()
	defer r.release()
	if r.uploadID == "" {
		return nil
	}
	_, err := r.fs.client.AbortMultipartUpload(ctx(), &s3.AbortMultipartUploadInput{
		Bucket: &r.fs.bucket, Key: aws.String(r.key), UploadId: aws.String(r.uploadID),
	})
	if err != nil && isNotFound(err) {
		// Completed or aborted already.
		return nil
	}
	return err
}

// release drops the buffers.
func (r *replacement) release() {
	r.buf, r.free, r.parts = nil, nil, nil
}
