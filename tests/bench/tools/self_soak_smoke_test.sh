#!/usr/bin/env bash
# A one-minute bench/self_soak.sh (CI's version of the 30-minute soak of dialsoak itself):
# it must exit 0, and its table must judge dialsoak's own handles and threads "ok" (and
# resident memory "ok", or unjudged under AddressSanitizer), with cycles counted and the
# faults' recovery paths exercised (calls dropped mid-hold, devices reopened).
# Usage: self_soak_smoke_test.sh <path to dialsoak>
# shellcheck source-path=SCRIPTDIR source=../../e2e/lib.sh
source "$(dirname "$0")/../../e2e/lib.sh"  # checks that $1 is an executable
require_cmd jq

BENCH=$(cd "$(dirname "$0")/../../.." && pwd)/bench/self_soak.sh
R=$E2E_TMP
DIALSOAK=$MODEMSIM timeout 150 bash "$BENCH" 1 >"$R/table.out" 2>"$R/table.err" ||
  fail "self_soak.sh exited with $?: $(tail -n 20 "$R/table.out")"
assert_grep "handles judged ok" "$R/table.out" '^\| handles \| [0-9]+ \| [0-9]+ \| [0-9]+ \| .* \| ok \|$'
assert_grep "threads judged ok" "$R/table.out" '^\| threads \| [0-9]+ \| [0-9]+ \| .* \| ok \|$'
assert_grep "memory judged ok (or not judged under ASan)" "$R/table.out" \
  '^\| resident_memory \| .* \| (ok|insufficient_data) \|$'
assert_grep "the recovery paths ran" "$R/table.out" \
  '^cycles: [0-9]+ \([0-9]+/s\); calls dropped mid-hold: [1-9][0-9]*; devices reopened: [1-9][0-9]*'
e2e_log "self soak: $(grep '^cycles:' "$R/table.out")"
