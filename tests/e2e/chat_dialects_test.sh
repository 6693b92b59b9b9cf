#!/usr/bin/env bash
# e2e: ppp's chat against modemsim's result code sets (ATX) and its TBR21 blacklist, as a
# dialer script written for one modem meets another. chat's exit code names the ABORT
# string that matched (4 = the first, 5 = the second, 6 = the third; 3 = a timeout).
#   1. --busy 1, at ATX3: BUSY, chat with ABORT BUSY ABORT 'NO CARRIER' exits 4
#   2. the same at ATX0: busy is reported as NO CARRIER, chat exits 5
#   3. at ATX0 and ATV0: the numeric NO CARRIER, 3, and no BUSY (7) anywhere
#   4. --fault blacklist/attempts=2/delay=1s, --busy 1, chat with ABORT BUSY ABORT DELAYED
#      ABORT BLACKLISTED: BUSY (4), at once DELAYED (5), after the delay BUSY (4), then
#      BLACKLISTED (6) for the rest of the period; modemsim counts 2 refusals at exit.
# Usage: chat_dialects_test.sh <path to modemsim>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_cmd chat stty

modemsim_start --ports 1 --busy 1

# dial NAME WANT DIAL-COMMAND ABORTS...: chat dials with its ABORT strings first; it must
# exit WANT.
dial() {
  local name=$1 want=$2 command=$3
  shift 3
  run_dialer "$name" "${PORT[modem0]}" 15 -s -v -t 5 "$@" '' ATZ OK "$command" CONNECT ''
  ((EXIT_STATUS == want)) || fail "$name: chat exited with $EXIT_STATUS, expected $want" \
    "(3 = an expect timed out); its log: $(tr '\n' '|' <"$E2E_TMP/$name.txt")"
}

dial x3 4 ATX3DT5551234 ABORT BUSY ABORT 'NO CARRIER'
assert_grep "x3: chat did not fail on BUSY" "$E2E_TMP/x3.txt" '^Failed \(BUSY\)$'

dial x0 5 ATX0DT5551234 ABORT BUSY ABORT 'NO CARRIER'
assert_grep "x0: chat did not fail on NO CARRIER" "$E2E_TMP/x0.txt" '^Failed \(NO CARRIER\)$'
assert_no_grep "x0: the modem said BUSY at X0" "$E2E_TMP/x0.txt" 'BUSY$'

# Numeric results (ATV0): chat waits for NO CARRIER's code, 3, at the start of a line.
run_dialer x0v0 "${PORT[modem0]}" 15 -s -v -t 5 ABORT '7^M' '' ATZ OK ATX0V0DT5551234 '3^M' ''
((EXIT_STATUS == 0)) || fail "x0v0: chat exited with $EXIT_STATUS, expected 0 (NO CARRIER as 3;" \
  "4 = the BUSY code 7); its log: $(tr '\n' '|' <"$E2E_TMP/x0v0.txt")"
modemsim_stop

modemsim_start --ports 1 --busy 1 --fault blacklist/attempts=2/period=60s/delay=1s
aborts=(ABORT BUSY ABORT DELAYED ABORT BLACKLISTED)
dial first 4 ATDT5551234 "${aborts[@]}"
dial retry_too_soon 5 ATDT5551234 "${aborts[@]}"
assert_grep "retry_too_soon: chat did not fail on DELAYED" "$E2E_TMP/retry_too_soon.txt" \
  '^Failed \(DELAYED\)$'
sleep 1.2
dial second 4 ATDT5551234 "${aborts[@]}"
dial blacklisted 6 ATDT5551234 "${aborts[@]}"
assert_grep "blacklisted: chat did not fail on BLACKLISTED" "$E2E_TMP/blacklisted.txt" \
  '^Failed \(BLACKLISTED\)$'
sleep 1.2
dial still_blacklisted 6 ATDT5551234 "${aborts[@]}"
dial other_number 4 ATDT5550000 "${aborts[@]}"
modemsim_stop
assert_grep "modemsim did not count the blacklist's refusals at exit" "$E2E_TMP/modemsim.err" \
  'blacklisted 2, delayed 1'
e2e_log "chat: BUSY at X3, NO CARRIER (and 3) at X0; DELAYED then BLACKLISTED from the blacklist"
