#!/usr/bin/env bash
# Installs strace, which the syscall tests and the benchmarks need.
# Idempotent: does nothing if it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if command -v strace >/dev/null 2>&1; then
	say "strace already at $(command -v strace)"
	exit 0
fi
apt_install strace
command -v strace >/dev/null 2>&1 || die "strace still missing after installing it"
say "strace installed at $(command -v strace)"
