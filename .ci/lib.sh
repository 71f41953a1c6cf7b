# Shared by the .ci scripts (source it; it is not run on its own).
# Messages are one line each, prefixed with the calling script's name.

ci_name=$(basename "${0%.sh}")

say() { echo "${ci_name}: $*"; }
die() { echo "${ci_name}: $*" >&2; exit 1; }

# as_root CMD...: runs CMD as root, through sudo when not root. Without
# either, fails with what to install (set WHAT first, e.g. WHAT="openssh-sftp-server
# (apt-get install openssh-sftp-server)").
as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		die "not root and no sudo: install ${WHAT:-the missing package} as root, then run .ci/test again"
	fi
}

# apt_install PACKAGE...: installs Debian packages (apt-get update first).
apt_install() {
	WHAT="$* (apt-get install $*)"
	if ! command -v apt-get >/dev/null 2>&1; then
		die "no apt-get here: install $* with this system's package manager, then run .ci/test again"
	fi
	as_root true # fail early, with the message, when we cannot be root
	say "apt-get update"
	quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	say "apt-get install $*"
	quiet as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# quiet CMD...: runs CMD, showing its output only when it fails.
quiet() {
	local out
	out=$(mktemp)
	if ! "$@" >"$out" 2>&1; then
		cat "$out" >&2
		rm -f "$out"
		die "failed: $*"
	fi
	rm -f "$out"
}

# module_dirs prints the directory of every Go module of the repository
# (every go.mod git would commit, testdata left out), one a line.
module_dirs() {
	git ls-files --cached --others --exclude-standard -- 'go.mod' '*/go.mod' |
		grep -v '/testdata/' | xargs -r -n1 dirname | sort -u
}
