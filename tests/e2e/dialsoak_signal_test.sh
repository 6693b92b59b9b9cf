#!/usr/bin/env bash
# e2e: a clean `dialsoak run` stopped by a signal ends with the documented exit code, 130
# for SIGINT and 143 for SIGTERM, still prints its summary and writes its report, and
# leaves no line connected. (A stopped run that found something wrong keeps its verdict's
# code: dialsoak_exit_codes_test.sh.)
#   1. run --lines 4 --cycles unlimited --hold 200ms --report R.json, SIGINT once its lines
#      are open and it has run 1 s:
#      exits 130 within 5 s; stdout has the summary ("stopped: interrupted by SIGINT",
#      "exit code 130: stopped by SIGINT, no check failed"); the report says exit_code
#      130, stop reason "interrupted" by signal SIGINT, cycles > 0, and every connect was
#      hung up (dialsoak's and the simulator's hang-up counts equal the connects).
#   2. the same with --hold 1h and SIGTERM: the stop cuts the holds, so it exits 143
#      within 5 s, each of the 4 lines having made exactly its one (cut) call, hung up.
#      The same with --think 1h and SIGINT: the think times are cut as well.
#   3. a second SIGINT while the first one's stop is still going on (dials that the
#      simulator answers only after 30 s are being waited for) ends it at once with 130.
#   4. two SIGINTs in quick succession during --hold 1h end it with 130 within 5 s.
# Usage: dialsoak_signal_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP

# stop_with SIGNAL PID SECONDS: sends SIGNAL to PID (by pid) and waits up to SECONDS for it
# to exit; its exit code in EXIT_STATUS, the time it took in STOP_MS.
stop_with() {
  local sig=$1 pid=$2 secs=$3 start=${EPOCHREALTIME/[.,]/}
  kill "-$sig" "$pid" || fail "kill -$sig $pid failed: dialsoak gone before the signal?"
  wait_exit "$pid" "$secs"
  STOP_MS=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
  e2e_log "${E2E_PID_NAME[$pid]} exited with $EXIT_STATUS ${STOP_MS} ms after SIG$sig"
}

# check_interrupted NAME [SIGNAL CODE]: the summary on stdout and the report NAME.json of a
# clean run stopped by its first signal (SIGINT, 130 by default).
check_interrupted() {
  local name=$1 f=$R/$1.json sig=${2:-SIGINT} code=${3:-130}
  assert_grep "$name: no summary on stdout after the signal" "$R/$name.out" '^CONNECT +[0-9]+'
  assert_grep "$name: the summary does not say it was interrupted, and by which signal" \
    "$R/$name.out" "^stopped: interrupted by $sig"
  assert_grep "$name: the summary has no exit code line naming the signal" "$R/$name.out" \
    "^exit code $code: stopped by $sig, no check failed\$"
  assert_jq "$name: the report must say exit code $code" "$f" ".exit_code == $code"
  assert_jq "$name: the report's stop reason must be interrupted by $sig" "$f" \
    ".stop.reason == \"interrupted\" and .stop.signal == \"$sig\""
  assert_jq "$name: cycles must have run before the signal" "$f" '.cycles > 0'
  assert_jq "$name: the outcomes must add up to the cycles" "$f" '([.outcomes[]] | add) == .cycles'
  assert_jq "$name: every call must have connected (no failure was injected)" "$f" \
    '.outcomes.connect == .cycles and .simulator.connects == .cycles'
  assert_jq "$name: a connect was not hung up, or a hang-up failed" "$f" \
    '.hangups.attempted == .outcomes.connect and .hangups.failed == 0'
  assert_jq "$name: the simulator saw fewer hang-ups than connects: a line was left connected" \
    "$f" '.simulator | .hangups_dtr + .hangups_ath + .hangups_close == .connects'
  assert_jq "$name: the simulator saw another number of calls than cycles" "$f" \
    '.simulator.calls == .cycles'
  e2e_log "$name report: $(e2e_report_gist "$f")"
}

# 1. SIGINT during short holds.
dialsoak_start sigint run --lines 4 --cycles unlimited --hold 200ms --report "$R/sigint.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 4
keep_running "$pid" 1
stop_with INT "$pid" 5
assert_exit sigint 130 "interrupted by SIGINT"
assert_grep "sigint: no warning about the SIGINT on stderr" "$R/sigint.err" 'SIGINT'
check_interrupted sigint

# 2. SIGTERM during a 1 h hold: the holds are cut.
dialsoak_start sigterm run --lines 4 --cycles unlimited --hold 1h --report "$R/sigterm.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 4
keep_running "$pid" 1
stop_with TERM "$pid" 5
assert_exit sigterm 143 "a clean run stopped by SIGTERM"
assert_grep "sigterm: no warning about the SIGTERM on stderr" "$R/sigterm.err" 'SIGTERM'
check_interrupted sigterm SIGTERM 143
assert_jq "sigterm: each of the 4 lines must have made exactly one call in its 1 h hold" \
  "$R/sigterm.json" '.cycles == 4'

# 2b. SIGINT during a 1 h think time: the think times are cut too.
dialsoak_start think run --lines 4 --cycles unlimited --think 1h --report "$R/think.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 4
keep_running "$pid" 1
stop_with INT "$pid" 5
assert_exit think 130 "interrupted by SIGINT while thinking"
check_interrupted think
assert_jq "think: each of the 4 lines must have made exactly one call before its 1 h think" \
  "$R/think.json" '.cycles == 4'

# 3. A second SIGINT while the first one's stop waits for dials still in progress.
dialsoak_start twice run --lines 2 --cycles unlimited --answer-delay fixed:30s \
  --dial-timeout 60s --report "$R/twice.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 2
keep_running "$pid" 1
kill -INT "$pid" || fail "kill -INT $pid failed: dialsoak gone before the first signal?"
# The watcher must have taken the first signal before the second is sent (two pending
# SIGINTs would be one).
wait_for "dialsoak to say it is stopping after the first SIGINT" 5 \
  e2e_file_has "$R/twice.err" 'SIGINT'
pid_alive "$pid" || { e2e_reap "$pid"; fail "twice: dialsoak exited ($EXIT_STATUS) on the" \
  "first SIGINT although its dials are answered only after 30 s: nothing left to test" \
  "for the second signal"; }
stop_with INT "$pid" 3
assert_exit twice 130 "a second SIGINT stops at once"
assert_grep "twice: no word of the second signal on stderr" "$R/twice.err" 'second signal'

# 4. Two SIGINTs in quick succession.
dialsoak_start burst run --lines 4 --cycles unlimited --hold 1h --report "$R/burst.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 4
keep_running "$pid" 1
kill -INT "$pid" || fail "kill -INT $pid failed: dialsoak gone before the first signal?"
stop_with INT "$pid" 5
assert_exit burst 130 "two SIGINTs"
