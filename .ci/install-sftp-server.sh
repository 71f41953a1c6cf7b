#!/bin/sh
# Installs OpenSSH's sftp-server, which the sftpfs tests start as a
# subprocess (no sshd needed). Idempotent: does nothing if it is there.
set -eu
SERVER=/usr/lib/openssh/sftp-server
if [ -x "$SERVER" ]; then
	exit 0
fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
fi
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends openssh-sftp-server
if [ ! -x "$SERVER" ]; then
	echo "install-sftp-server: $SERVER still missing after installing openssh-sftp-server" >&2
	exit 1
fi
