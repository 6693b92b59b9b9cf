#!/usr/bin/env bash
# Smoke test of bench/leak_detector.sh and its helper bench/tools fdburst, so neither rots:
#   1. fdburst: bad flags exit 2 naming the flag; "ready <its pid>"; its pool stays open
#      while bursts open and close above it; a delayed pool (--pool-delay) opens after
#      "ready"; EMFILE exits 1 naming the call; SIGTERM exits 0 with the count of bursts.
#   2. bench/leak_detector.sh --quick (2 clean runs, 1 clean 4-line run, 2 runs leaking
#      1 per 100 cycles, one full-speed run of 4 x 500 and of 64 x 100 cycles each clean
#      and leaking 1 per 100, 1 seed of the 1/1000 ladder, 1 run watching fdburst) exits 0
#      and writes its Markdown table, every requirement row passed.
# Usage: leak_detector_smoke_test.sh <path to fdburst> <path to dialsoak>
# shellcheck source-path=SCRIPTDIR source=../../e2e/lib.sh
source "$(dirname "$0")/../../e2e/lib.sh"  # checks that $1 is an executable
require_cmd jq timeout

FDBURST=$1
DIALSOAK=${2:?usage: $0 <fdburst> <dialsoak>}
[ -x "$DIALSOAK" ] || fail "dialsoak '$DIALSOAK' is not an executable file"
BENCH=$(cd "$(dirname "$0")/../../.." && pwd)/bench/leak_detector.sh
R=$E2E_TMP

fd_count() { find "/proc/$1/fd" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l; }
fd_count_is() { (($(fd_count "$1") == $2)); }
fd_count_above() { (($(fd_count "$1") > $2)); }
ready_line() { grep -qx "ready $1" "$R/$2.out"; }

# fdburst_start NAME ARGS...: starts fdburst and waits for "ready <pid>".
fdburst_start() {
  local name=$1
  shift
  spawn "$name" /dev/null "$R/$name.out" "$R/$name.err" "$FDBURST" "$@"
  wait_for "$name to print 'ready $SPAWNED_PID'" 10 ready_line "$SPAWNED_PID" "$name"
}

# 1. fdburst.
# bad_flags ERE ARGS...: fdburst ARGS must exit 2 with ERE in its error.
bad_flags() {
  local want=$1 rc=0
  shift
  "$FDBURST" "$@" >"$R/bad.out" 2>"$R/bad.err" || rc=$?
  ((rc == 2)) || fail "fdburst $*: exit $rc, expected 2"
  assert_grep "fdburst $*: the error must name what is wrong" "$R/bad.err" "$want"
}
bad_flags "--burst" --burst 0
bad_flags "--every: must be positive" --every 0
bad_flags "--hold: bad duration 'soon'" --hold soon
bad_flags "--pool" --pool -1
bad_flags "--frobnicate" --frobnicate

# What a process started like fdburst has open before it opens anything: stdin, stdout,
# stderr and whatever the test runner let it inherit.
spawn reference /dev/null "$R/reference.out" "$R/reference.err" sleep 60
base=$(fd_count "$SPAWNED_PID")
stop_pid "$SPAWNED_PID"
e2e_log "a process started here has $base descriptors open"

fdburst_start bursts --burst 8 --every 20ms --hold 10ms --pool 4 --seed 3
pid=$SPAWNED_PID
wait_for "a burst open above the pool (more than $base + 4 descriptors)" 10 \
  fd_count_above "$pid" $((base + 4))
wait_for "the bursts closed again, the pool of 4 kept ($base + 4 descriptors)" 10 \
  fd_count_is "$pid" $((base + 4))
stop_pid "$pid"
((EXIT_STATUS == 0)) || fail "fdburst exited with $EXIT_STATUS on SIGTERM, expected 0"
assert_grep "fdburst must say it stopped, and how many bursts" "$R/bursts.err" \
  "stopped by SIGTERM: [1-9][0-9]* bursts"

fdburst_start delayed --burst 1 --every 1h --hold 0 --pool 5 --pool-delay 300ms
pid=$SPAWNED_PID
wait_for "no pool yet, the one burst closed ($base descriptors)" 10 fd_count_is "$pid" "$base"
wait_for "the pool of 5 opened after --pool-delay ($base + 5 descriptors)" 10 \
  fd_count_is "$pid" $((base + 5))
stop_pid "$pid"
((EXIT_STATUS == 0)) || fail "fdburst --pool-delay: exit $EXIT_STATUS on SIGTERM, expected 0"

spawn emfile /dev/null "$R/emfile.out" "$R/emfile.err" \
  bash -c 'ulimit -n 32 && exec "$@"' emfile "$FDBURST" --burst 200 --every 1ms --hold 1s
wait_exit "$SPAWNED_PID" 10
((EXIT_STATUS == 1)) || fail "fdburst out of descriptors: exit $EXIT_STATUS, expected 1"
assert_grep "fdburst out of descriptors: the error must name the call" "$R/emfile.err" \
  "fdburst: burst [0-9]+: (eventfd|pipe2|socketpair\(AF_UNIX\)): Too many open files"

# 2. The bench, quick. Its temp dir under ours: a process left behind is seen at cleanup.
spawn bench /dev/null "$R/bench.out" "$R/bench.err" env TMPDIR="$R" \
  bash "$BENCH" --quick --jobs 2 --dialsoak "$DIALSOAK" --fdburst "$FDBURST" \
  --markdown "$R/table.md"
wait_exit "$SPAWNED_PID" 80
((EXIT_STATUS == 0)) || fail "leak_detector.sh --quick exited with $EXIT_STATUS, expected 0"
assert_grep "the bench must say every requirement was met" "$R/bench.out" "^Every requirement met"
assert_grep "the table must name the machine" "$R/table.md" "^Measured on [0-9]+ CPUs"
rows=$(grep -c '^| ' "$R/table.md")
((rows == 10)) || fail "the table must have a header and 9 rows, has $rows"
passed=$(grep -c '| \*\*pass\*\* |$' "$R/table.md")
((passed == 8)) || fail "8 requirement rows must pass, $passed did: $(cat "$R/table.md")"
assert_grep "the 1/1000 row must give the cycles" "$R/table.md" "min / median / max [0-9]+ / "
leftover=$(find "$R" -maxdepth 1 -name 'leak-detector.*')
[ -z "$leftover" ] || fail "the bench left its temp dir behind: $leftover"

e2e_log "fdburst: flags, ready, pool and bursts, delayed pool, EMFILE, SIGTERM; leak_detector.sh --quick: all requirements met"
