#!/usr/bin/env bash
# Installs tmux, in which the cmd/tempfs tests check the progress line of
# `tempfs write` on a real terminal. Idempotent: does nothing when tmux is
# there.
set -euo pipefail
if command -v tmux >/dev/null 2>&1; then
	echo "install-tmux: tmux already installed"
	exit 0
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
echo "install-tmux: apt-get update"
$SUDO apt-get update -qq
echo "install-tmux: apt-get install tmux"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends tmux >/dev/null
command -v tmux >/dev/null 2>&1 || { echo "install-tmux: tmux still missing" >&2; exit 1; }
echo "install-tmux: installed tmux"
