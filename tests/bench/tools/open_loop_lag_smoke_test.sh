#!/usr/bin/env bash
# Smoke test of bench/open_loop_lag.sh, so it never rots: one second per load, 1,000 lines.
# It must exit 0 and print its table: a header and three rows (100, 500 and 900 E), each
# with a start lag and dial latency in ms, calls carried (more than none) and a peak RSS.
# The numbers themselves are the benchmark's business, not a test's (a shared machine).
# Usage: open_loop_lag_smoke_test.sh <path to dialsoak>
# shellcheck source-path=SCRIPTDIR source=../../e2e/lib.sh
source "$(dirname "$0")/../../e2e/lib.sh"  # checks that $1 is an executable
require_cmd jq

BENCH=$(cd "$(dirname "$0")/../../.." && pwd)/bench/open_loop_lag.sh
R=$E2E_TMP
DIALSOAK=$MODEMSIM timeout 90 bash "$BENCH" 1 >"$R/table.out" 2>"$R/table.err" ||
  fail "open_loop_lag.sh exited with $?"
rows=$(grep -cE '^\| [0-9]+ E \| [0-9]+ \| exp:1s \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9.]+ ms \| [0-9.]+ ms \| [1-9][0-9]* \| [0-9]+ \| [0-9]+ MB \|$' "$R/table.out" || true)
((rows == 3)) || fail "expected 3 rows of numbers in the table, got $rows: $(cat "$R/table.out")"
assert_grep "the table's header" "$R/table.out" '^\| offered \| calls/s \| hold \| start lag p50 \|'
assert_grep "the machine it ran on" "$R/table.out" '^1,000 lines, 1 s per load, [0-9]+ cores'
e2e_log "open_loop_lag.sh: three rows at 1,000 lines"
