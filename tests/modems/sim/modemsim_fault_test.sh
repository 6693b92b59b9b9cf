#!/usr/bin/env bash
# modemsim --fault: bad values exit 2 naming the flag; --help documents it; and a real
# dialer (ppp's chat) sees what was injected: noise before CONNECT still connects, a
# truncated CONNECT times chat out (exit 3); modemsim logs each call's faults and counts
# them at exit (0 on SIGTERM).
# Usage: modemsim_fault_test.sh <path to modemsim>
set -euo pipefail

MODEMSIM=$1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dialsoak-modemsim-fault.XXXXXX")
SIM_PID=
cleanup() {
  if [ -n "$SIM_PID" ] && kill -0 "$SIM_PID" 2>/dev/null; then kill -KILL "$SIM_PID" || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in "$TMP"/*.err "$TMP"/*.out; do [ -f "$f" ] && { echo "--- $f" >&2; cat -v "$f" >&2; }; done
  exit 1
}
command -v chat >/dev/null || fail "chat (ppp) is not installed: scripts/bootstrap installs it"

# 1. Bad values: exit 2, the message names --fault and says what is allowed.
bad() {
  local want=$1
  shift
  local status=0
  "$MODEMSIM" "$@" >"$TMP/bad.out" 2>"$TMP/bad.err" || status=$?
  ((status == 2)) || fail "modemsim $* exited $status, expected 2"
  grep -q -- "--fault: .*$want" "$TMP/bad.err" || fail "modemsim $*: no '--fault: ...$want' in: $(cat "$TMP/bad.err")"
}
bad "KIND one of noise, truncate, silent, dribble" --fault bogus
bad "PROBABILITY must be a number within 0..1, got '1.5'" --fault noise:1.5
bad "port 1 is not a dialing port" --fault silent@1
bad "needs link_dir" --fault vanish
bad "dribble takes gap=DUR" --fault noise --fault dribble/gap=0

# 2. --help documents the flag and every kind.
"$MODEMSIM" --help >"$TMP/help.out"
for word in --fault noise truncate silent dribble carrier_loss vanish ring_flood reset; do
  grep -q -- "$word" "$TMP/help.out" || fail "--help does not mention $word"
done

# 3. chat against injected faults. Port 0 gets noise before each result, port 1 a CONNECT
#    cut short.
start_sim() {
  "$MODEMSIM" --ports 2 --link-dir "$TMP/links" "$@" >"$TMP/sim.out" 2>"$TMP/sim.err" &
  SIM_PID=$!
  for _ in $(seq 1 100); do
    grep -q '^ready$' "$TMP/sim.out" && return 0
    sleep 0.1
  done
  fail "modemsim did not print ready within 10 s"
}
dial() {  # dial TTY TIMEOUT: chat's exit status
  local status=0
  timeout 20 bash -c 'stty raw -echo && exec chat -s -v -t "$1" ABORT BUSY ABORT "NO CARRIER" \
    "" ATZ OK ATDT5551234 CONNECT ""' dial "$2" <"$1" >"$1" 2>>"$TMP/chat.err" || status=$?
  echo "$status"
}

start_sim --fault noise@0/bytes=16 --fault truncate@1
status=$(dial "$TMP/links/modem0" 5)
((status == 0)) || fail "chat on the noisy port exited $status, expected 0 (CONNECT after the noise)"
status=$(dial "$TMP/links/modem1" 2)
((status == 3)) || fail "chat on the truncating port exited $status, expected 3 (timeout)"
for _ in $(seq 1 50); do
  [ "$(grep -c 'call modem' "$TMP/sim.err")" -ge 2 ] && break
  sleep 0.1
done
grep -q 'call modem0 .*result="CONNECT.* faults=noise$' "$TMP/sim.err" || fail "no noisy call logged"
grep -q 'call modem1 .*result="CONNECT.* faults=truncate$' "$TMP/sim.err" || fail "no truncated call logged"
kill -TERM "$SIM_PID"
status=0
wait "$SIM_PID" || status=$?
SIM_PID=
((status == 0)) || fail "modemsim exited $status on SIGTERM, expected 0"
grep -q 'faults injected: noise 1, truncate 1, silent 0' "$TMP/sim.err" || fail "no fault counts at exit"
echo "modemsim --fault: ok"
