#!/usr/bin/env bash
# e2e: processes watched by name (--watch-name): restarts, a name never seen, a name two
# processes have. The watched daemon is a small Python script run by its path, so its
# /proc/PID/comm is the script's name, unique to this test (wd<pid>).
#   1. A daemon that is killed and started again mid-run: exit 9, the exit line names it
#      and both pids; the summary lists the restart and both lives; the JSON report has
#      the restart, the latest life under the name with the earlier one kept, and a check
#      per life, each with its own baseline; the JUnit file fails a "restarts" case;
#      `dialsoak report DIR` rebuilds the same from the journal and exits 9 too.
#   2. The same with --allow-restarts: exit 0, the restart still listed.
#   3. The issue's case: a daemon that leaks, crashes and is restarted. Exit 5 (the leak
#      comes first), the first life's handles a leak, the second life's baseline its own
#      (not the first one's), the restart listed.
#   4. A name no process has (a script's name passed to an interpreter, which is not its
#      process name): exit 9, "no process named ... was seen", not "too few samples".
#   5. A name two processes have: refused before the run (exit 2), both pids listed.
# Usage: dialsoak_watch_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd python3 xmllint

R=$E2E_TMP
name=wd$$
daemon=$R/$name
# The daemon: idle, or opening a descriptor every 10 ms with "leak".
cat >"$daemon" <<'PY'
#!/usr/bin/python3
import os, sys, time
leak = sys.argv[1:] == ["leak"]
kept = []
while True:
    if leak:
        kept.append(os.open("/dev/null", os.O_RDONLY))
    time.sleep(0.01)
PY
chmod +x "$daemon"
common=(run --lines 1 --cycles unlimited --duration 4s --answer-delay fixed:2ms --sample-interval 50ms
        --watch-name "$name" --quiet --charts none)

# start_daemon [leak]: the daemon in the background, its pid in DAEMON_PID once its comm
# reads as the name (the exec of the script is done).
start_daemon() {
  spawn "$name" /dev/null "$R/daemon.out" "$R/daemon.err" "$daemon" "$@"
  DAEMON_PID=$SPAWNED_PID
  wait_for "the daemon's comm to be $name" 5 \
    bash -c "[ \"\$(cat /proc/$DAEMON_PID/comm 2>/dev/null)\" = '$name' ]"
}

# restart_mid_run RUN [leak]: start the daemon, run dialsoak RUN with ARGS from RUN_ARGS,
# kill the daemon 1.5 s in and start it again; OLD_PID and NEW_PID are the two.
restart_mid_run() {
  local run=$1
  shift
  start_daemon "$@"
  OLD_PID=$DAEMON_PID
  dialsoak_start "$run" "${common[@]}" "${RUN_ARGS[@]}"
  local dialsoak_pid=$SPAWNED_PID
  sleep 1.5
  stop_pid "$OLD_PID"
  start_daemon "$@"
  NEW_PID=$DAEMON_PID
  wait_exit "$dialsoak_pid" 20
  local status=$EXIT_STATUS
  e2e_log "$run exited with $status (daemon pid $OLD_PID -> $NEW_PID)"
  stop_pid "$NEW_PID"
  EXIT_STATUS=$status
}

# 1. A restart fails the run.
RUN_ARGS=(--out "$R/restart.dir" --report "$R/restart.json" --junit "$R/restart.xml")
restart_mid_run restart
assert_exit restart 9 "a watched daemon that restarted"
assert_grep "restart: the exit line names the daemon and both pids" "$R/restart.out" \
  "^exit code 9: $name restarted: pid $OLD_PID -> $NEW_PID at cycle [0-9]+, not allowed without --allow-restarts$"
assert_grep "restart: the summary lists the restart" "$R/restart.out" \
  "^restart: $name pid $OLD_PID -> $NEW_PID at [0-9.]+ s \(cycle [0-9]+\), gone for at most [0-9.]+ s$"
