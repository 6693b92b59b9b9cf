#!/usr/bin/env bash
# Measures the engine against the raw pty floor, on this machine, in one go, and prints a
# Markdown table (docs/performance.md, "Measured performance", comes from it):
#   - cycles/s of `dialsoak run` on the zero-delay simulator at 1, 16 and 1,000 lines, each
#     next to ../shared/tools/ptyfloor.c at the same number of pairs, run just before it;
#   - the timing error (dial latency minus the configured answer delay) with a fixed 20 ms
#     answer delay at 64 lines, median and p99;
#   - dialsoak's peak resident memory (its own probe's maximum) at each size.
# Usage: bench/perf.sh [SECONDS per measurement, default 5]   (after scripts/run or a build)
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-5}
dialsoak=build/bin/dialsoak
floor_src=../shared/tools/ptyfloor.c
work=$(mktemp -d)
export DIALSOAK_RUNS_DIR=$work/runs  # the runs' journals go with the rest
trap 'rm -rf "$work"' EXIT

[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
gcc -O2 -pthread -o "$work/ptyfloor" "$floor_src" -lutil

floor() { "$work/ptyfloor" "$1" "$secs" dtr | sed -n 's/.*cycles_per_s=\([0-9]*\).*/\1/p'; }
engine() {  # LINES [extra flags...]: prints the report path
  local lines=$1; shift
  local report="$work/run-$lines-$RANDOM.json"
  "$dialsoak" run --lines "$lines" --cycles unlimited \
    --duration "${secs}s" --quiet --report "$report" "$@" >/dev/null
  echo "$report"
}

echo "| lines | ptyfloor cycles/s | dialsoak cycles/s | ratio | dialsoak peak RSS |"
echo "|---|---|---|---|---|"
for lines in 1 16 1000; do
  f=$(floor "$lines")
  r=$(engine "$lines")
  e=$(jq '.cycles_per_second | floor' "$r")
  rss_mb=$(jq '.processes.self.resident_bytes.max / 1048576 | floor' "$r")
  echo "| $lines | $f | $e | $(awk -v e="$e" -v f="$f" 'BEGIN { printf "%.2f", e / f }') | ${rss_mb} MB |"
done

r=$(engine 64 --answer-delay fixed:20ms)
jq -r '.latency_seconds.dial | "\nTiming error at 64 lines, fixed 20 ms answer delay (\(.count) dials): " +
  "median \((.p50 - 0.020) * 1000 * 1000 | round / 1000) ms, p99 \((.p99 - 0.020) * 1000 * 1000 | round / 1000) ms"' "$r"
