package s3fs

import (
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// readFile is an object opened read-only.
type readFile struct {
	fs     *Fs
	name   string
	key    string
	etag   string
	info   fileInfo
	body   io.ReadCloser // streams from bodyAt, or nil
	bodyAt int64
	off    int64
	closed bool
}

func (r *readFile) Name() string { return r.name }

func (r *readFile) Stat() (fs.FileInfo, error) {
	if r.closed {
		return nil, pathErr("stat", r.name, fs.ErrClosed)
	}
	fi := r.info
	return &fi, nil
}

// get returns a body reading from off to the end of the same version.
func (r *readFile) get(off int64) (io.ReadCloser, error) {
	in := &s3.GetObjectInput{Bucket: &r.fs.bucket, Key: aws.String(r.key), Range: aws.String(fmt.Sprintf("bytes=%d-", off))}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	out, err := r.fs.client.GetObject(ctx(), in)
	if err != nil {
		return nil, err
	}
	return out.Body, nil
}

func (r *readFile) Read(p []byte) (int, error) {
	if r.closed {
		return 0, pathErr("read", r.name, fs.ErrClosed)
	}
	if r.off >= r.info.size {
		return 0, io.EOF
	}
	if len(p) == 0 {
		return 0, nil
	}
	if r.body == nil || r.bodyAt != r.off {
		if r.body != nil {
			r.body.Close()
			r.body = nil
		}
		b, err := r.get(r.off)
		if err != nil {
			return 0, pathErr("read", r.name, err)
		}
		r.body, r.bodyAt = b, r.off
	}
	n, err := r.body.Read(p)
	r.off += int64(n)
	r.bodyAt = r.off
	if err == io.EOF {
		r.body.Close()
		r.body = nil
		if r.off < r.info.size {
			return n, pathErr("read", r.name, io.ErrUnexpectedEOF)
		}
	} else if err != nil {
		return n, pathErr("read", r.name, err)
	}
	if n == 0 && err == io.EOF {
		return 0, io.EOF
	}
	return n, nil
}

func (r *readFile) ReadAt(p []byte, off int64) (int, error) {
	if r.closed {
		return 0, pathErr("read", r.name, fs.ErrClosed)
	}
	if off < 0 {
		return 0, pathErr("read", r.name, fs.ErrInvalid)
	}
	if off >= r.info.size {
		return 0, io.EOF
	}
	want := min(int64(len(p)), r.info.size-off)
	in := &s3.GetObjectInput{Bucket: &r.fs.bucket, Key: aws.String(r.key), Range: aws.String(fmt.Sprintf("bytes=%d-%d", off, off+want-1))}
	if r.etag != "" {
		in.IfMatch = aws.String(r.etag)
	}
	out, err := r.fs.client.GetObject(ctx(), in)
	if err != nil {
		return 0, pathErr("read", r.name, err)
	}
	defer out.Body.Close()
	n, err := io.ReadFull(out.Body, p[:want])
	if err != nil {
		return n, pathErr("read", r.name, err)
	}
	if want < int64(len(p)) {
		return n, io.EOF
	}
	return n, nil
}

func (r *readFile) Seek(offset int64, whence int) (int64, error) {
	if r.closed {
		return 0, pathErr("seek", r.name, fs.ErrClosed)
	}
	var abs int64
	switch whence {
	case io.SeekStart:
		abs = offset
	case io.SeekCurrent:
		abs = r.off + offset
	case io.SeekEnd:
		abs = r.info.size + offset
	default:
		return 0, pathErr("seek", r.name, fs.ErrInvalid)
	}
	if abs < 0 {
		return 0, pathErr("seek", r.name, fs.ErrInvalid)
	}
	r.off = abs
	return abs, nil
}

func (r *readFile) Close() error {
	if r.closed {
		return pathErr("close", r.name, fs.ErrClosed)
	}
	r.closed = true
	if r.body != nil {
		r.body.Close()
		r.body = nil
	}
	return nil
}

func (r *readFile) readOnly(op string) error { return pathErr(op, r.name, errBadFd) }

func (r *readFile) Write([]byte) (int, error)          { return 0, r.readOnly("write") }
func (r *readFile) WriteAt([]byte, int64) (int, error) { return 0, r.readOnly("write") }
func (r *readFile) WriteString(string) (int, error)    { return 0, r.readOnly("write") }
func (r *readFile) Truncate(int64) error               { return r.readOnly("truncate") }
func (r *readFile) Sync() error                        { return nil }
func (r *readFile) Readdir(int) ([]fs.FileInfo, error) {
	return nil, pathErr("readdirent", r.name, errNotDir)
}
func (r *readFile) Readdirnames(int) ([]string, error) {
	return nil, pathErr("readdirent", r.name, errNotDir)
}

// dir is a directory opened for reading. Its entries are listed once, on
// the first Readdir, with delimiter listings (paginated).
type dir struct {
	fs      *Fs
	name    string
	key     string
	entries []fs.FileInfo
	listed  bool
	pos     int
	closed  bool
}

func (d *dir) Name() string { return d.name }

func (d *dir) Stat() (fs.FileInfo, error) {
	if d.closed {
		return nil, pathErr("stat", d.name, fs.ErrClosed)
	}
	fi, err := d.fs.statDir(d.key)
	if err != nil {
		return nil, pathErr("stat", d.name, err)
	}
	return fi, nil
}

// list reads every entry of the directory: common prefixes are
// directories, keys are files (the directory's own marker is skipped). A
// listing carries no metadata, so entries have the default modes (files
// 0o644, directories 0o755); Stat reads the stored ones.
func (d *dir) list() error {
	prefix := prefixOf(d.key)
	seen := map[string]bool{}
	p := s3.NewListObjectsV2Paginator(d.fs.client, &s3.ListObjectsV2Input{
		Bucket: &d.fs.bucket, Prefix: aws.String(prefix), Delimiter: aws.String("/"),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx())
		if err != nil {
			return err
		}
		for _, cp := range page.CommonPrefixes {
			n := strings.TrimSuffix(strings.TrimPrefix(aws.ToString(cp.Prefix), prefix), "/")
			if n == "" || seen[n] {
				continue
			}
			seen[n] = true
			d.entries = append(d.entries, &fileInfo{name: n, mode: fs.ModeDir | defDirMode})
		}
		for _, o := range page.Contents {
			n := strings.TrimPrefix(aws.ToString(o.Key), prefix)
			if n == "" || strings.Contains(n, "/") || seen[n] {
				continue
			}
			seen[n] = true
			d.entries = append(d.entries, &fileInfo{
				name: n, size: aws.ToInt64(o.Size), mode: defFileMode, mtime: aws.ToTime(o.LastModified),
			})
		}
	}
	sort.Slice(d.entries, func(i, j int) bool { return d.entries[i].Name() < d.entries[j].Name() })
	return nil
}

func (d *dir) Readdir(count int) ([]fs.FileInfo, error) {
	if d.closed {
		return nil, pathErr("readdirent", d.name, fs.ErrClosed)
	}
	if !d.listed {
		if err := d.list(); err != nil {
			return nil, pathErr("readdirent", d.name, err)
		}
		d.listed = true
	}
	rest := d.entries[d.pos:]
	if count <= 0 {
		d.pos = len(d.entries)
		return rest, nil
	}
	if len(rest) == 0 {
		return nil, io.EOF
	}
	n := min(count, len(rest))
	d.pos += n
	return rest[:n], nil
}

func (d *dir) Readdirnames(count int) ([]string, error) {
	infos, err := d.Readdir(count)
	names := make([]string, len(infos))
	for i, fi := range infos {
		names[i] = fi.Name()
	}
	return names, err
}

func (d *dir) Close() error {
	if d.closed {
		return pathErr("close", d.name, fs.ErrClosed)
	}
	d.closed = true
	return nil
}

func (d *dir) isDir(op string) error { return pathErr(op, d.name, errIsDir) }

func (d *dir) Read([]byte) (int, error)           { return 0, d.isDir("read") }
func (d *dir) ReadAt([]byte, int64) (int, error)  { return 0, d.isDir("read") }
func (d *dir) Seek(int64, int) (int64, error)     { return 0, d.isDir("seek") }
func (d *dir) Write([]byte) (int, error)          { return 0, d.isDir("write") }
func (d *dir) WriteAt([]byte, int64) (int, error) { return 0, d.isDir("write") }
func (d *dir) WriteString(string) (int, error)    { return 0, d.isDir("write") }
func (d *dir) Truncate(int64) error               { return d.isDir("truncate") }
func (d *dir) Sync() error                        { return nil }
