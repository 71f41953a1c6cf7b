#!/usr/bin/env bash
# Installs bindfs, a FUSE file system that refuses O_TMPFILE (EOPNOTSUPP),
# for the test of the unnamed protocol's fallback on a real file system
# (unnamed_fuse_linux_test.go), once: a second run does nothing.
set -euo pipefail

if command -v bindfs >/dev/null 2>&1; then
	echo "bindfs: already installed"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "bindfs: apt-get update"
apt-get update -qq
echo "bindfs: apt-get install bindfs"
apt-get install -y -qq bindfs
command -v bindfs >/dev/null
echo "bindfs: installed"
