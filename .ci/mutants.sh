#!/usr/bin/env bash
# Mutation check (issue 11, acceptance 3): removing any single fsync,
# directory sync or close-error check in the non-test code must make some
# test fail. Each line of .ci/mutants.txt names one mutant:
#
#   id ;; file ;; snippet ;; replacement ;; go test args ;; -run pattern
#
# The snippet must occur exactly once in file ("\n" and "\t" in snippet and
# replacement stand for a newline and a tab). For each mutant the script
# saves the file, applies the replacement, runs
# `go test -count=1 <args> -run <pattern>` and restores the file. A mutant
# is KILLED when the tests fail, SURVIVED when they pass, NOTEST when the
# pattern matches no test, STALE when the snippet is not found exactly
# once, BUILD when the mutant does not compile. Exit status 0 only if every
# mutant is KILLED.
#
# Usage: .ci/mutants.sh [id-regex]     (e.g. '^replace-' to run a subset)
# Env:   MUTANTS_LIST (default .ci/mutants.txt), MUTANTS_BASELINE=0 to skip
#        the unmutated run of the same tests, MUTANTS_LOGS (log directory),
#        MUTANTS_DRY=1 to check only that every snippet applies (no tests).
#
# Safe to interrupt: a trap restores every mutated file on exit, Ctrl-C and
# TERM; a copy is also kept under the git directory, so a run killed with
# SIGKILL is undone by the next run. Not part of .ci/run (it takes minutes:
# every mutant recompiles a test binary).
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export GOFLAGS="${GOFLAGS:-} -buildvcs=false"
# Tests that need strace or sftp-server fail (not skip) when they are
# missing, so a missing tool cannot pass for a surviving mutant.
export CI=true

list=${MUTANTS_LIST:-.ci/mutants.txt}
filter=${1:-}
logs=${MUTANTS_LOGS:-${TMPDIR:-/tmp}/tempfs-mutants.$$}
backup=$(git rev-parse --path-format=absolute --git-path tempfs-mutants-backup)
mkdir -p "$logs"

