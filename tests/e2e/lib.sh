# shellcheck shell=bash
# tests/e2e/lib.sh: shared helpers for the end-to-end tests with real peers.
# Sourced (not run) by each tests/e2e/*_test.sh, which gets the modemsim binary as $1.
#
# What it gives a test:
#   e2e_log MSG / fail MSG / skip MSG      progress on stderr; exit 1 / exit 77 (ctest skip)
#   spawn NAME IN OUT ERR CMD...           start CMD in the background with those redirections;
#                                          its pid is recorded (cleanup stops it) and put in
#                                          SPAWNED_PID
#   wait_for DESC SECONDS CMD...           poll CMD until it succeeds; fail with DESC at deadline
#   wait_exit PID SECONDS                  wait for PID to exit; its status in EXIT_STATUS
#   stop_pid PID [GRACE]                   SIGTERM, SIGKILL after GRACE s; status in EXIT_STATUS
#   modemsim_start ARGS...                 start modemsim, wait for "ready", fill PORT[name]
#                                          (tty path) and PORT_NUMBER[answerN]
#   modemsim_stop                          stop it; assert it exits 0 and removes its links
#   assert_grep DESC FILE ERE              fail with DESC (and FILE shown) unless ERE is in FILE
# Every wait has a deadline; nothing sleeps a fixed time. On exit (any exit, also on
# SIGINT/SIGTERM) every spawned process is stopped by pid and the temp dir is removed.
# A failing test shows the logs of its peers; E2E_VERBOSE=1 shows them on success too.

set -euo pipefail
shopt -s inherit_errexit

E2E_NAME=$(basename "$0" .sh)
E2E_START=${EPOCHREALTIME/[.,]/}
# Every wait also ends at the test's budget, so a test fails by itself (and cleans up)
# before ctest's TIMEOUT (60 s) would kill it.
E2E_BUDGET=${E2E_BUDGET:-45}
E2E_BUDGET_END=$((E2E_START + E2E_BUDGET * 1000000))
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dialsoak-e2e-${E2E_NAME}.XXXXXX")
# dialsoak run's default run directories go into the test's temp dir, not the build tree.
export DIALSOAK_RUNS_DIR=$E2E_TMP/runs
E2E_PIDS=()
E2E_EXTRA_LOGS=()  # more files to show when the test fails
declare -A E2E_PID_NAME=()
declare -A PORT=()          # modem0 -> /dev/pts/N, answer0 -> /dev/pts/M
declare -A PORT_NUMBER=()   # answer0 -> its pool's number
MODEMSIM_PID=
SPAWNED_PID=
EXIT_STATUS=

# e2e_log MSG: MSG on stderr with the test's name and the time since it started.
e2e_log() {
  local now=${EPOCHREALTIME/[.,]/}
  printf '[%s +%d.%03ds] %s\n' "$E2E_NAME" $(((now - E2E_START) / 1000000)) \
    $(((now - E2E_START) / 1000 % 1000)) "$*" >&2
}

