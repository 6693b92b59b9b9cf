#!/usr/bin/env bash
# e2e: the run directory and its journal, and `dialsoak report DIR` rebuilding the reports
# from the journal alone.
#   1. A run with --out DIR leaves DIR/journal.jsonl (a header with the configuration, one
#      line per cycle, the probe samples, the end record), DIR/report.json and the chart;
#      the summary names the directory.
#   2. `dialsoak report DIR` rebuilds the same report: cycles, outcomes, latency, hang-ups,
#      processes; for a leaking run (--scenario q197517) the same verdict (exit 5), the same
#      slope and the same fd attribution (anon_inode:[eventfd]), from the journal's own fd
#      tables.
#   3. kill -9 mid-run: every cycle /metrics counted two seconds before the kill is
#      in the rebuilt report, which says the run did not finish (stop "unfinished").
#   4. A torn last line (the journal cut inside its last record) is ignored and counted.
#   5. An --out that already holds a run is refused before anything is dialled (exit 2),
#      and its journal is untouched; `dialsoak report` on a directory without a journal
#      exits 2 naming the file.
#   6. A run directory that cannot be made (under a regular file) is said loudly, the run
#      goes on, its summary and --report keep every cycle, and it exits 7.
#   7. As root, in a private mount namespace: a full disk (a 64 KiB tmpfs) stops the journal
#      mid-run with one loud error; the run completes, its summary counts every cycle, exit
#      7; the partial journal still rebuilds a report of what it holds.
# Usage: dialsoak_journal_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd curl

R=$E2E_TMP
# The parts of two reports that must be equal, whatever rebuilt them.
same_parts='{cycles, outcomes, hangups, dropped_at_origin, dial: .latency_seconds.dial,
  hangup: .latency_seconds.hangup, handles: .processes.self.handles,
  threads: .processes.self.threads, failures}'

# 1. A run and its directory.
dialsoak_run run1 30 run --quiet --lines 2 --cycles 100 --hold 5ms --journal cycles --out "$R/run1"
assert_exit run1 0
for f in journal.jsonl report.json report.self.handles.svg; do
  [ -s "$R/run1/$f" ] || fail "run1: no $f in the run directory: $(ls -la "$R/run1" 2>&1)"
done
assert_grep "run1: the summary names the run directory" "$R/run1.out" "^run directory: $R/run1 \(journal [0-9]+ records"
journal=$R/run1/journal.jsonl
head -n 1 "$journal" | jq -e '.t == "header" and .format == 2 and .journal == "cycles" and .command == "run" and .config.lines == 2' >/dev/null ||
  fail "run1: the journal's first line is not the header with the configuration: $(head -c 300 "$journal")"
cycle_lines=$(grep -c '"t":"cycle"' "$journal")
((cycle_lines == 200)) || fail "run1: $cycle_lines cycle records in the journal (--journal cycles), expected 200"
tick_cycles=$(grep '"t":"tick"' "$journal" | jq -s 'map(.cycles // 0) | add')
((tick_cycles == 200)) || fail "run1: the tick records count $tick_cycles cycles, expected 200"
tail -n 2 "$journal" | jq -se 'map(.t) == ["end", "simulator"]' >/dev/null ||
  fail "run1: the journal does not end with the end record and the simulator's counts: $(tail -n 2 "$journal")"
grep -q '"t":"probe".*"kind":"baseline"' "$journal" || fail "run1: no baseline probe sample in the journal"
grep -q '"t":"fds".*"kind":"end"' "$journal" || fail "run1: no fd table of the end sample in the journal"

# 2. Rebuilt, the same report.
cp "$R/run1/report.json" "$R/run1.original.json"
dialsoak_run rebuild1 30 report "$R/run1"
assert_exit rebuild1 0
assert_jq "rebuild1: the report says it was rebuilt, from every record" "$R/run1/report.json" \
  '.rebuilt_from_journal.records >= 5 and .rebuilt_from_journal.torn_lines == 0 and .rebuilt_from_journal.finished'
jq -S "$same_parts" "$R/run1.original.json" >"$R/run1.original.parts"
jq -S "$same_parts" "$R/run1/report.json" >"$R/run1.rebuilt.parts"
diff "$R/run1.original.parts" "$R/run1.rebuilt.parts" >"$R/run1.diff" ||
  fail "rebuild1: the rebuilt report differs from the run's: $(cat "$R/run1.diff")"
assert_grep "rebuild1: the summary says where it came from" "$R/rebuild1.out" "^rebuilt from $R/run1/journal.jsonl: [0-9]+ records$"

dialsoak_run leak 60 run --quiet --scenario q197517 --out "$R/leak"
assert_exit leak 5
cp "$R/leak/report.json" "$R/leak.original.json"
dialsoak_run rebuild_leak 60 report "$R/leak"
assert_exit rebuild_leak 5 "the rebuilt verdict must be the run's: a leak"
leak_parts='.leaks[] | select(.process == "self" and .resource == "handles") |
  {verdict, slope_per_cycle, growth, baseline, "end": .end, first_suspected_cycle, kinds: .fd_growth.kinds}'
jq -S "$leak_parts" "$R/leak.original.json" >"$R/leak.original.parts"
[ -s "$R/leak.original.parts" ] || fail "leak: no handles check of self in the run's report"
diff "$R/leak.original.parts" <(jq -S "$leak_parts" "$R/leak/report.json") >"$R/leak.diff" ||
  fail "rebuild_leak: the leak check differs: $(cat "$R/leak.diff")"
