package s3fs_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/spf13/afero"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tempfs-go/tempfs/s3fs"
)

// requirePathErr asserts that err is an *fs.PathError for op and path
// that wraps target.
func requirePathErr(t *testing.T, err error, op, path string, target error) {
	t.Helper()
	require.Error(t, err)
	var pe *fs.PathError
	require.ErrorAs(t, err, &pe, "%T %v", err, err)
	assert.Equal(t, op, pe.Op)
	assert.Equal(t, path, pe.Path)
	if target != nil {
		assert.ErrorIs(t, err, target)
	}
}

// putRaw writes key with the SDK, bypassing the Fs.
func putRaw(t *testing.T, c *s3.Client, bucket, key, body string) {
	t.Helper()
	_, err := c.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), Body: bytes.NewReader([]byte(body))})
	require.NoError(t, err)
}

func TestKeysAndDirectories(t *testing.T) {
	fsys, c, bucket := newFs(t, clientOpts{}, s3fs.Options{})
	require.NoError(t, fsys.Mkdir("/marked", 0o700))
	putRaw(t, c, bucket, "implied/child.txt", "c")
	require.NoError(t, afero.WriteFile(fsys, "/marked/f.txt", []byte("hello"), 0o640))

	// The marker is a zero-byte key "marked/"; the file is key "marked/f.txt".
	head, err := c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("marked/")})
	require.NoError(t, err)
	assert.Zero(t, aws.ToInt64(head.ContentLength))
	_, err = c.HeadObject(context.Background(), &s3.HeadObjectInput{Bucket: &bucket, Key: aws.String("marked/f.txt")})
	require.NoError(t, err)

	for _, tc := range []struct {
		name  string
		dir   bool
		mode  fs.FileMode
		size  int64
		isErr error
	}{
		{"/", true, 0o755, 0, nil},
		{"/marked", true, 0o700, 0, nil},
		{"marked", true, 0o700, 0, nil},
		{"/implied", true, 0o755, 0, nil},
		{"/marked/f.txt", false, 0o640, 5, nil},
		{"/marked//./f.txt", false, 0o640, 5, nil},
		{"/implied/child.txt", false, 0o644, 1, nil},
		{"/missing", false, 0, 0, fs.ErrNotExist},
		{"/marked/f.txt/below", false, 0, 0, fs.ErrNotExist},
		{"/nul\x00", false, 0, 0, fs.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fi, err := fsys.Stat(tc.name)
			if tc.isErr != nil {
				requirePathErr(t, err, "stat", tc.name, tc.isErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.dir, fi.IsDir())
			assert.Equal(t, tc.mode, fi.Mode().Perm())
			assert.Equal(t, tc.size, fi.Size())
		})
	}

	d, err := fsys.Open("/")
	require.NoError(t, err)
	infos, err := d.Readdir(-1)
	require.NoError(t, err)
	require.NoError(t, d.Close())
	require.Len(t, infos, 2)
	assert.Equal(t, "implied", infos[0].Name())
	assert.Equal(t, "marked", infos[1].Name())
	assert.True(t, infos[0].IsDir() && infos[1].IsDir())

	d, err = fsys.Open("/marked")
	require.NoError(t, err)
	names, err := d.Readdirnames(-1)
	require.NoError(t, err)
	assert.Equal(t, []string{"f.txt"}, names, "the marker itself is not an entry")
	_, err = d.Readdirnames(1)
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, d.Close())
}

