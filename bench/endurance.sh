#!/usr/bin/env bash
# Endurance: dialsoak's own cost over a long full-speed soak. For each line count (64 and
# 1,000 by default) it runs `dialsoak run --cycles unlimited --duration MINUTES` on the
# zero-delay simulator (no hold, no think: as many cycles as the machine makes) and prints,
# per minute (per 10 s for runs under 5 minutes), the cycle rate, dialsoak's resident
# memory and the journal's size; then the slope of memory per cycle (its own leak check:
# Theil-Sen over the run after the warm-up), the journal's bytes per hour and the self
# verdicts. Exits 1 when a self verdict is not ok, the memory slope is above 1 byte a
# cycle, or the journal is over its budget: 50 MB an hour, plus the first minute's bursts
# (1 MB: histograms and probe samples written at once before the budget's pace applies).
# Usage: bench/endurance.sh MINUTES [LINES...]   (BUILD=dir or DIALSOAK=path for the binary)
# Needs jq. Each run's directory is in a temporary folder, removed at exit.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:?usage: bench/endurance.sh MINUTES [LINES...]}
shift
lines_list=("$@")
[ ${#lines_list[@]} -gt 0 ] || lines_list=(64 1000)
dialsoak=${DIALSOAK:-${BUILD:-build}/bin/dialsoak}
[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/endurance.XXXXXX")
trap 'rm -rf "$work"' EXIT
seconds=$(awk -v m="$minutes" 'BEGIN { printf "%d", m * 60 }')
step=60
((seconds >= 300)) || step=10
failed=0

echo "dialsoak endurance: ${minutes} min a run, full speed, $(nproc) cores, $(uname -r)"
for lines in "${lines_list[@]}"; do
  run=$work/run-$lines
  report=$work/report-$lines.json
  "$dialsoak" run --quiet --lines "$lines" --cycles unlimited --duration "${seconds}s" \
    --charts none --out "$run" --report "$report" >"$work/summary-$lines.txt" 2>&1 &
  pid=$!
  echo
  echo "### $lines lines"
  echo
  echo "| time | cycles | cycles/s (last span) | resident MiB | journal MB |"
  echo "|---|---|---|---|---|"
  last_cycles=0
  elapsed=0
  while kill -0 "$pid" 2>/dev/null && ((elapsed < seconds)); do
    sleep "$step"
    elapsed=$((elapsed + step))
    rss_kib=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null || echo 0)
    [ -f "$run/journal.jsonl" ] || continue
    cycles=$(tail -n 200 "$run/journal.jsonl" | grep '"t":"tick"' | tail -n 1 | jq -r '.cycles_done // 0' 2>/dev/null || echo "$last_cycles")
    [ -n "$cycles" ] || cycles=$last_cycles
    bytes=$(stat -c %s "$run/journal.jsonl")
    awk -v e="$elapsed" -v c="$cycles" -v last="$last_cycles" -v step="$step" -v rss="$rss_kib" \
      -v b="$bytes" 'BEGIN {
        r = "(ended)"
        if (rss > 0) r = sprintf("%.1f", rss / 1024)
        printf "| %d:%02d | %d | %d | %s | %.2f |\n", e / 60, e % 60, c, (c - last) / step, r, b / 1e6
      }'
    last_cycles=$cycles
  done
  code=0
  wait "$pid" || code=$?
  if [ ! -f "$report" ]; then
    echo "no report (exit $code):" >&2
    cat "$work/summary-$lines.txt" >&2
    failed=1
    continue
  fi
  bytes=$(stat -c %s "$run/journal.jsonl")
  jq -r --argjson bytes "$bytes" '
    "\ncycles: \(.cycles) in \(.elapsed_seconds | floor) s (\(.cycles_per_second | floor)/s), exit code \(.exit_code)",
    "memory: \(.processes.self.resident_bytes.baseline / 1048576 * 10 | floor / 10) -> \(.processes.self.resident_bytes.end / 1048576 * 10 | floor / 10) MiB (max \(.processes.self.resident_bytes.max / 1048576 * 10 | floor / 10)); slope \(.leaks[] | select(.process == "self" and .resource == "resident_memory") | .slope_per_cycle * 1000 | round / 1000) bytes a cycle",
    "journal: \($bytes / 1e6 * 100 | round / 100) MB, \($bytes / .elapsed_seconds * 3600 / 1e6 * 10 | round / 10) MB an hour (\($bytes / .cycles * 100 | round / 100) bytes a cycle)",
    "self verdicts: \([.leaks[] | select(.process == "self") | "\(.resource) \(.verdict)"] | join(", "))"' "$report"
  slope=$(jq '.leaks[] | select(.process == "self" and .resource == "resident_memory") | .slope_per_cycle' "$report")
  elapsed_s=$(jq '.elapsed_seconds' "$report")
  if jq -e '[.leaks[] | select(.process == "self" and .verdict != "ok")] | length > 0' "$report" >/dev/null; then
    echo "FAIL: a self verdict is not ok" >&2
    failed=1
  fi
  if awk -v s="$slope" 'BEGIN { exit !(s > 1) }'; then
    echo "FAIL: memory grows $slope bytes a cycle (limit 1)" >&2
    failed=1
  fi
  if awk -v b="$bytes" -v t="$elapsed_s" 'BEGIN { exit !(b > 50e6 * t / 3600 + 1e6) }'; then
    echo "FAIL: the journal is over its budget (50 MB an hour + 1 MB)" >&2
    failed=1
  fi
  ((code == 0)) || { echo "FAIL: dialsoak exited $code" >&2; failed=1; }
done
exit "$failed"
