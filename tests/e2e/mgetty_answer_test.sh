#!/usr/bin/env bash
# e2e: mgetty, a real answering program, sits on a modemsim answering pty and answers a
# call that ppp's chat dials from a modemsim dialing port.
#   1. mgetty's default (data + fax) initialisation completes against modemsim: the fax
#      commands get ERROR as from a data-only modem, and mgetty goes on waiting for a call.
#   2. chat dials 5551234 on modem0; RING reaches mgetty, mgetty sends ATA, and both sides
#      get CONNECT (chat's log and mgetty's log).
#   3. Data flows both ways through modemsim: chat receives mgetty's banner and login
#      prompt, types a login name, and receives what the login program (from our
#      login.config) prints with that name.
#   4. The login program ends, which closes the answering pty: chat gets NO CARRIER, and
#      mgetty's process exits 0 by itself. modemsim exits 0 on SIGTERM.
# mgetty writes to fixed system paths (/var/log/mgetty, /var/lock -> /run/lock, /run,
# /etc/mgetty); it runs in its own mount namespace with temp dirs bound over them, so
# the machine's own files are never touched. That needs root: otherwise the test skips.
# Usage: mgetty_answer_test.sh <path to modemsim>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

(($(id -u) == 0)) || skip "mgetty must run in a private mount namespace, which needs root" \
  "(running as uid $(id -u))"
command -v unshare >/dev/null || skip "unshare (util-linux) not found, no mount namespace"
if ! ns_err=$(unshare -m -- true 2>&1); then
  skip "cannot create a mount namespace here (unshare -m: $ns_err)"
fi
require_cmd chat stty mgetty mount

modemsim_start --ports 1 --pool 5551234:1:pty --ring-interval 1s
[ -n "${PORT[answer0]:-}" ] || fail "modemsim printed no answer0 line for --pool 5551234:1:pty"
[ "${PORT_NUMBER[answer0]}" = 5551234 ] ||
  fail "modemsim printed number '${PORT_NUMBER[answer0]}' for answer0, expected 5551234"

# What mgetty sees instead of the machine's paths. The login program is harmless and
# prints a token with the login name it was given (@), so the dialer can check both
# directions of the data path. mgetty ignores a login.config that is not 0600.
ns=$E2E_TMP/ns
mkdir -p "$ns/etc-mgetty" "$ns/var-log/mgetty" "$ns/run/lock"
cat >"$ns/etc-mgetty/mgetty.config" <<'EOF'
issue-file /etc/mgetty/issue
EOF
printf 'E2EBANNER on \\P\n' >"$ns/etc-mgetty/issue"
printf 'e2euser - - /bin/echo E2ELOGINOK @\n' >"$ns/etc-mgetty/login.config"
chmod 0600 "$ns/etc-mgetty/login.config"

