#!/usr/bin/env bash
# Installs OpenSSH's sshd, which the cmd/tempfs tests start on a free port
# of 127.0.0.1 with their own config and keys (no system service is
# started). Idempotent: does nothing when /usr/sbin/sshd is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SSHD=/usr/sbin/sshd
if [ -x "$SSHD" ]; then
	say "sshd already at $SSHD"
	exit 0
fi
WHAT="openssh-server (apt-get install openssh-server)"
as_root true # fail early, naming the package, when we cannot be root
# A policy-rc.d that denies every start keeps the package from starting a
# system sshd on port 22 (unless the machine already has a policy).
POLICY=/usr/sbin/policy-rc.d
if [ ! -e "$POLICY" ]; then
	say "denying service starts during the install"
	as_root sh -c "printf '#!/bin/sh\nexit 101\n' > $POLICY && chmod 755 $POLICY"
	trap 'as_root rm -f "$POLICY"' EXIT
fi
apt_install openssh-server
[ -x "$SSHD" ] || die "$SSHD still missing after installing openssh-server"
say "sshd installed at $SSHD"
