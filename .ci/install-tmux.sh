#!/usr/bin/env bash
# Installs tmux, in which the cmd/tempfs tests check the progress line of
# `tempfs write` on a real terminal. Idempotent: does nothing when tmux is
# there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

if command -v tmux >/dev/null 2>&1; then
	say "tmux already at $(command -v tmux)"
	exit 0
fi
apt_install tmux
command -v tmux >/dev/null 2>&1 || die "tmux still missing after installing it"
say "tmux installed at $(command -v tmux)"
