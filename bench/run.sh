#!/usr/bin/env bash
# Reproduces BENCHMARKS.md: builds the benchmark binary once, runs every
# benchmark group ROUNDS times (default 10), one -count=1 pass per round so
# that ours and the peers share the machine's noise alike, then prints the
# benchstat tables, syscall counts, peak RSS and the acceptance verdicts.
# Everything lands in results/. Needs strace (../.ci/install-bench-tools.sh).
# Takes about 6-10 minutes on 2 CPUs.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-10}
OUT=results
mkdir -p "$OUT"
BENCHSTAT=(go run golang.org/x/perf/cmd/benchstat@latest)

go test -c -o "$OUT/bench.test" .
go build -o "$OUT/syscount" ./cmd/syscount
go build -o "$OUT/accept" ./cmd/accept

{
	echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
	echo "go: $(go version)"
	echo "kernel: $(uname -srm)"
	echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
	echo "memory: $(free -g | awk '/^Mem:/{print $2}') GiB"
	echo "TMPDIR filesystem: $(df -T "${TMPDIR:-/tmp}" | awk 'NR==2{print $2" on "$1}')"
	echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT/machine.txt"

# group name ; -test.bench pattern ; -test.benchtime
groups=(
	"temp;^Benchmark(CreateTemp|MkdirTemp)$;0.3s"
	"write;^BenchmarkWriteFile$;0.5s"
	"reader;^BenchmarkWriteReader$/^size=(4KiB|1MiB)$;0.5s"
	"reader64;^BenchmarkWriteReader$/^size=64MiB$;4x"
	"parallel;^BenchmarkCreateTempParallel$;0.3s"
	"paired-temp;^BenchmarkPaired$/^op=CreateTemp;0.5s"
	"paired-write;^BenchmarkPaired$/^op=WriteFile;1s"
	"paired-reader;^BenchmarkPaired$/^op=WriteReader;3x"
	"suite;^BenchmarkSuite$;1x"
)
raw="$OUT/raw.txt"
: > "$raw"
for round in $(seq "$ROUNDS"); do
	echo "round $round/$ROUNDS" >&2
	for g in "${groups[@]}"; do
		IFS=';' read -r _ pattern benchtime <<<"$g"
		"$OUT/bench.test" -test.run '^$' -test.bench "$pattern" -test.benchtime "$benchtime" \
			-test.benchmem -test.count 1 | tee -a "$raw" | grep -E '^(FAIL|---)' >&2 || true
	done
done
if grep -qE '^(--- FAIL|FAIL)' "$raw"; then
	echo "a benchmark failed, see $raw" >&2
	exit 1
fi

"$OUT/syscount" -table > "$OUT/syscalls.md"
(cd .. && go test -count=1 -run '^TestWriteReaderPeakRSS$' -v .) > "$OUT/rss.txt"

{
	cat "$OUT/machine.txt"
	for f in '.name:/^(CreateTemp|MkdirTemp)$/' '.name:WriteFile' '.name:WriteReader' '.name:CreateTempParallel' '.name:Paired' '.name:Suite'; do
		echo
		"${BENCHSTAT[@]}" -filter "$f" -col /impl "$raw" 2>/dev/null || "${BENCHSTAT[@]}" -filter "$f" "$raw"
	done
	echo
	cat "$OUT/syscalls.md"
	echo
	grep 'peak RSS' "$OUT/rss.txt"
	echo
	"$OUT/accept" "$raw" "$OUT/syscalls.md" "$OUT/rss.txt"
} | tee "$OUT/report.txt"