# unshare execs bash, which execs mgetty (and mgetty the login program): one pid throughout.
# mount -n and LIBMOUNT_UTAB keep mount(8) from creating /run/mount on the host.
dev=${PORT[answer0]#/dev/}
mgetty_log=$ns/var-log/mgetty/mg_${dev//\//-}.log
# shellcheck disable=SC2016  # the inner script expands its own arguments
spawn mgetty /dev/null "$E2E_TMP/mgetty.out" "$E2E_TMP/mgetty.err" \
  unshare -m --propagation private -- env LIBMOUNT_UTAB="$ns/utab" bash -c '
    set -e
    ns=$1
    shift
    mount -n --make-rprivate /
    mount -n --bind "$ns/etc-mgetty" /etc/mgetty
    mount -n --bind "$ns/var-log" /var/log
    mount -n --bind "$ns/run" /run
    exec "$@"' mgetty-ns "$ns" mgetty -x 9 -n 1 -s 38400 "$dev"
mgetty_pid=$SPAWNED_PID
E2E_EXTRA_LOGS+=("$mgetty_log")

# 1. Initialisation: "waiting..." is logged when mgetty is done and waits for a call.
mgetty_waiting() {
  pid_alive "$mgetty_pid" || fail "mgetty exited during initialisation"
  [ -f "$mgetty_log" ] && grep -q 'waiting\.\.\.' "$mgetty_log"
}
wait_for "mgetty to initialise the modem ($mgetty_log)" 15 mgetty_waiting
assert_grep "mgetty did not send its init string" "$mgetty_log" "send: .*ATQ0V1H0"
assert_grep "mgetty did not query the modem with ATI" "$mgetty_log" "mdm_send: 'ATI'"
assert_grep "mgetty did not try fax class 2" "$mgetty_log" "mdm_send: 'AT\+FCLASS=2'"
grep -A4 -F "mdm_send: 'AT+FCLASS=2'" "$mgetty_log" | grep -F "string 'ERROR' -> ERROR" >/dev/null ||
  fail "modemsim did not answer AT+FCLASS=2 with ERROR"
assert_grep "mgetty did not conclude that the modem is data-only" "$mgetty_log" \
  'no class 2/2.0 faxmodem'
assert_no_grep "mgetty found the modem unresponsive" "$mgetty_log" "doesn't react"
e2e_log "mgetty initialised the modem and waits for a call"

# 2 and 3. The call. chat splits an expect string at '-', so the tokens have none.
# NO CARRIER aborts the dialing part (exit 5); the last expect, after the login program
# ran, clears that abort and waits for the NO CARRIER of the far end's hang-up.
run_dialer dialer "${PORT[modem0]}" 30 -s -v -t 10 \
  ABORT BUSY ABORT 'NO CARRIER' \
  '' ATZ OK ATDT5551234 CONNECT '\c' \
  'E2EBANNER on' '\c' 'login:' e2euser \
  'E2ELOGINOK e2euser' '\c' \
  CLR_ABORT 'NO CARRIER' \
  'NO CARRIER' ''
dialer_log=$E2E_TMP/dialer.txt
case $EXIT_STATUS in
  0) ;;
  3) fail "chat timed out (exit 3) waiting for '$(grep '^expect (' "$dialer_log" | tail -n 1)'" ;;
  4) fail "the call was BUSY (chat exit 4)" ;;
  5) fail "the call was dropped: NO CARRIER before the login (chat exit 5)" ;;
  *) fail "chat exited with $EXIT_STATUS" ;;
esac

# Both sides of the call, in the order they must happen.
assert_grep "chat saw no CONNECT" "$dialer_log" '^CONNECT'
assert_grep "mgetty saw no RING" "$mgetty_log" 'CND: RING$'
assert_grep "mgetty sent no ATA" "$mgetty_log" 'send: ATA'
assert_grep "mgetty saw no CONNECT after ATA" "$mgetty_log" 'CONNECT \*\* found \*\*'
assert_grep "mgetty printed no banner" "$mgetty_log" 'print welcome banner'
assert_grep "chat did not receive mgetty's banner" "$dialer_log" '^E2EBANNER on'
assert_grep "chat did not receive the login prompt" "$dialer_log" '^[^ ]* ?login: *$'
assert_grep "mgetty did not get the login name chat typed" "$mgetty_log" "user='e2euser'"
assert_grep "chat did not receive the login program's output" "$dialer_log" \
  '^E2ELOGINOK e2euser'
assert_grep "chat got no NO CARRIER when the answering side hung up" "$dialer_log" \
  '^NO CARRIER$'
order=$(grep -oE 'CND: RING$|send: ATA|CONNECT \*\* found|print welcome banner' \
  "$mgetty_log" | sed -E 's/ \*\* found//' | uniq | paste -sd,)
[ "$order" = "CND: RING,send: ATA,CONNECT,print welcome banner" ] ||
  fail "mgetty's log has the answer steps in the wrong order: $order"

# 4. mgetty's process became the login program, which has ended; modemsim logs the call.
wait_exit "$mgetty_pid" 5
((EXIT_STATUS == 0)) || fail "mgetty/login program exited with $EXIT_STATUS, expected 0"
wait_for "modemsim to log the call from modem0 to 5551234" 5 \
  e2e_file_has "$E2E_TMP/modemsim.err" 'modem0.*5551234.*CONNECT'

modemsim_stop
