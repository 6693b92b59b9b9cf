#!/usr/bin/env bash
# A soak of dialsoak itself: the tool that hunts leaks must not leak. `dialsoak run` drives
# 64 lines of the zero-delay simulator for MINUTES, with a mild mix of faults on (line
# noise, calls dropped mid-hold, devices unplugged and replugged: the recovery paths run
# too), and judges its own process with its own leak verdict: open handles, threads and
# resident memory against completed cycles (Theil-Sen slope, 99% interval). Prints a
# Markdown table and exits 1 when any of the three is called a leak (0 otherwise).
# Resident memory is not judged under AddressSanitizer (its quarantine keeps freed memory).
# Usage: bench/self_soak.sh [MINUTES, default 30] [BUILD_DIR, default build]
#        (DIALSOAK=path overrides the binary). Needs jq. The journal (a record a second, at
#        most about 50 MB an hour) is in a temporary directory, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-30}
build=${2:-build}
dialsoak=${DIALSOAK:-$build/bin/dialsoak}
work=$(mktemp -d "${TMPDIR:-/tmp}/self-soak.XXXXXX")
trap 'rm -rf "$work"' EXIT
export DIALSOAK_RUNS_DIR=$work/runs
[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }

report=$work/self.json
code=0
"$dialsoak" run --quiet --lines 64 --cycles unlimited --duration "${minutes}m" \
  --hold 20ms --think 30ms --dial-timeout 5s --sample-interval 1s --settle 2s \
  --sim-fault noise:0.01 --sim-fault carrier_loss:0.01/after=5ms \
  --sim-fault vanish:0.0005/down=200ms --sim-fault ring_flood:0.01/count=3/interval=2ms \
  --max-failures 100 --charts none --out "$work/run" --report "$report" >"$work/summary.txt" || code=$?

echo "dialsoak soaking itself: 64 lines, $minutes min, $(nproc) cores, $(uname -r), exit $code"
echo
jq -r '"cycles: \(.cycles) (\(.cycles_per_second | floor)/s); calls dropped mid-hold: \(.dropped_during_hold); devices reopened: \(.reopens); noisy dials: \(.line_noise.dials)"' "$report"
echo
echo "| resource | baseline | end | max | per 1,000 cycles | interval | verdict |"
echo "|---|---|---|---|---|---|---|"
jq -r '.leaks[] | select(.process == "self") |
  "| \(.resource) | \(.baseline) | \(.end) | \(if .resource == "handles" then .growth + .baseline else "" end) | \(.slope_per_1000_cycles * 1000 | round / 1000) | [\((.lower_per_cycle // 0) * 1000 * 1000 | round / 1000), \((.upper_per_cycle // 0) * 1000 * 1000 | round / 1000)] | \(.verdict) |"' "$report"
jq -r '"\nself at the end: \(.processes.self.handles.end) handles (max \(.processes.self.handles.max)), \(.processes.self.threads.end) threads (max \(.processes.self.threads.max)), \(.processes.self.resident_bytes.end / 1048576 * 10 | floor / 10) MiB resident (max \(.processes.self.resident_bytes.max / 1048576 * 10 | floor / 10))"' "$report"
echo "journal: $(du -h "$work/run/journal.jsonl" | cut -f1)"
# Exit 5 is the run's own leak verdict; 1 (failed calls) is expected with faults on.
if jq -e '[.leaks[] | select(.process == "self" and .verdict == "leak")] | length > 0' "$report" >/dev/null; then
  echo "LEAK: dialsoak leaks in its own soak" >&2
  exit 1
fi
((code == 0 || code == 1)) || { echo "dialsoak exited $code" >&2; cat "$work/summary.txt" >&2; exit 1; }