assert_jq "rebuild_leak: what leaked, from the journal's fd tables" "$R/leak/report.json" \
  '[.leaks[] | select(.resource == "handles" and .process == "self")][0].fd_growth.kinds[0].kind == "anon_inode:[eventfd]"'

# 3. kill -9 in the middle of a run.
dialsoak_start killed run --quiet --lines 4 --cycles unlimited --duration 60s --hold 10ms \
  --answer-delay fixed:5ms --listen 0 --out "$R/killed"
pid=$SPAWNED_PID
url() { grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$R/killed.err" | head -n 1; }
wait_for "killed's metrics URL on its stderr" 10 eval 'url | grep -q .'
keep_running "$pid" 2
counted=$(curl -fsS --max-time 5 "$(url)" | sed -n 's/^dialsoak_cycles_total \([0-9.e+]*\)$/\1/p')
counted=${counted%.*}
[[ $counted =~ ^[0-9]+$ ]] && ((counted > 0)) || fail "killed: no cycle count on /metrics ('$counted')"
keep_running "$pid" 2
kill -KILL "$pid"
wait_exit "$pid" 5
e2e_log "killed with SIGKILL; /metrics had counted $counted cycles 2 s before"
dialsoak_run rebuild_killed 30 report "$R/killed"
assert_exit rebuild_killed 0 "the verdict over what the run recorded"
assert_jq "rebuild_killed: every cycle counted 2 s before the kill is in the report" "$R/killed/report.json" \
  ".cycles >= $counted"
assert_jq "rebuild_killed: the run did not finish" "$R/killed/report.json" \
  '.stop.reason == "unfinished" and (.rebuilt_from_journal.finished | not)'
assert_grep "rebuild_killed: the summary says so" "$R/rebuild_killed.out" "the run did not finish"

# 4. A torn last line.
mkdir "$R/torn"
size=$(stat -c %s "$R/killed/journal.jsonl")
head -c $((size - 20)) "$R/killed/journal.jsonl" >"$R/torn/journal.jsonl"
# The cycles the whole tick records count (the default journal has no per-cycle records).
whole=$(head -c $((size - 20)) "$R/killed/journal.jsonl" | { grep '"t":"tick".*}$' || true; } |
  jq -s 'map(.cycles // 0) | add // 0')
dialsoak_run rebuild_torn 30 report "$R/torn"
assert_exit rebuild_torn 0
assert_jq "rebuild_torn: one torn line ignored, every whole cycle kept" "$R/torn/report.json" \
  ".rebuilt_from_journal.torn_lines == 1 and .cycles == $whole"
assert_grep "rebuild_torn: the summary counts it" "$R/rebuild_torn.out" "1 torn last line ignored"

# 5. A directory that holds a run already; a directory without a journal.
before=$(md5sum <"$R/run1/journal.jsonl")
dialsoak_run again 10 run --quiet --cycles 5 --out "$R/run1"
assert_exit again 2 "a run directory is never reused"
assert_grep "again: the error says why" "$R/again.err" "already holds a run \(journal.jsonl\); give another --out"
[ "$(md5sum <"$R/run1/journal.jsonl")" = "$before" ] || fail "again: the old journal was changed"
mkdir "$R/empty"
dialsoak_run nojournal 10 report "$R/empty"
assert_exit nojournal 2
assert_grep "nojournal: the error names the file" "$R/nojournal.err" "$R/empty/journal.jsonl"

# 6. A run directory that cannot be made.
: >"$R/a-file"
dialsoak_run nodir 30 run --quiet --lines 2 --cycles 50 --out "$R/a-file/run" --report "$R/nodir.json"
assert_exit nodir 7 "no journal: its own exit code"
assert_grep "nodir: said loudly at the start" "$R/nodir.err" "run directory.*a-file.*the run goes on without a journal"
assert_grep "nodir: the summary says so" "$R/nodir.out" "^journal FAILED: "
assert_jq "nodir: every cycle in the report all the same" "$R/nodir.json" '.cycles == 100 and .exit_code == 7'

# 7. A full disk, in a private mount namespace (root only); per-cycle records fill it.
if (($(id -u) == 0)) && unshare -m -- true 2>/dev/null; then
  mkdir -p "$R/tiny"
  # shellcheck disable=SC2016  # the inner script expands its own arguments
  spawn full /dev/null "$R/full.out" "$R/full.err" \
    unshare -m --propagation private -- env LIBMOUNT_UTAB="$R/utab" bash -c '
      set -e
      mount -n -t tmpfs -o size=64k tmpfs "$1"
      shift
      exec "$@"' full-ns "$R/tiny" "$DIALSOAK" run --quiet --lines 2 --cycles 1500 \
    --journal cycles --out "$R/tiny/run" --report "$R/full.json"
  wait_exit "$SPAWNED_PID" 60
  ((EXIT_STATUS == 7)) || fail "full: exit $EXIT_STATUS on a full disk, expected 7"
  errors=$(grep -c 'writing the journal .*: No space left on device' "$R/full.err" || true)
  ((errors == 1)) || fail "full: the full disk was said $errors times, expected once"
  assert_jq "full: the summary kept every cycle" "$R/full.json" '.cycles == 3000 and .exit_code == 7'
  e2e_log "full disk: exit 7, one error, 3000 cycles in the summary"
else
  e2e_log "full disk: skipped (needs root and a mount namespace)"
fi

e2e_log "journal: written, rebuilt equal (also a leak verdict), after kill -9, torn line, reuse refused, no directory and a full disk exit 7"
