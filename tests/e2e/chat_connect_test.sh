#!/usr/bin/env bash
# e2e: ppp's chat, a real dialer, dials a modemsim port and gets CONNECT.
#   1. chat (the vector script of shared/vectors/real-dialers.md) dials modem0: exit 0,
#      its log shows OK to ATZ and CONNECT to ATDT5551234.
#   2. modemsim logs the call once chat has closed the port (closing = DTR drop).
#   3. chat dials modem0 again and again gets CONNECT: the close hung the call up and put
#      the modem back in command mode (otherwise ATZ would be taken as data).
#   4. modemsim exits 0 on SIGTERM.
# Usage: chat_connect_test.sh <path to modemsim>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_cmd chat stty

modemsim_start --ports 1

dial_script=(-s -v -t 5 ABORT BUSY ABORT 'NO CARRIER' '' ATZ OK ATDT5551234 CONNECT '')

run_dialer dialer1 "${PORT[modem0]}" 15 "${dial_script[@]}"
((EXIT_STATUS == 0)) || fail "chat exited with $EXIT_STATUS, expected 0 (CONNECT)" \
  "(3 = an expect timed out, 4 = BUSY, 5 = NO CARRIER)"
assert_grep "chat got no OK to ATZ" "$E2E_TMP/dialer1.txt" '^OK$'
assert_grep "chat saw no CONNECT" "$E2E_TMP/dialer1.txt" '^CONNECT'
# -v prints " -- got it" once per matched expect: OK and CONNECT.
(($(grep -c -- '-- got it' "$E2E_TMP/dialer1.txt") == 2)) ||
  fail "chat did not match both OK and CONNECT"

# The call is logged when it is over: chat closed the port, which is a DTR drop.
wait_for "modemsim to log the call to 5551234 on modem0" 10 \
  e2e_file_has "$E2E_TMP/modemsim.err" 'modem0.*5551234|5551234.*modem0'
assert_grep "modemsim's log of the call does not say it connected" \
  "$E2E_TMP/modemsim.err" '(modem0.*5551234|5551234.*modem0).*(CONNECT|[Cc]onnect)'
e2e_log "modemsim logged: $(grep -E 'modem0.*5551234|5551234.*modem0' "$E2E_TMP/modemsim.err" | tail -n 1)"

run_dialer dialer2 "${PORT[modem0]}" 15 "${dial_script[@]}"
((EXIT_STATUS == 0)) || fail "the second chat on modem0 exited with $EXIT_STATUS, expected 0:" \
  "the first call was not hung up when chat closed the port"
assert_grep "the second chat saw no CONNECT" "$E2E_TMP/dialer2.txt" '^CONNECT'

modemsim_stop
