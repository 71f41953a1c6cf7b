package s3fs

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/tempfs-go/tempfs"
)

// openWrite opens file k for writing: see [Fs.OpenFile].
func (f *Fs) openWrite(name, k string, flag int, perm fs.FileMode) (*writeFile, error) {
	w := &writeFile{fs: f, name: name, key: k, appendMode: flag&os.O_APPEND != 0, mode: perm.Perm()}
	if flag&os.O_CREATE != 0 && flag&os.O_EXCL != 0 {
		if err := f.checkNew(k); err != nil {
			if errors.Is(err, errIsDir) {
				return nil, fs.ErrExist
			}
			return nil, err
		}
		if err := f.putEmpty(k, w.mode); err != nil {
			return nil, err
		}
		w.buf = tempfs.NewSpooledFile(f.opts.Spool, f.opts.SpoolSize)
		f.track(w)
		return w, nil
	}
	var body io.ReadCloser
	if flag&os.O_TRUNC == 0 {
		out, err := f.client.GetObject(ctx(), &s3.GetObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
		if err == nil {
			body = out.Body
			w.mode = parseMode(out.Metadata, defFileMode)
		} else if !isNotFound(err) {
			return nil, err
		}
	} else {
		out, err := f.client.HeadObject(ctx(), &s3.HeadObjectInput{Bucket: &f.bucket, Key: aws.String(k)})
		if err == nil {
			w.mode = parseMode(out.Metadata, defFileMode)
			w.dirty = out.ContentLength == nil || *out.ContentLength != 0
			body = io.NopCloser(eofReader{})
		} else if !isNotFound(err) {
			return nil, err
		}
	}
	if body == nil {
		// Missing: a directory, an error, or created now.
		if _, err := f.statDir(k); err == nil {
			return nil, errIsDir
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		if flag&os.O_CREATE == 0 {
			return nil, fs.ErrNotExist
		}
		if err := f.checkNew(k); err != nil {
			return nil, err
		}
		if err := f.putEmpty(k, w.mode); err != nil && !isPrecondition(err) {
			return nil, err
		}
		body = io.NopCloser(eofReader{})
	}
	defer body.Close()
	w.buf = tempfs.NewSpooledFile(f.opts.Spool, f.opts.SpoolSize)
	if _, err := w.buf.ReadFrom(body); err != nil {
		w.buf.Close()
		return nil, err
	}
	if _, err := w.buf.Seek(0, io.SeekStart); err != nil {
		w.buf.Close()
		return nil, err
	}
	f.track(w)
	return w, nil
}

type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }

// putEmpty creates k as an empty object with If-None-Match: *.
func (f *Fs) putEmpty(k string, perm fs.FileMode) error {
	_, err := f.client.PutObject(ctx(), &s3.PutObjectInput{
		Bucket: &f.bucket, Key: aws.String(k), Body: strings.NewReader(""), ContentLength: aws.Int64(0),
		Metadata: modeMeta(perm, false), IfNoneMatch: aws.String("*"),
	})
	return err
}

// writeFile is an object opened for writing: a local buffer uploaded by
// Sync and Close.
type writeFile struct {
	fs         *Fs
	name       string
	key        string
	mode       fs.FileMode
	buf        *tempfs.SpooledFile
	appendMode bool
	dirty      bool
	closed     bool
	unlinked   bool // its name was removed (guarded by fs.mu)
	mtime      time.Time
}

func (w *writeFile) Name() string { return w.name }

func (w *writeFile) check(op string) error {
	if w.closed {
		return pathErr(op, w.name, fs.ErrClosed)
	}
	return nil
}

func (w *writeFile) Read(p []byte) (int, error) {
	if err := w.check("read"); err != nil {
		return 0, err
	}
	n, err := w.buf.Read(p)
	if err != nil && err != io.EOF {
		err = pathErr("read", w.name, err)
	}
	return n, err
}

func (w *writeFile) ReadAt(p []byte, off int64) (int, error) {
	if err := w.check("read"); err != nil {
		return 0, err
	}
	n, err := w.buf.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = pathErr("read", w.name, err)
	}
	return n, err
}

func (w *writeFile) Seek(offset int64, whence int) (int64, error) {
	if err := w.check("seek"); err != nil {
		return 0, err
	}
	n, err := w.buf.Seek(offset, whence)
	return n, pathErr("seek", w.name, err)
}

func (w *writeFile) Write(p []byte) (int, error) {
	if err := w.check("write"); err != nil {
		return 0, err
	}
	if w.appendMode {
		if _, err := w.buf.Seek(0, io.SeekEnd); err != nil {
			return 0, pathErr("write", w.name, err)
		}
	}
	w.dirty = true
	n, err := w.buf.Write(p)
	return n, pathErr("write", w.name, err)
}

func (w *writeFile) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

func (w *writeFile) WriteAt(p []byte, off int64) (int, error) {
	if err := w.check("write"); err != nil {
		return 0, err
	}
	if w.appendMode {
		return 0, pathErr("write", w.name, errors.New("WriteAt on a file opened with O_APPEND"))
	}
	w.dirty = true
	n, err := w.buf.WriteAt(p, off)
	return n, pathErr("write", w.name, err)
}

func (w *writeFile) Truncate(size int64) error {
	if err := w.check("truncate"); err != nil {
		return err
	}
	w.dirty = true
	return pathErr("truncate", w.name, w.buf.Truncate(size))
}

func (w *writeFile) Stat() (fs.FileInfo, error) {
	if err := w.check("stat"); err != nil {
		return nil, err
	}
	mt := w.mtime
	if mt.IsZero() {
		mt = time.Now()
	}
	return &fileInfo{name: baseName(w.key), size: w.buf.Size(), mode: w.mode, mtime: mt}, nil
}

// Sync uploads the content written so far with one PutObject (none if
// nothing changed since the last upload, or if the name was removed
// through this Fs meanwhile). When it returns nil, the object holds that
// content, durably.
func (w *writeFile) Sync() error {
	if err := w.check("sync"); err != nil {
		return err
	}
	return pathErr("sync", w.name, w.upload())
}

func (w *writeFile) upload() error {
	if !w.dirty || w.fs.isUnlinked(w) {
		return nil
	}
	size := w.buf.Size()
	_, err := w.fs.client.PutObject(ctx(), &s3.PutObjectInput{
		Bucket: &w.fs.bucket, Key: aws.String(w.key), Body: io.NewSectionReader(w.buf, 0, size),
		ContentLength: aws.Int64(size), Metadata: modeMeta(w.mode, false),
	})
	if err != nil {
		return err
	}
	w.dirty = false
	w.mtime = time.Now()
	return nil
}

// Close uploads what changed (see Sync) and releases the local buffer,
// also when the upload fails.
func (w *writeFile) Close() error {
	if err := w.check("close"); err != nil {
		return err
	}
	w.closed = true
	defer w.fs.untrack(w)
	err := w.upload()
	if cerr := w.buf.Close(); err == nil {
		err = cerr
	}
	return pathErr("close", w.name, err)
}

func (w *writeFile) Readdir(int) ([]fs.FileInfo, error) {
	return nil, pathErr("readdirent", w.name, errNotDir)
}

func (w *writeFile) Readdirnames(int) ([]string, error) {
	return nil, pathErr("readdirent", w.name, errNotDir)
}
