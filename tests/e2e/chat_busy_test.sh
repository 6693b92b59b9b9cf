#!/usr/bin/env bash
# e2e: a BUSY answer from modemsim (--busy 1) is seen by ppp's chat as an ABORT string,
# and chat's exit code tells which one, as chat(8) documents (4 = first ABORT, 5 = second).
#   1. chat -s -v ABORT BUSY '' ATZ OK ATDT5551234 CONNECT ''          exits exactly 4
#   2. the same with ABORT 'NO CARRIER' listed before ABORT BUSY         exits exactly 5
#      (also shows the port takes a new call after the first dialer closed it)
#   3. neither chat saw CONNECT; modemsim logged the busy calls and exits 0 on SIGTERM.
# Usage: chat_busy_test.sh <path to modemsim>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_cmd chat stty

modemsim_start --ports 1 --busy 1

# -t 5 only bounds each expect (chat's default is 45 s); BUSY must come well before.
run_dialer busy_first "${PORT[modem0]}" 15 \
  -s -v -t 5 ABORT BUSY '' ATZ OK ATDT5551234 CONNECT ''
((EXIT_STATUS == 4)) || fail "chat with ABORT BUSY exited with $EXIT_STATUS, expected 4" \
  "(0 = CONNECT, 3 = an expect timed out)"
assert_grep "chat got no OK to ATZ" "$E2E_TMP/busy_first.txt" '^OK$'
assert_grep "chat did not fail on the BUSY abort" "$E2E_TMP/busy_first.txt" '^Failed \(BUSY\)$'
assert_no_grep "chat saw CONNECT on a busy call" "$E2E_TMP/busy_first.txt" '^CONNECT'

run_dialer busy_second "${PORT[modem0]}" 15 \
  -s -v -t 5 ABORT 'NO CARRIER' ABORT BUSY '' ATZ OK ATDT5551234 CONNECT ''
((EXIT_STATUS == 5)) || fail "chat with BUSY as its second ABORT exited with $EXIT_STATUS," \
  "expected 5 (4 would mean NO CARRIER, 3 a timeout)"
assert_grep "chat did not fail on the BUSY abort" "$E2E_TMP/busy_second.txt" '^Failed \(BUSY\)$'
assert_no_grep "chat saw CONNECT on a busy call" "$E2E_TMP/busy_second.txt" '^CONNECT'

wait_for "modemsim to log two BUSY calls" 10 \
  e2e_count_at_least 2 "$E2E_TMP/modemsim.err" '5551234.*(BUSY|[Bb]usy)'

modemsim_stop
