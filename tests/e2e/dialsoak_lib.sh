# shellcheck shell=bash
# tests/e2e/dialsoak_lib.sh: helpers for the end-to-end tests of `dialsoak run` on its
# embedded simulator. Sourced (not run) by tests/e2e/dialsoak_*_test.sh, which get the
# dialsoak binary as $1. Builds on lib.sh (deadlines, spawn, cleanup, fail).
#
# What it adds:
#   DIALSOAK                                  the dialsoak binary (from $1)
#   dialsoak_start NAME ARGS...               start `dialsoak ARGS...` in the background:
#                                             stdout NAME.out, stderr NAME.err in the temp
#                                             dir; its pid in SPAWNED_PID
#   dialsoak_run NAME SECONDS ARGS...         the same, and wait up to SECONDS for it to
#                                             exit; its exit code in EXIT_STATUS
#   assert_exit NAME WANT [WHY]               fail unless EXIT_STATUS is WANT
#   wait_lines_open PID N                     wait until PID has its N lines (ptys) open
#   keep_running PID SECONDS                  let PID run SECONDS; fail if it exits before
#   assert_jq DESC FILE EXPR                  fail with DESC unless jq EXPR is true on FILE
#   jq_get FILE FILTER                        print jq -r FILTER of FILE (fail if unreadable)
if [ -z "${1:-}" ]; then
  echo "usage: $0 <path to dialsoak>" >&2
  exit 1
fi
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

DIALSOAK=$MODEMSIM  # lib.sh checked that $1 is an executable; here it is dialsoak
require_cmd jq

dialsoak_start() {
  local name=$1
  shift
  spawn "$name" /dev/null "$E2E_TMP/$name.out" "$E2E_TMP/$name.err" "$DIALSOAK" "$@"
}

dialsoak_run() {
  local name=$1 secs=$2
  shift 2
  dialsoak_start "$name" "$@"
  wait_exit "$SPAWNED_PID" "$secs"
  e2e_log "$name exited with $EXIT_STATUS"
}

assert_exit() {
  local name=$1 want=$2 why=${3:-}
  ((EXIT_STATUS == want)) ||
    fail "$name: dialsoak exited with $EXIT_STATUS, expected $want${why:+ ($why)}"
}

# keep_running PID SECONDS: the soak is meant to run a while here (a deadline of its own,
# not a wait for something); it must not end by itself meanwhile.
keep_running() {
  local pid=$1 secs=$2
  local until=$((${EPOCHREALTIME/[.,]/} + secs * 1000000))
  while ((${EPOCHREALTIME/[.,]/} < until)); do
    pid_alive "$pid" || {
      e2e_reap "$pid"
      fail "${E2E_PID_NAME[$pid]:-pid $pid} exited with $EXIT_STATUS after less than ${secs}s," \
        "expected it to keep running"
    }
    sleep 0.02
  done
}

# wait_lines_open PID N: waits (10 s) until dialsoak PID holds N ttys of /dev/pts open, i.e.
# its lines are open and the run is under way (its signal handling is set up before).
# A signal sent earlier, while the program is still loading, could be lost: a background
# job of a script starts with SIGINT ignored.
wait_lines_open() {
  local pid=$1 n=$2
  wait_for "${E2E_PID_NAME[$pid]:-pid $pid} to open its $n lines (ttys in /dev/pts)" 10 \
    e2e_pts_open "$pid" "$n"
}
e2e_pts_open() {
  local pid=$1 n=$2 fd count=0 target
  pid_alive "$pid" || {
    e2e_reap "$pid"
    fail "${E2E_PID_NAME[$pid]:-pid $pid} exited with $EXIT_STATUS before its lines were open"
  }
  for fd in "/proc/$pid/fd/"*; do
    target=$(readlink "$fd" 2>/dev/null) || continue
    [[ $target != /dev/pts/* ]] || count=$((count + 1))
  done
  ((count >= n))
}

# The parts of a report that explain most failures, on one line.
e2e_report_gist() {
  jq -c '{cycles, exit_code, stop, outcomes, hangups: .hangups | {attempted, failed},
          simulator, self_handles: .processes.self.handles}' "$1" 2>&1 || true
}

jq_get() {
  local file=$1 filter=$2 value
  [ -s "$file" ] || fail "report ${file#"$E2E_TMP"/} is missing or empty"
  value=$(jq -r "$filter" "$file" 2>&1) || fail "jq '$filter' failed on ${file#"$E2E_TMP"/}: $value"
  printf '%s\n' "$value"
}

assert_jq() {
  local desc=$1 file=$2 expr=$3 out
  [ -s "$file" ] || fail "$desc: report ${file#"$E2E_TMP"/} is missing or empty"
  out=$(jq -e "$expr" "$file" 2>&1) ||
    fail "$desc: jq '$expr' gave '$out' on ${file#"$E2E_TMP"/}: $(e2e_report_gist "$file")"
}