# restore puts back every file saved in $backup (names encode the path,
# '/' as '%') and removes the backup.
restore() {
	local b rel
	[ -d "$backup" ] || return 0
	for b in "$backup"/*; do
		[ -e "$b" ] || continue
		rel=$(basename "$b" | tr '%' '/')
		cp -p "$b" "$root/$rel"
	done
	rm -rf "$backup"
}
restore # a previous run that was killed with SIGKILL

# gotest runs go test in its own process group (so that an interrupt can
# stop it and its test binary) and waits for it; the wait returns at once
# on a signal, whose trap stops the group, restores and exits.
exec 3>&2 # the trap may run while stderr goes to a log
child=
gotest() {
	setsid go test "$@" 3>&- &
	child=$!
	wait "$child"
	local rc=$?
	child=
	return $rc
}
on_signal() {
	if [ -n "$child" ]; then
		kill -TERM -- "-$child" 2>/dev/null
		wait "$child" 2>/dev/null
	fi
	restore
	echo "interrupted: files restored" >&3
	exit "$1"
}
trap restore EXIT
trap 'on_signal 130' INT
trap 'on_signal 143' TERM

# field N of a line split on " ;; ".
field() { awk -v n="$2" 'BEGIN { FS = " ;; " } { print $n }' <<<"$1"; }

# count_snippet FILE SNIPPET: how many times SNIPPET occurs in FILE.
count_snippet() {
	S=$2 perl -0777 -ne 'BEGIN { $s = $ENV{S}; $s =~ s/\\n/\n/g; $s =~ s/\\t/\t/g }
		my $n = () = /\Q$s\E/g; print $n' "$1"
}

# apply FILE SNIPPET REPLACEMENT: replace the one occurrence.
apply() {
	S=$2 R=$3 perl -0777 -i -pe 'BEGIN { ($s, $r) = ($ENV{S}, $ENV{R});
		for ($s, $r) { s/\\n/\n/g; s/\\t/\t/g } }
		s/\Q$s\E/$r/' "$1"
}

# classify RC LOG: the status of one go test run.
classify() {
	local rc=$1 log=$2
	if grep -qE '\[(build|setup) failed\]|^# .*\[.*\.test\]$' "$log"; then
		echo BUILD
	elif [ "$rc" -ne 0 ]; then
		echo KILLED
	elif grep -q 'no tests to run' "$log"; then
		echo NOTEST
	else
		echo SURVIVED
	fi
}

mapfile -t lines < <(grep -vE '^[[:space:]]*(#|$)' "$list")
if [ -n "$filter" ]; then
	mapfile -t lines < <(printf '%s\n' "${lines[@]}" | awk -v re="$filter" 'BEGIN { FS = " ;; " } $1 ~ re')
fi
[ "${#lines[@]}" -gt 0 ] || { echo "no mutants match '$filter' in $list" >&2; exit 2; }

start=$(date +%s)
status=0

# Baseline: the targeted tests must pass unmutated, or a "kill" means
# nothing. One run per package, of every top-level test named there (go
# test splits -run at '/', so subtest parts cannot be OR-ed together).
if [ "${MUTANTS_BASELINE:-1}" != 0 ] && [ "${MUTANTS_DRY:-0}" = 0 ]; then
	declare -A pats=()
	for line in "${lines[@]}"; do
		args=$(field "$line" 5)
		pat=$(field "$line" 6)
		pat=${pat%%/*}
		case "|${pats[$args]:-}|" in
		*"|$pat|"*) ;;
		*) pats[$args]="${pats[$args]:+${pats[$args]}|}$pat" ;;
		esac
	done
	for args in "${!pats[@]}"; do
		log="$logs/baseline.$(tr -c 'A-Za-z0-9' _ <<<"$args").log"
		echo "== baseline: go test -count=1 $args -run '${pats[$args]}'"
		# shellcheck disable=SC2086 # args are words
		gotest -count=1 -timeout 20m $args -run "${pats[$args]}" >"$log" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "baseline fails (see $log): fix the tests before judging mutants" >&2
			tail -20 "$log" >&2
			exit 2
		fi
	done
fi

declare -a table=()
for line in "${lines[@]}"; do
	id=$(field "$line" 1)
	file=$(field "$line" 2)
	snippet=$(field "$line" 3)
	repl=$(field "$line" 4)
	args=$(field "$line" 5)
	pat=$(field "$line" 6)
	log="$logs/$id.log"
	t0=$(date +%s)
	if [ ! -f "$file" ] || [ "$(count_snippet "$file" "$snippet")" != 1 ]; then
		st=STALE
	else
		mkdir -p "$backup"
		cp -p "$file" "$backup/$(tr '/' '%' <<<"$file")"
		apply "$file" "$snippet" "$repl"
		if cmp -s "$file" "$backup/$(tr '/' '%' <<<"$file")"; then
			st=STALE # the replacement changed nothing
		elif [ "${MUTANTS_DRY:-0}" != 0 ]; then
			st=APPLIES
		else
			# shellcheck disable=SC2086 # args are words
			gotest -count=1 -timeout 10m $args -run "$pat" >"$log" 2>&1
			st=$(classify $? "$log")
		fi
		restore
	fi
	secs=$(($(date +%s) - t0))
	case $st in KILLED | APPLIES) ;; *) status=1 ;; esac
	row=$(printf '%-34s %-28s %-9s %4ss  %s -run %s' "$id" "$file" "$st" "$secs" "$args" "$pat")
	table+=("$row")
	echo "$row"
done

echo
echo "== mutants ($(( $(date +%s) - start ))s; logs in $logs)"
printf '%-34s %-28s %-9s %5s  %s\n' ID FILE STATUS TIME TEST
printf '%s\n' "${table[@]}"
killed=$(printf '%s\n' "${table[@]}" | awk '$3 == "KILLED"' | wc -l)
echo "${killed} of ${#table[@]} killed"
exit $status