assert_grep "restart: the first life's row says restarted" "$R/restart.out" "^$name +$OLD_PID .* restarted"
assert_grep "restart: the second life has a row" "$R/restart.out" "^$name +$NEW_PID .* alive"
assert_jq "restart: the JSON lists it" "$R/restart.json" \
  ".restarts | length == 1 and .[0].old_pid == $OLD_PID and .[0].new_pid == $NEW_PID and .[0].process == \"$name\""
assert_jq "restart: the latest life under the name, the earlier one kept" "$R/restart.json" \
  ".processes[\"$name\"] | .pid == $NEW_PID and .incarnation == 1 and (.earlier_lives | length == 1 and .[0].pid == $OLD_PID)"
assert_jq "restart: a handles check per life" "$R/restart.json" \
  "[.leaks[] | select(.process == \"$name\" and .resource == \"handles\") | [.pid, .incarnation]] == [[$OLD_PID, 0], [$NEW_PID, 1]]"
xmllint --noout "$R/restart.xml" || fail "restart: the JUnit file is not well-formed"
[ "$(xmllint --xpath "string(//testcase[@name='restarts']/failure/@type)" "$R/restart.xml")" = restarted ] ||
  fail "restart: no failed 'restarts' case in the JUnit file"
dialsoak_run restart_report 20 report "$R/restart.dir"
assert_exit restart_report 9 "dialsoak report exits as the run did"
assert_grep "restart_report: the rebuilt summary lists the restart" "$R/restart_report.out" \
  "^restart: $name pid $OLD_PID -> $NEW_PID "

# 2. Allowed.
RUN_ARGS=(--allow-restarts --out "$R/allowed.dir" --report "$R/allowed.json")
restart_mid_run allowed
assert_exit allowed 0 "--allow-restarts: reported, not failed"
assert_jq "allowed: the restart still listed" "$R/allowed.json" '.restarts | length == 1'

# 3. A leaking daemon that crashes and is restarted: the leak is found in its first life.
RUN_ARGS=(--report "$R/leaky.json")
restart_mid_run leaky leak
assert_exit leaky 5 "the first life leaked"
assert_jq "leaky: the first life's handles a leak" "$R/leaky.json" \
  "[.leaks[] | select(.process == \"$name\" and .resource == \"handles\" and .pid == $OLD_PID)][0].verdict == \"leak\""
assert_jq "leaky: the second life's baseline its own, below the first life's end" "$R/leaky.json" \
  "[.leaks[] | select(.process == \"$name\" and .resource == \"handles\")] as \$c |
   \$c[1].pid == $NEW_PID and \$c[1].baseline < \$c[0].end"
assert_jq "leaky: the restart listed" "$R/leaky.json" '.restarts | length == 1'

# 4. A name that matches nothing: the script passed to its interpreter is "python3".
python3 "$daemon" &
interpreted=$!
E2E_PIDS+=("$interpreted")
dialsoak_run unseen 20 run --lines 1 --cycles 200 --answer-delay fixed:1ms --sample-interval 50ms \
  --watch-name "$name" --quiet --charts none --report "$R/unseen.json"
assert_exit unseen 9 "a watched name never seen"
assert_grep "unseen: the exit line says so" "$R/unseen.out" \
  "^exit code 9: no process named $name was seen in [0-9]+ samples$"
assert_grep "unseen: the summary says what a name matches" "$R/unseen.out" "/proc/PID/comm"
assert_no_grep "unseen: not a shortage of samples" "$R/unseen.out" "run longer"
assert_jq "unseen: the checks say not_seen" "$R/unseen.json" \
  "[.leaks[] | select(.process == \"$name\") | .verdict] == [\"not_seen\", \"not_seen\", \"not_seen\"]"

stop_pid "$interpreted"

# 5. Two processes of that name: refused, both listed.
start_daemon
first=$DAEMON_PID
start_daemon
second=$DAEMON_PID
dialsoak_run twice 20 "${common[@]}"
assert_exit twice 2 "an ambiguous --watch-name"
assert_grep "twice: the first candidate listed" "$R/twice.err" "pid $first: /usr/bin/python3 $daemon"
assert_grep "twice: the second candidate listed" "$R/twice.err" "pid $second: "
assert_grep "twice: what to do instead" "$R/twice.err" "--watch-pid"
stop_pid "$first"
stop_pid "$second"
