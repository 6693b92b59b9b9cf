#!/usr/bin/env bash
# e2e: the exit code of `dialsoak run` says what the run found, however it ended, and
# `dialsoak report` on its run directory says the same; the run's length.
#   1. SIGTERM on a run with --sim-busy 0.9 (--max-failures 0): a stop keeps the verdict,
#      exit 1, not 143; the exit line names the check and its figure ("exit code 1:
#      NN.NN % of calls failed (BUSY N), over --max-failures 0 %"), the report has the
#      code, the line (exit_reason) and the signal (stop.signal SIGTERM). `dialsoak report`
#      on its run directory exits 1 with the same line.
#   2. A clean run stopped by SIGTERM exits 143, and `dialsoak report` on it 143 too (the
#      journal's end record keeps the signal).
#   3. --duration 3s alone runs about 3 s (stop reason duration), more than 250 cycles a
#      line, cycles unlimited in the report's config.
#   4. Open loop with every line busy (--rate 50 --lines 1 --hold 100ms --duration 3s):
#      the calls dropped at origin are failed calls: 'success_ratio>=0.99' is breached
#      (exit 6, success_ratio = connects / (dials + dropped)), and the JUnit calls check
#      fails counting them; --rate with --cycles is a usage error (exit 2).
#   5. `dialsoak capacity --expect-erlang-b` stopped by SIGINT after a step that disagreed
#      with Erlang B (the simulator's injected BUSYs): exit 6, not 130.
# Usage: dialsoak_exit_codes_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP

# stop_with SIGNAL PID: sends SIGNAL, waits (5 s) for the exit; code in EXIT_STATUS.
stop_with() {
  kill "-$1" "$2" || fail "kill -$1 $2 failed: dialsoak gone before the signal?"
  wait_exit "$2" 5
  e2e_log "${E2E_PID_NAME[$2]} exited with $EXIT_STATUS after SIG$1"
}

# 1. SIGTERM on a failing run: the verdict (1) stands.
dialsoak_start busy run --lines 2 --cycles unlimited --hold 20ms --sim-busy 0.9 --seed 4 \
  --out "$R/busy.dir" --report "$R/busy.json"
pid=$SPAWNED_PID
wait_lines_open "$pid" 2
keep_running "$pid" 1
stop_with TERM "$pid"
assert_exit busy 1 "SIGTERM on a run whose calls failed keeps the verdict"
exit_line='^exit code 1: [0-9]+\.[0-9]{2} % of calls failed \(BUSY [0-9]+(, [A-Z ]+ [0-9]+)*\), over --max-failures 0 %$'
assert_grep "busy: the exit line must name the failed share, BUSY and the limit" "$R/busy.out" \
  "$exit_line"
assert_jq "busy: the report must say exit code 1, stopped by SIGTERM" "$R/busy.json" \
  '.exit_code == 1 and .stop.reason == "interrupted" and .stop.signal == "SIGTERM"'
line=$(grep -E '^exit code 1: ' "$R/busy.out")
reason=$(jq_get "$R/busy.json" .exit_reason)
[ "exit code 1: $reason" = "$line" ] || fail "busy: the report's exit_reason '$reason' is not the exit line's '$line'"
e2e_log "busy: $line"

dialsoak_run busy_report 20 report "$R/busy.dir"
assert_exit busy_report 1 "dialsoak report must exit as the run did"
grep -qxF -- "$line" "$R/busy_report.out" ||
  fail "busy_report: not the run's exit line '$line': $(grep '^exit code' "$R/busy_report.out")"
assert_jq "busy_report: the rebuilt report says exit code 1 and SIGTERM" "$R/busy.dir/report.json" \
  '.exit_code == 1 and .stop.signal == "SIGTERM"'

# 2. A clean run stopped by SIGTERM: 143, rebuilt as 143.
dialsoak_start clean run --lines 2 --cycles unlimited --hold 20ms --out "$R/clean.dir" --quiet
pid=$SPAWNED_PID
wait_lines_open "$pid" 2
keep_running "$pid" 1
stop_with TERM "$pid"
assert_exit clean 143 "a clean run stopped by SIGTERM"
assert_grep "clean: the exit line" "$R/clean.out" '^exit code 143: stopped by SIGTERM, no check failed$'
grep -q '"t":"end".*"signal":15' "$R/clean.dir/journal.jsonl" ||
  fail "clean: the journal's end record does not keep SIGTERM: $(grep '"t":"end"' "$R/clean.dir/journal.jsonl")"
