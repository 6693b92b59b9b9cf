#!/usr/bin/env bash
# e2e: modemsim --device on a virtual null-modem cable. socat joins two ptys (a0<->b0,
# a1<->b1), as a cable joins two serial ports; modemsim opens b0 and b1 itself, ppp's chat
# dials over a0 and a1. A pty has no modem-control lines, so modemsim takes its fallback
# (said once per device), and socat carries no DTR: calls end by +++ / ATH, or when the
# cable goes (socat stopped). The modem-control path itself needs two real ports.
#   1. modemsim prints deviceK PATH for each, warns that neither has modem-control lines.
#   2. chat on a0 dials the one-port pool: CONNECT; the call stays up after chat exits
#      (closing a0 is not seen through socat).
#   3. chat on a1 dials the same number: BUSY (chat exits 4), the pool's port being held.
#   4. chat on a0 hangs up with +++ and ATH: OK; modemsim logs the call, hangup=ath.
#   5. chat on a1 dials again: CONNECT; socat of cable 1 is stopped: the call ends as a
#      close; a new socat at the same links: modemsim reopens b1 and answers AT again.
#   6. errors exit 1 and say why: a missing device, one that is not a tty, one in use.
#   7. modemsim exits 0 on SIGTERM.
# Usage: modemsim_device_test.sh <path to modemsim>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
require_cmd chat stty socat

cable() {  # cable N: a socat null-modem cable a N <-> b N; its pid in CABLE_PID[N]
  spawn "socat$1" /dev/null "$E2E_TMP/socat$1.out" "$E2E_TMP/socat$1.err" \
    socat -d pty,raw,echo=0,link="$E2E_TMP/a$1" pty,raw,echo=0,link="$E2E_TMP/b$1"
  CABLE_PID[$1]=$SPAWNED_PID
  wait_for "socat's links a$1 and b$1" 5 test -e "$E2E_TMP/a$1" -a -e "$E2E_TMP/b$1"
}
declare -A CABLE_PID=()
cable 0
cable 1

mkdir -p "$E2E_TMP/links"
spawn modemsim /dev/null "$E2E_TMP/modemsim.out" "$E2E_TMP/modemsim.err" \
  "$MODEMSIM" --link-dir "$E2E_TMP/links" --device "$E2E_TMP/b0" --device "$E2E_TMP/b1" \
  --pool 5551234:1
MODEMSIM_PID=$SPAWNED_PID
wait_for "modemsim to print ready" 10 e2e_ready
assert_grep "modemsim did not list device0" "$E2E_TMP/modemsim.out" "^device0 $E2E_TMP/b0\$"
assert_grep "modemsim did not list device1" "$E2E_TMP/modemsim.out" "^device1 $E2E_TMP/b1\$"
assert_no_grep "modemsim made ptys of its own with --device" "$E2E_TMP/modemsim.out" '^modem'
assert_grep "modemsim did not say that b0 has no modem-control lines" \
  "$E2E_TMP/modemsim.err" "device0 .*b0 has no modem-control lines .*TIOCMGET"

init=(-s -v -t 3 ABORT BUSY ABORT 'NO CARRIER' '' ATZ OK 'ATS12=2' OK)
run_dialer dial0 "$E2E_TMP/a0" 10 "${init[@]}" ATDT5551234 CONNECT ''
((EXIT_STATUS == 0)) || fail "chat on a0 exited with $EXIT_STATUS, expected 0 (CONNECT)"
assert_grep "chat on a0 saw no CONNECT" "$E2E_TMP/dial0.txt" '^CONNECT'

run_dialer busy1 "$E2E_TMP/a1" 10 "${init[@]}" ATDT5551234 CONNECT ''
((EXIT_STATUS == 4)) || fail "chat on a1 exited with $EXIT_STATUS, expected 4 (BUSY:" \
  "the pool's one port is held by the call on device0)"
assert_grep "chat on a1 did not fail on BUSY" "$E2E_TMP/busy1.txt" '^Failed \(BUSY\)$'

# \d: one second (chat's \p is 0.01 s, under the 40 ms guard time (S12=2) around +++).
run_dialer hangup0 "$E2E_TMP/a0" 10 -s -v -t 3 '' '\d+++\d\c' OK ATH0 OK
((EXIT_STATUS == 0)) || fail "chat's +++ / ATH on a0 exited with $EXIT_STATUS, expected 0"
wait_for "modemsim to log device0's call hung up by ATH" 5 \
  e2e_file_has "$E2E_TMP/modemsim.err" 'call device0 number=5551234 result="CONNECT.* hangup=ath'
assert_grep "modemsim did not log device1's BUSY" "$E2E_TMP/modemsim.err" \
  'call device1 number=5551234 result="BUSY"'

run_dialer dial1 "$E2E_TMP/a1" 10 "${init[@]}" ATDT5551234 CONNECT ''
((EXIT_STATUS == 0)) || fail "chat on a1 exited with $EXIT_STATUS after device0 hung up, expected 0"
stop_pid "${CABLE_PID[1]}" 3
wait_for "modemsim to end device1's call when its cable went" 5 \
  e2e_file_has "$E2E_TMP/modemsim.err" 'call device1 number=5551234 result="CONNECT.* hangup=close'
assert_grep "modemsim did not say b1 went away" "$E2E_TMP/modemsim.err" "device .*b1 went away"
cable 1
wait_for "modemsim to reopen b1" 5 e2e_file_has "$E2E_TMP/modemsim.err" "device .*b1 is back"
run_dialer again1 "$E2E_TMP/a1" 10 -s -v -t 3 '' AT OK
((EXIT_STATUS == 0)) || fail "chat on a1 got no OK after modemsim reopened b1 ($EXIT_STATUS)"

# Setup errors: exit 1 with the device named and why.
expect_setup_error() {  # DESC ERE ARGS...
  local desc=$1 ere=$2 status=0
  shift 2
  "$MODEMSIM" "$@" >"$E2E_TMP/error.out" 2>"$E2E_TMP/error.err" </dev/null || status=$?
  ((status == 1)) || fail "modemsim $* ($desc) exited with $status, expected 1"
  assert_grep "modemsim $* ($desc) did not say why" "$E2E_TMP/error.err" "$ere"
}
expect_setup_error "missing" "open $E2E_TMP/nope: No such file or directory" \
  --device "$E2E_TMP/nope"
expect_setup_error "not a tty" "/dev/null: not a tty" --device /dev/null
expect_setup_error "in use" "b0: Device or resource busy \(in use" --device "$E2E_TMP/b0"
status=0
"$MODEMSIM" --device "$E2E_TMP/b0" --device-framing 9X1 >/dev/null 2>"$E2E_TMP/error.err" ||
  status=$?
((status == 2)) || fail "modemsim --device-framing 9X1 exited with $status, expected 2"
assert_grep "--device-framing 9X1 not explained" "$E2E_TMP/error.err" "bad framing '9X1'"

modemsim_stop
