#!/usr/bin/env bash
# Builds Versity S3 Gateway (Apache-2.0), the S3 server the s3fs tests start
# on 127.0.0.1, into a version-keyed cache directory. Idempotent: does
# nothing when the binary is already there. The tests look for it at
# ${XDG_CACHE_HOME:-$HOME/.cache}/tempfs/versitygw-v1.8.0/versitygw
# (or at $TEMPFS_VERSITYGW when that is set).
set -euo pipefail

VERSION=v1.8.0
DIR="${XDG_CACHE_HOME:-$HOME/.cache}/tempfs/versitygw-${VERSION}"
BIN="${DIR}/versitygw"

if [ -x "$BIN" ]; then
	echo "install-s3: versitygw ${VERSION} already at ${BIN}"
	exit 0
fi
mkdir -p "$DIR"
echo "install-s3: building versitygw ${VERSION} into ${DIR} (takes several minutes)"
# Build outside any module so the repository's go.work does not apply.
cd "$DIR"
GOWORK=off GOFLAGS="${GOFLAGS:-} -buildvcs=false" GOBIN="$DIR" \
	go install "github.com/versity/versitygw/cmd/versitygw@${VERSION}"
if [ ! -x "$BIN" ]; then
	echo "install-s3: ${BIN} missing after go install" >&2
	exit 1
fi
echo "install-s3: versitygw ${VERSION} installed at ${BIN}"