dialsoak_run clean_report 20 report "$R/clean.dir"
assert_exit clean_report 143 "dialsoak report on a clean run stopped by SIGTERM"
assert_grep "clean_report: the exit line" "$R/clean_report.out" \
  '^exit code 143: stopped by SIGTERM, no check failed$'

# 3. --duration alone: that long, cycles unlimited.
start=${EPOCHREALTIME/[.,]/}
dialsoak_run timed 15 run --lines 2 --duration 3s --quiet --report "$R/timed.json"
took_ms=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
assert_exit timed 0
assert_jq "timed: the run must stop by its duration, after about 3 s" "$R/timed.json" \
  '.stop.reason == "duration" and .elapsed_seconds >= 2.9 and .elapsed_seconds < 4'
assert_jq "timed: more than 250 cycles a line" "$R/timed.json" '.cycles > 2 * 250'
assert_jq "timed: the report's config says unlimited cycles and 3 s" "$R/timed.json" \
  '.config.cycles == "unlimited" and .config.duration_seconds == 3'
((took_ms < 8000)) || fail "timed: --duration 3s took ${took_ms} ms"
e2e_log "timed: $(jq -c '{cycles, elapsed_seconds, stop: .stop.reason}' "$R/timed.json") in ${took_ms} ms"

# 4. Open loop, every line busy: dropped at origin counts.
dialsoak_run dropped 15 run --rate 50 --lines 1 --hold 100ms --duration 3s \
  --threshold 'success_ratio>=0.99' --quiet --report "$R/dropped.json" --junit "$R/dropped.xml"
assert_exit dropped 6 "calls dropped at origin are calls that did not connect"
assert_jq "dropped: most arrivals were dropped at origin" "$R/dropped.json" \
  '.dropped_at_origin > .cycles and .outcomes.connect == .cycles'
assert_jq "dropped: success_ratio = connects / (dials + dropped)" "$R/dropped.json" \
  '.thresholds[0] | .passed == false and (.observed | type) == "number"'
assert_jq "dropped: the observed success_ratio counts the dropped calls" "$R/dropped.json" \
  '(.thresholds[0].observed - .outcomes.connect / (.cycles + .dropped_at_origin)) | fabs < 1e-9'
assert_grep "dropped: the exit line names the threshold and its figure" "$R/dropped.out" \
  '^exit code 6: success_ratio = 0\.[0-9]+, limit >= 0\.99$'
calls=$(jq_get "$R/dropped.json" '.cycles + .dropped_at_origin')
assert_grep "dropped: the JUnit calls check fails, counting the dropped calls" "$R/dropped.xml" \
  "<failure [^>]*message=\"[0-9]+ of $calls calls failed"
e2e_log "dropped: $(jq -c '{cycles, dropped_at_origin, threshold: .thresholds[0].message}' "$R/dropped.json")"

dialsoak_run rate_cycles 10 run --rate 50 --lines 1 --duration 1s --cycles 10 --quiet
assert_exit rate_cycles 2 "--cycles with --rate"
assert_grep "rate_cycles: the message names --cycles and --rate" "$R/rate_cycles.err" \
  "--cycles \(config key 'cycles'\) with --rate: an open-loop run has no cycles per line"

# 5. A capacity sweep stopped after a step that disagreed with Erlang B keeps its 6.
dialsoak_start sweep capacity --ports 5 --load 1.361,1.4,1.5,1.6,1.7,1.8 --hold-dist exp:5ms \
  --step-calls 400 --sim-busy 0.2 --confidence 0.999 --expect-erlang-b --charts none
pid=$SPAWNED_PID
wait_for "the sweep's first step" 15 e2e_file_has "$R/sweep.out" '^step 1/6 .* DISAGREES'
stop_with INT "$pid"
assert_exit sweep 6 "a stopped sweep whose measured step disagrees with Erlang B"
assert_grep "sweep: the exit line names the check" "$R/sweep.out" \
  '^exit code 6: more steps disagreed with Erlang B than chance explains \(--expect-erlang-b\): 0 of [0-9]+ complete steps agreed'
