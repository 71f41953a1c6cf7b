#!/usr/bin/env bash
# Installs the tools examples/sandbox's tests compare with (git for `git
# archive`, GNU tar for `tar -x`) and the rootfs link tests ask (realpath,
# from coreutils), once: a second run does nothing. Called by .ci/run; safe
# to run by hand as root.
set -euo pipefail

missing=()
for tool in git:git tar:tar realpath:coreutils; do
	if ! command -v "${tool%%:*}" >/dev/null 2>&1; then
		missing+=("${tool#*:}")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-archive-tools: git, tar and realpath already installed"
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "install-archive-tools: apt-get update"
apt-get update -qq
echo "install-archive-tools: installing ${missing[*]}"
apt-get install -y -qq "${missing[@]}"
command -v git >/dev/null && command -v tar >/dev/null && command -v realpath >/dev/null
echo "install-archive-tools: done"
