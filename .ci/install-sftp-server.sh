#!/usr/bin/env bash
# Installs OpenSSH's sftp-server, which the sftpfs tests start as a
# subprocess (no sshd needed). Idempotent: does nothing if it is there.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

SERVER=/usr/lib/openssh/sftp-server
if [ -x "$SERVER" ]; then
	say "sftp-server already at $SERVER"
	exit 0
fi
apt_install openssh-sftp-server
[ -x "$SERVER" ] || die "$SERVER still missing after installing openssh-sftp-server"
say "sftp-server installed at $SERVER"
