#!/usr/bin/env bash
# Installs the tools the benchmark and strace tests need (strace), once:
# a second run does nothing. Called by .ci/run; safe to run by hand as root.
set -euo pipefail

if command -v strace >/dev/null 2>&1; then
	exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq strace
command -v strace >/dev/null
