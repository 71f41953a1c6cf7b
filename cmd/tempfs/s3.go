package main

import (
	"context"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/tempfs-go/tempfs/s3fs"
)

// s3EndpointVars are the variables that name a custom S3 endpoint, the
// first set one wins: tempfs's own, then the SDK's service-specific and
// general ones.
var s3EndpointVars = [...]string{"TEMPFS_S3_ENDPOINT", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}

// openS3 opens s3://bucket/key. Region, credentials and retries come from
// the AWS SDK's usual configuration (config.LoadDefaultConfig: AWS_REGION,
// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
// AWS_PROFILE and ~/.aws/config and credentials, ...). Without a region,
// us-east-1. A custom endpoint (MinIO, R2, Ceph, Versity S3 Gateway) comes
// from $TEMPFS_S3_ENDPOINT, else $AWS_ENDPOINT_URL_S3, else
// $AWS_ENDPOINT_URL, and is addressed path-style (endpoint/bucket/key).
// The bucket must exist.
func openS3(e *env, u *url.URL) (*location, error) {
	bucket := u.Host
	if bucket == "" {
		return nil, &usageError{fmt.Sprintf("s3 URL %q has no bucket", u.Redacted())}
	}
	if u.User != nil || u.Port() != "" {
		return nil, &usageError{fmt.Sprintf("s3 URL %q: want s3://bucket/key (credentials and endpoint come from the environment)", u.Redacted())}
	}
	prefix := "s3://" + bucket
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithDefaultRegion("us-east-1"))
	if err != nil {
		return nil, fmt.Errorf("%s: loading the AWS configuration: %w", prefix, err)
	}
	endpoint := ""
	for _, v := range s3EndpointVars {
		if endpoint = e.getenv(v); endpoint != "" {
			break
		}
	}
	if endpoint != "" {
		if eu, err := url.Parse(endpoint); err != nil || eu.Scheme == "" || eu.Host == "" {
			return nil, &usageError{fmt.Sprintf("S3 endpoint %q is not a URL like http://host:port", endpoint)}
		}
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
			o.UsePathStyle = true
		}
	})
	p := u.Path
	if p == "" {
		p = "/"
	}
	return &location{
		fsys:   s3fs.New(client, bucket),
		path:   p,
		remote: true,
		prefix: prefix,
		close:  func() error { return nil },
	}, nil
}
