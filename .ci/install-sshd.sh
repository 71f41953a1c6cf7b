#!/usr/bin/env bash
# Installs OpenSSH's sshd, which the cmd/tempfs tests start on a free port
# of 127.0.0.1 with their own config and keys (no system service is
# started). Idempotent: does nothing when /usr/sbin/sshd is there.
set -euo pipefail
SSHD=/usr/sbin/sshd
if [ -x "$SSHD" ]; then
	echo "install-sshd: $SSHD already installed"
	exit 0
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
echo "install-sshd: apt-get update"
$SUDO apt-get update -qq
# A policy-rc.d that denies every start keeps the package from starting a
# system sshd on port 22 (unless the machine already has a policy).
POLICY=/usr/sbin/policy-rc.d
ADDED_POLICY=
if [ ! -e "$POLICY" ]; then
	echo "install-sshd: denying service starts during the install"
	printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
	$SUDO chmod 755 "$POLICY"
	ADDED_POLICY=1
fi
echo "install-sshd: apt-get install openssh-server"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends openssh-server >/dev/null
if [ -n "$ADDED_POLICY" ]; then
	$SUDO rm -f "$POLICY"
fi
if [ ! -x "$SSHD" ]; then
	echo "install-sshd: $SSHD still missing after installing openssh-server" >&2
	exit 1
fi
echo "install-sshd: installed $SSHD"