# Shows the files a test produced, so a failure explains itself in ctest's output.
e2e_dump_logs() {
  local f
  for f in "$E2E_TMP"/*.out "$E2E_TMP"/*.err "${E2E_EXTRA_LOGS[@]}"; do
    [ -s "$f" ] || continue
    printf -- '----- %s -----\n' "${f#"$E2E_TMP"/}" >&2
    tail -n 80 "$f" | cat -v >&2
  done
}

fail() {
  e2e_log "FAIL: $*"
  e2e_dump_logs
  exit 1
}

skip() {
  e2e_log "SKIP: $*"
  exit 77
}

# True while PID exists and is not a zombie (an unreaped child still answers kill -0).
pid_alive() {
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
  stat=${stat##*) }
  [ "${stat%% *}" != Z ]
}

# Reaps PID (our child) and puts its exit status in EXIT_STATUS.
e2e_reap() {
  EXIT_STATUS=0
  wait "$1" 2>/dev/null || EXIT_STATUS=$?
}

# wait_for DESC SECONDS CMD...: polls CMD every 20 ms until it succeeds; fails the test
# after SECONDS, or earlier when the test's budget is spent.
wait_for() {
  local desc=$1 secs=$2
  shift 2
  local deadline=$((${EPOCHREALTIME/[.,]/} + secs * 1000000)) why="after ${secs}s"
  if ((deadline > E2E_BUDGET_END)); then
    deadline=$E2E_BUDGET_END
    why="at the end of the test's ${E2E_BUDGET}s budget"
  fi
  until "$@"; do
    if ((${EPOCHREALTIME/[.,]/} >= deadline)); then
      fail "timed out $why waiting for: $desc"
    fi
    sleep 0.02
  done
}

# wait_exit PID SECONDS: waits for PID to exit and reaps it (status in EXIT_STATUS);
# fails the test when it is still running at the deadline.
wait_exit() {
  local pid=$1 secs=$2
  wait_for "${E2E_PID_NAME[$pid]:-pid $pid} (pid $pid) to exit" "$secs" e2e_not_alive "$pid"
  e2e_reap "$pid"
}
e2e_not_alive() { ! pid_alive "$1"; }

# stop_pid PID [GRACE]: SIGTERM, then SIGKILL when it is still alive after GRACE seconds
# (default 5: mgetty needs 2-3 s). Reaps it; its exit status in EXIT_STATUS.
stop_pid() {
  local pid=$1 grace=${2:-5} name=${E2E_PID_NAME[$1]:-process}
  EXIT_STATUS=
  if pid_alive "$pid"; then
    local start=${EPOCHREALTIME/[.,]/}
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((start + grace * 1000000))
    while pid_alive "$pid" && ((${EPOCHREALTIME/[.,]/} < deadline)); do sleep 0.02; done
    if pid_alive "$pid"; then
      e2e_log "$name (pid $pid) ignored SIGTERM for ${grace}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      deadline=$((${EPOCHREALTIME/[.,]/} + 2000000))
      while pid_alive "$pid" && ((${EPOCHREALTIME/[.,]/} < deadline)); do sleep 0.02; done
      pid_alive "$pid" && { e2e_log "$name (pid $pid) survived SIGKILL"; return 0; }
    else
      e2e_log "$name (pid $pid) exited $(((${EPOCHREALTIME/[.,]/} - start) / 1000)) ms after SIGTERM"
    fi
  fi
  e2e_reap "$pid"
}

# spawn NAME IN OUT ERR CMD...: starts CMD in the background; stdin from IN, stdout to OUT,
# stderr to ERR (paths). The pid is remembered for cleanup and left in SPAWNED_PID.
spawn() {
  local name=$1 in=$2 out=$3 err=$4
  shift 4
  "$@" <"$in" >"$out" 2>"$err" &
  SPAWNED_PID=$!
  E2E_PIDS+=("$SPAWNED_PID")
  E2E_PID_NAME[$SPAWNED_PID]=$name
  e2e_log "started $name (pid $SPAWNED_PID): $*"
}

# On every exit: stops what is still running, newest first (the peers before modemsim),
# checks that nothing is left (neither a started pid nor a process naming the temp dir),
# removes the temp dir, and keeps the test's exit code unless something leaked.
e2e_cleanup() {
  local rc=$? i pid left=()
  trap - EXIT INT TERM
  for ((i = ${#E2E_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${E2E_PIDS[i]}
    if pid_alive "$pid"; then stop_pid "$pid" 5; fi
    wait "$pid" 2>/dev/null || true
  done
  for pid in "${E2E_PIDS[@]}"; do
    if [ -e "/proc/$pid" ]; then left+=("$pid"); fi
  done
  while read -r pid; do
    [ -z "$pid" ] || left+=("$pid")
  done < <(pgrep -f -- "$E2E_TMP" || true)
  if ((${#left[@]})); then
    e2e_log "LEAK: processes still present after cleanup:"
    ps -o pid,ppid,stat,args -p "${left[*]}" >&2 || true
    ((rc != 0)) || rc=1
  fi
  if ((rc == 0)) && [ -n "${E2E_VERBOSE:-}" ]; then e2e_dump_logs; fi
  rm -rf -- "$E2E_TMP"
  if ((rc == 0)); then e2e_log "PASS"; fi
  exit "$rc"
}
trap e2e_cleanup EXIT
trap 'e2e_log "interrupted"; exit 130' INT
trap 'e2e_log "terminated"; exit 143' TERM

# assert_grep DESC FILE ERE
assert_grep() {
  grep -Eq -- "$3" "$2" || fail "$1 (no /$3/ in ${2#"$E2E_TMP"/})"
}
# assert_no_grep DESC FILE ERE
assert_no_grep() {
  ! grep -Eq -- "$3" "$2" || fail "$1 (found /$3/ in ${2#"$E2E_TMP"/})"
}
e2e_file_has() { grep -Eq -- "$2" "$1"; }
# e2e_count_at_least N FILE ERE: true when at least N lines of FILE match ERE.
e2e_count_at_least() { (($(grep -Ec -- "$3" "$2") >= $1)); }
e2e_ready() {
  grep -qx ready "$E2E_TMP/modemsim.out" && return 0
  pid_alive "$MODEMSIM_PID" && return 1
  e2e_reap "$MODEMSIM_PID"
  fail "modemsim exited with status $EXIT_STATUS before printing ready"
}

# require_cmd CMD...: fails (not skips) when a peer is missing: scripts/bootstrap installs them.
require_cmd() {
  local c
  for c in "$@"; do
    command -v "$c" >/dev/null ||
      fail "'$c' not found on PATH=$PATH (run scripts/bootstrap to install the test peers)"
  done
}

# The modemsim binary, from the test's first argument.
MODEMSIM=${1:-}
[ -n "$MODEMSIM" ] || fail "usage: $0 <path to modemsim>"
[ -x "$MODEMSIM" ] || fail "modemsim '$MODEMSIM' is not an executable file"
export PATH="$PATH:/usr/sbin:/sbin"

# modemsim_start ARGS...: starts modemsim with a link dir in the temp dir, waits (10 s) for
# "ready", and reads "modemN /dev/pts/X" and "answerN /dev/pts/Y NUMBER" lines into PORT
# and PORT_NUMBER. The symlinks in the link dir must point at the printed ttys.
# MODEMSIM_NAME=NAME (at most 15 bytes) runs it under a name of its own, through a symlink,
# so that `dialsoak --watch-name NAME` finds this test's modemsim and no other test's.
modemsim_start() {
  mkdir -p "$E2E_TMP/links"
  # A second modemsim of the test: the first one's "ready" must not be read as its own.
  rm -f "$E2E_TMP/modemsim.out"
  PORT=()
  local program=$MODEMSIM
  if [ -n "${MODEMSIM_NAME:-}" ]; then
    mkdir -p "$E2E_TMP/bin"
    ln -sf "$(readlink -f "$MODEMSIM")" "$E2E_TMP/bin/$MODEMSIM_NAME"
    program=$E2E_TMP/bin/$MODEMSIM_NAME
  fi
  spawn modemsim /dev/null "$E2E_TMP/modemsim.out" "$E2E_TMP/modemsim.err" \
    "$program" --link-dir "$E2E_TMP/links" "$@"
  MODEMSIM_PID=$SPAWNED_PID
  wait_for "modemsim to print ready" 10 e2e_ready
  local name path number rest
  while read -r name path number rest; do
    case $name in
      ready) break ;;
      modem[0-9]* | answer[0-9]*)
        [ -c "$path" ] || fail "modemsim printed '$name $path', but $path is not a tty"
        [ "$(readlink -f "$E2E_TMP/links/$name")" = "$(readlink -f "$path")" ] ||
          fail "link $E2E_TMP/links/$name does not point at $path"
        PORT[$name]=$path
        # shellcheck disable=SC2034  # PORT_NUMBER is for the tests that source this file
        [[ $name != answer* ]] || PORT_NUMBER[$name]=$number
        ;;
      *) fail "modemsim printed an unexpected line before ready: '$name $path $number $rest'" ;;
    esac
  done <"$E2E_TMP/modemsim.out"
  local ports=""
  for name in "${!PORT[@]}"; do ports+=" $name=${PORT[$name]}"; done
  e2e_log "modemsim ready:$ports"
}

# modemsim_stop: SIGTERM; modemsim must exit 0 within 5 s and remove its --link-dir links.
modemsim_stop() {
  [ -n "$MODEMSIM_PID" ] || return 0
  pid_alive "$MODEMSIM_PID" || { e2e_reap "$MODEMSIM_PID"; fail \
    "modemsim died during the test (exit status $EXIT_STATUS)"; }
  stop_pid "$MODEMSIM_PID" 5
  ((EXIT_STATUS == 0)) || fail "modemsim exited with status $EXIT_STATUS on SIGTERM, expected 0"
  local links
  links=$(find "$E2E_TMP/links" -mindepth 1 -printf '%f ')
  [ -z "$links" ] || fail "modemsim left links in its --link-dir after it exited: $links"
  e2e_log "modemsim stopped (exit 0) and removed its links"
}

# run_dialer NAME TTY SECONDS CHAT-ARGS...: runs chat with the tty as its stdin and stdout,
# in raw mode without echo as pppd would set it, and with the bytes a previous session
# left unread flushed (perl is Essential in Debian; bash cannot tcflush). chat's -v log is in NAME.err, and in
# NAME.txt without the "^M" that chat writes for a carriage return (for assertions).
# Waits up to SECONDS (chat's own -t timeouts fire first); chat's exit code in EXIT_STATUS.
run_dialer() {
  local name=$1 tty=$2 secs=$3
  shift 3
  spawn "$name" "$tty" "$tty" "$E2E_TMP/$name.err" \
    bash -c 'stty raw -echo && perl -MPOSIX -e "tcflush(0, TCIFLUSH) or die qq(tcflush: \$!)" &&
      exec "$@"' "$name" chat "$@"
  wait_exit "$SPAWNED_PID" "$secs"
  sed 's/\^M//g' <"$E2E_TMP/$name.err" >"$E2E_TMP/$name.txt"
  e2e_log "$name exited with $EXIT_STATUS"
}
