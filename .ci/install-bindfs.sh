#!/usr/bin/env bash
# Installs bindfs, a FUSE file system that refuses O_TMPFILE (EOPNOTSUPP),
# for the test of the unnamed protocol's fallback on a real file system
# (unnamed_fuse_linux_test.go). Idempotent: a second run does nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if command -v bindfs >/dev/null 2>&1; then
	say "bindfs already at $(command -v bindfs)"
	exit 0
fi
apt_install bindfs
command -v bindfs >/dev/null 2>&1 || die "bindfs still missing after installing it"
say "bindfs installed at $(command -v bindfs)"
