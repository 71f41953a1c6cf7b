#!/usr/bin/env bash
# Installs the tools examples/sandbox's tests compare with (git for `git
# archive`, GNU tar for `tar -x`) and the rootfs link tests ask (realpath,
# from coreutils). Idempotent: a second run does nothing.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

missing=()
for tool in git:git tar:tar realpath:coreutils; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		missing+=("${tool#*:}")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	say "git, tar and realpath already installed"
	exit 0
fi
apt_install "${missing[@]}"
command -v git >/dev/null && command -v tar >/dev/null && command -v realpath >/dev/null ||
	die "git, tar or realpath still missing after installing ${missing[*]}"
say "installed ${missing[*]}"
