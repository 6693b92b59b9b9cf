#!/usr/bin/env bash
# Measures how closely the open-loop engine keeps its schedule with 1,000 dialing lines on
# this machine: `dialsoak run --lines 1000` on the zero-delay simulator, Poisson arrivals,
# exponential holds, at three offered loads up to 900 Erlangs (nine lines in ten connected
# at once), and prints a Markdown table: the start lag (from a call's scheduled arrival to
# the moment its line began to dial) p50, p99, p99.9 and max, the dial latency p50 and p99
# (from the arrival to CONNECT, start lag included), calls carried, calls dropped at origin,
# and dialsoak's peak resident memory. docs/performance.md quotes it.
# Usage: bench/open_loop_lag.sh [SECONDS per load, default 20] [BUILD_DIR, default build]
# (DIALSOAK=path overrides the binary). Needs jq. Takes 3 x SECONDS plus the holds' tail.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-20}
build=${2:-build}
dialsoak=${DIALSOAK:-$build/bin/dialsoak}
work=$(mktemp -d)
export DIALSOAK_RUNS_DIR=$work/runs  # the runs' journals go with the rest
trap 'rm -rf "$work"' EXIT
[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }

ms() { jq -r "$1 * 1e6 | round / 1000" "$2"; }

echo "1,000 lines, $secs s per load, $(nproc) cores, $(uname -r)"
echo
echo "| offered | calls/s | hold | start lag p50 | p99 | p99.9 | max | dial p50 | dial p99 | carried | dropped at origin | peak RSS |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
# rate (calls/s) and mean hold: 100 E, 500 E and 900 E offered to the 1,000 lines.
for load in "100 1s" "500 1s" "900 1s"; do
  read -r rate hold <<<"$load"
  report="$work/lag-$rate.json"
  "$dialsoak" run --lines 1000 --rate "$rate" --hold-dist "exp:$hold" --duration "${secs}s" \
    --quiet --charts none --settle 0 --report "$report" >/dev/null || true  # exit 1: drops
  erlangs=$(awk -v r="$rate" -v h="${hold%s}" 'BEGIN { printf "%g E", r * h }')
  printf '| %s | %s | exp:%s | %s ms | %s ms | %s ms | %s ms | %s ms | %s ms | %s | %s | %s MB |\n' \
    "$erlangs" "$rate" "$hold" \
    "$(ms .latency_seconds.start_lag.p50 "$report")" "$(ms .latency_seconds.start_lag.p99 "$report")" \
    "$(ms .latency_seconds.start_lag.p99_9 "$report")" "$(ms .latency_seconds.start_lag.max "$report")" \
    "$(ms .latency_seconds.dial.p50 "$report")" "$(ms .latency_seconds.dial.p99 "$report")" \
    "$(jq .outcomes.connect "$report")" "$(jq .dropped_at_origin "$report")" \
    "$(jq '.processes.self.resident_bytes.max / 1048576 | floor' "$report")"
done
