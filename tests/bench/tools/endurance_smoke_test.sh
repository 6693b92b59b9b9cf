#!/usr/bin/env bash
# A one-minute bench/endurance.sh at 64 lines, full speed (CI's version of the hour in
# docs/performance.md): the script itself fails on a self verdict that is not ok, a memory
# slope above 1 byte a cycle, or a journal over 50 MB an hour (+1 MB of first-minute
# bursts); here its exit code, its table and its closing lines are checked.
# Usage: endurance_smoke_test.sh <path to dialsoak>
# shellcheck source-path=SCRIPTDIR source=../../e2e/lib.sh
source "$(dirname "$0")/../../e2e/lib.sh"  # checks that $1 is an executable
require_cmd jq

BENCH=$(cd "$(dirname "$0")/../../.." && pwd)/bench/endurance.sh
R=$E2E_TMP
DIALSOAK=$MODEMSIM timeout 150 bash "$BENCH" 1 64 >"$R/out" 2>"$R/err" ||
  fail "endurance.sh exited with $?: $(cat "$R/err") $(tail -n 20 "$R/out")"
assert_grep "a row every 10 s" "$R/out" '^\| 0:50 \| [0-9]+ \| [0-9]+ \| ([0-9.]+|\(ended\)) \| [0-9.]+ \|$'
assert_grep "self verdicts all ok" "$R/out" \
  '^self verdicts: handles ok, threads ok, resident_memory ok$'
assert_grep "memory slope printed" "$R/out" '^memory: .* slope -?[0-9.e-]+ bytes a cycle$'
assert_grep "journal per hour printed" "$R/out" '^journal: [0-9.]+ MB, [0-9.]+ MB an hour'
e2e_log "endurance: $(grep -E '^(cycles|memory|journal):' "$R/out" | tr '\n' ' ')"