func TestPOSIXRules(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/f", []byte("x"), 0o600))
	for _, tc := range []struct {
		name string
		op   string
		path string
		do   func() error
		want error
	}{
		{"mkdir existing dir", "mkdir", "/d", func() error { return fsys.Mkdir("/d", 0o755) }, fs.ErrExist},
		{"mkdir over file", "mkdir", "/d/f", func() error { return fsys.Mkdir("/d/f", 0o755) }, fs.ErrExist},
		{"mkdir missing parent", "mkdir", "/no/sub", func() error { return fsys.Mkdir("/no/sub", 0o755) }, fs.ErrNotExist},
		{"mkdir under file", "mkdir", "/d/f/sub", func() error { return fsys.Mkdir("/d/f/sub", 0o755) }, syscall.ENOTDIR},
		{"create missing parent", "open", "/no/f", func() error {
			_, err := fsys.Create("/no/f")
			return err
		}, fs.ErrNotExist},
		{"create over dir", "open", "/d", func() error {
			_, err := fsys.Create("/d")
			return err
		}, syscall.EISDIR},
		{"exclusive create of existing", "open", "/d/f", func() error {
			_, err := fsys.OpenFile("/d/f", os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			return err
		}, fs.ErrExist},
		{"open missing", "open", "/d/nope", func() error {
			_, err := fsys.Open("/d/nope")
			return err
		}, fs.ErrNotExist},
		{"remove non-empty dir", "remove", "/d", func() error { return fsys.Remove("/d") }, syscall.ENOTEMPTY},
		{"remove missing", "remove", "/d/nope", func() error { return fsys.Remove("/d/nope") }, fs.ErrNotExist},
		{"replace a dir", "replace", "/d", func() error {
			_, err := fsys.Replace("/d", 0o600, false)
			return err
		}, syscall.EISDIR},
		{"replace in missing dir", "replace", "/no/f", func() error {
			_, err := fsys.Replace("/no/f", 0o600, false)
			return err
		}, fs.ErrNotExist},
		{"chown", "chown", "/d/f", func() error { return fsys.Chown("/d/f", 1, 1) }, errors.ErrUnsupported},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requirePathErr(t, tc.do(), tc.op, tc.path, tc.want)
		})
	}
	got, err := afero.ReadFile(fsys, "/d/f")
	require.NoError(t, err)
	assert.Equal(t, "x", string(got), "a refused call changed the file")
}

func TestRenameAndRemove(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	require.NoError(t, afero.WriteFile(fsys, "/d/a", []byte("a"), 0o600))
	require.NoError(t, afero.WriteFile(fsys, "/d/b", []byte("b"), 0o600))
	require.NoError(t, fsys.Rename("/d/a", "/d/b"))
	got, err := afero.ReadFile(fsys, "/d/b")
	require.NoError(t, err)
	assert.Equal(t, "a", string(got))
	_, err = fsys.Stat("/d/a")
	assert.ErrorIs(t, err, fs.ErrNotExist)

	err = fsys.Rename("/d/b", "/d")
	var le *os.LinkError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "/d/b", le.Old)
	assert.ErrorIs(t, err, syscall.EISDIR)

	require.NoError(t, fsys.Remove("/d/b"))
	require.NoError(t, fsys.Remove("/d"))
	_, err = fsys.Stat("/d")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

// TestRemoveAllPaginates removes a tree of more keys than one listing
// page and one DeleteObjects batch hold (1,000), and nothing beside it.
func TestRemoveAllPaginates(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 1,100 objects; skipped with -short")
	}
	fsys, c, bucket := newFs(t, clientOpts{}, s3fs.Options{})
	putRaw(t, c, bucket, "tree-sibling", "keep")
	putRaw(t, c, bucket, "treeX/keep", "keep")
	sem := make(chan struct{}, 16)
	errs := make(chan error, 1100)
	for i := range 1100 {
		sem <- struct{}{}
		go func() {
			defer func() { <-sem }()
			_, err := c.PutObject(context.Background(), &s3.PutObjectInput{
				Bucket: &bucket, Key: aws.String("tree/" + string(rune('a'+i%5)) + "/" + itoa(i)), Body: bytes.NewReader(nil),
			})
			errs <- err
		}()
	}
	for range 1100 {
		require.NoError(t, <-errs)
	}
	require.NoError(t, fsys.RemoveAll("/tree"))
	_, err := fsys.Stat("/tree")
	assert.ErrorIs(t, err, fs.ErrNotExist)
	for _, k := range []string{"/tree-sibling", "/treeX/keep"} {
		_, err := fsys.Stat(k)
		assert.NoError(t, err, "RemoveAll removed %s", k)
	}
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		i /= 10
		if i == 0 {
			return string(b)
		}
	}
}

