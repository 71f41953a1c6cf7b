package s3fs

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// SweepStale aborts the unfinished multipart uploads of keys directly in
// dir (not in its subdirectories) that were initiated before before, and
// returns their names (dir joined with the key's last element; a name
// appears once per upload aborted). Such uploads are what a writer that
// crashed in the middle of a large [Fs.Replace] leaves: invisible to
// readers and listings, but stored, and billed, until aborted. Requests:
// ListMultipartUploads (paginated) with the prefix dir/, and one
// AbortMultipartUpload per upload. An upload that completes or is aborted
// meanwhile is skipped. [tempfs.Sweep] calls it; it may be called from
// many goroutines at once.
func (f *Fs) SweepStale(dir string, before time.Time) ([]string, error) {
	const op = "sweep"
	k, err := f.key(dir)
	if err != nil {
		return nil, pathErr(op, dir, err)
	}
	prefix := prefixOf(k)
	var swept []string
	in := &s3.ListMultipartUploadsInput{Bucket: &f.bucket, Prefix: aws.String(prefix)}
	for {
		page, err := f.client.ListMultipartUploads(ctx(), in)
		if err != nil {
			return swept, pathErr(op, dir, err)
		}
		for _, u := range page.Uploads {
			key := aws.ToString(u.Key)
			base := strings.TrimPrefix(key, prefix)
			if base == "" || strings.Contains(base, "/") || !aws.ToTime(u.Initiated).Before(before) {
				continue
			}
			name := filepath.Join(dir, base)
			_, err := f.client.AbortMultipartUpload(ctx(), &s3.AbortMultipartUploadInput{
				Bucket: &f.bucket, Key: u.Key, UploadId: u.UploadId,
			})
			if err != nil && !isNotFound(err) {
				return swept, pathErr(op, name, err)
			}
			if err == nil {
				swept = append(swept, name)
			}
		}
		if !aws.ToBool(page.IsTruncated) {
			return swept, nil
		}
		in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
	}
}