func TestOpenFileModes(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{SpoolSize: 16})
	require.NoError(t, afero.WriteFile(fsys, "/f", []byte("0123456789"), 0o600))

	f, err := fsys.OpenFile("/f", os.O_RDWR, 0)
	require.NoError(t, err)
	_, err = f.WriteAt([]byte("AB"), 2)
	require.NoError(t, err)
	got, err := afero.ReadFile(fsys, "/f")
	require.NoError(t, err)
	assert.Equal(t, "0123456789", string(got), "visible before Sync")
	require.NoError(t, f.Sync())
	got, err = afero.ReadFile(fsys, "/f")
	require.NoError(t, err)
	assert.Equal(t, "01AB456789", string(got), "Sync did not upload")
	_, err = f.Write(bytes.Repeat([]byte("z"), 40)) // past SpoolSize: on disk
	require.NoError(t, err)
	require.NoError(t, f.Close())
	requirePathErr(t, f.Close(), "close", "/f", fs.ErrClosed)
	got, err = afero.ReadFile(fsys, "/f")
	require.NoError(t, err)
	assert.Equal(t, "z", string(got[len(got)-1:]))
	assert.Len(t, got, 40)

	f, err = fsys.OpenFile("/f", os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	_, err = f.WriteString("!")
	require.NoError(t, err)
	require.NoError(t, f.Close())
	got, err = afero.ReadFile(fsys, "/f")
	require.NoError(t, err)
	assert.Len(t, got, 41)
	assert.Equal(t, byte('!'), got[40])

	r, err := fsys.Open("/f")
	require.NoError(t, err)
	buf := make([]byte, 3)
	_, err = r.ReadAt(buf, 38)
	require.NoError(t, err)
	assert.Equal(t, "zz!", string(buf))
	_, err = r.Seek(-1, io.SeekEnd)
	require.NoError(t, err)
	rest, err := io.ReadAll(r)
	require.NoError(t, err)
	assert.Equal(t, "!", string(rest))
	_, err = r.Write([]byte("no"))
	requirePathErr(t, err, "write", "/f", syscall.EBADF)
	require.NoError(t, r.Close())

	require.NoError(t, fsys.Chmod("/f", 0o604))
	fi, err := fsys.Stat("/f")
	require.NoError(t, err)
	assert.Equal(t, fs.FileMode(0o604), fi.Mode().Perm())
	got, err = afero.ReadFile(fsys, "/f")
	require.NoError(t, err)
	assert.Len(t, got, 41, "Chmod changed the content")
}

// TestRemoveWhileOpen: as after unlink(2), a file removed (or removed
// with its directory) while open for writing does not come back when the
// handle is synced or closed.
func TestRemoveWhileOpen(t *testing.T) {
	fsys, _, _ := newFs(t, clientOpts{}, s3fs.Options{})
	require.NoError(t, fsys.Mkdir("/d", 0o755))
	for _, tc := range []struct {
		name   string
		remove func() error
	}{
		{"Remove", func() error { return fsys.Remove("/d/f") }},
		{"RemoveAll", func() error { return fsys.RemoveAll("/d") }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, fsys.MkdirAll("/d", 0o755))
			f, err := fsys.Create("/d/f")
			require.NoError(t, err)
			_, err = f.WriteString("data")
			require.NoError(t, err)
			require.NoError(t, tc.remove())
			require.NoError(t, f.Sync())
			require.NoError(t, f.Close())
			_, err = fsys.Stat("/d/f")
			assert.ErrorIs(t, err, fs.ErrNotExist, "the removed file came back")
		})
	}
}

// TestAccessDenied: a request the server refuses (403, a wrong secret)
// is fs.ErrPermission, with the caller's path, and keeps the SDK's error.
func TestAccessDenied(t *testing.T) {
	_, _, bucket := newFs(t, clientOpts{}, s3fs.Options{})
	bad := s3.New(s3.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(server(t).endpoint), UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: "wrong"}, nil
		}),
	})
	fsys := s3fs.New(bad, bucket)
	_, err := fsys.Stat("/x")
	requirePathErr(t, err, "stat", "/x", fs.ErrPermission)
	err = afero.WriteFile(fsys, "/x", []byte("x"), 0o600)
	requirePathErr(t, err, "open", "/x", fs.ErrPermission)
	var api smithy.APIError
	assert.ErrorAs(t, err, &api, "the SDK's error is not wrapped")
}
