#!/usr/bin/env bash
# e2e: `dialsoak compare BASE NEW` on real runs of the embedded simulator. Five runs of
# 8 lines for 9 s (9 ticks: the latency rows need 8) and a 2 s capacity sweep, all at
# once (about 11 s); then the comparisons (a fraction of a second each).
#   base   --answer-delay fixed:20ms --seed 1          exit 0
#   null   the same, --seed 2                          exit 0
#   slow   --answer-delay fixed:30ms                   exit 0
#   leak   fixed:20ms, --inject-leak 100               exit 5 (its own leak verdict)
#   killed fixed:20ms for 60 s, kill -9 once its journal has 9 ticks: a directory with
#          the journal only
#   sweep  `dialsoak capacity` (4 ports, loads 1 and 2 E, 1 s a step) --report sweep.json
# The cases:
#   1. A null pair (base, null): exit 0, no row worse, no setting said to differ, the gate
#      "any (default)" passes.
#   2. A known difference (base, slow): exit 10; the dial p50 row is worse (table and
#      JSON), the table lists the worse rows first; --markdown prints a pipe table;
#      --json parses and says exit_code 10 (and exits 10); --fail-on none exits 0;
#      --fail-on 'dial_p50>100%' passes while 'dial_p50>10%' fails (exit 10).
#   3. A leak in NEW only (base, leak): exit 10, the self handles row worse "ok -> leak";
#      --fail-on leak fails naming it.
#   4. Settings that differ (base, slow): a warning naming answer_delay and both values.
#   5. NEW cut short by kill -9 (base, killed): compared from the journal alone, with a
#      note that it did not finish; its latencies compared (9 ticks); exit 0: the same
#      calls, and its throughput no lower (regression: a killed run's rate was counted
#      over its time to the last probe sample, past the last tick written, and looked
#      7 % slower, exit 10).
#   6. A capacity sweep against a run: exit 2 naming both kinds. The sweep's report is
#      sweep.json, not report.json (regression: a file of another name was taken for its
#      directory, and refused as "holds neither a journal.jsonl nor a report.json"); the
#      sweep against itself compares (exit 0).
#   7. Bad input, exit 2 naming the problem, nothing on stdout: a path that does not
#      exist, a directory without a journal or a report, --fail-on 'dial_p99>>x' (not a
#      number), --fail-on 'nosuch>1%' (unknown metric), --latency-floor with three durations.
#   8. --out DIR: compare.json (valid, exit_code 10, lists the charts), compare.md (a pipe
#      table), compare.latency.svg and compare.self.handles.svg (well-formed SVG); --junit
#      FILE: well-formed XML, one test case per gate, a failure for the failing gate only.
# Usage: dialsoak_compare_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd xmllint

R=$E2E_TMP
declare -A pid_of=()
run=(run --quiet --lines 8 --charts none)

# ---- the runs, all at once ----
dialsoak_start base "${run[@]}" --duration 9s --answer-delay fixed:20ms --seed 1 --out "$R/base"
pid_of[base]=$SPAWNED_PID
dialsoak_start null "${run[@]}" --duration 9s --answer-delay fixed:20ms --seed 2 --out "$R/null"
pid_of[null]=$SPAWNED_PID
dialsoak_start slow "${run[@]}" --duration 9s --answer-delay fixed:30ms --seed 3 --out "$R/slow"
pid_of[slow]=$SPAWNED_PID
dialsoak_start leak "${run[@]}" --duration 9s --answer-delay fixed:20ms --seed 4 \
  --inject-leak 100 --out "$R/leak"
pid_of[leak]=$SPAWNED_PID
dialsoak_start killed "${run[@]}" --duration 60s --answer-delay fixed:20ms --seed 5 --out "$R/killed"
killed_pid=$SPAWNED_PID
mkdir "$R/sweep"
dialsoak_start sweep capacity --quiet --ports 4 --load 1,2 --step-duration 1s --charts none \
  --report "$R/sweep/sweep.json"
pid_of[sweep]=$SPAWNED_PID

# tick_records DIR: how many tick records DIR's journal holds.
tick_records() { grep -c '"t":"tick"' "$1/journal.jsonl" 2>/dev/null || true; }
# killed_mid_second: killed's journal holds 9 ticks, and probe samples written at least
# half a second after its last tick (the cycles of that half second are not written yet:
# a kill now loses them, as a real kill -9 does).
killed_mid_second() {
  awk '/"t":"tick"/ { ticks++; split($0, a, /"at":/); tick = a[2] + 0 }
       /"t":"probe"/ { split($0, a, /"at":/); probe = a[2] + 0 }
       END { exit !(ticks >= 9 && probe - tick >= 500000000) }' "$R/killed/journal.jsonl" 2>/dev/null
}
wait_for "killed's journal to hold 9 ticks and a probe sample half a second later" 25 killed_mid_second
kill -KILL "$killed_pid"
wait_exit "$killed_pid" 5
((EXIT_STATUS == 137)) || fail "killed: exit status $EXIT_STATUS after kill -9, expected 137"
e2e_log "killed with SIGKILL after $(tick_records "$R/killed") ticks: $(tail -n 1 "$R/killed/journal.jsonl" | cut -c 1-60)"

for name in base null slow leak sweep; do
  wait_exit "${pid_of[$name]}" 30
  case $name in
    leak) assert_exit leak 5 "--inject-leak 100 is a leak of its own" ;;
    *) assert_exit "$name" 0 ;;
  esac
done
for name in base null slow leak killed; do
  ticks=$(tick_records "$R/$name")
  ((ticks >= 8)) || fail "$name: $ticks tick records in its journal; the latency rows need 8"
done
[ ! -e "$R/killed/report.json" ] || fail "killed: a report.json after kill -9; the journal alone was meant"
[ -s "$R/sweep/sweep.json" ] || fail "sweep: no report in sweep.json"
e2e_log "runs done"

# compare NAME ARGS...: `dialsoak compare ARGS...`, its exit code in EXIT_STATUS.
compare() {
  local name=$1
  shift
  dialsoak_run "$name" 20 compare "$@"
}

# assert_worse_first NAME: NAME.out's table has a WORSE row, and every WORSE row comes
# before every other row.
assert_worse_first() {
  local f=$R/$1.out
  awk '/^measure /{t=1; next} /^intervals of /{t=0} t && NF {
         if (/ WORSE/) { worse++; if (other) bad=1 } else other++
       }
       END { exit !(worse > 0 && !bad) }' "$f" ||
    fail "$1: the table does not list its WORSE rows first: $(sed -n '/^measure /,/^intervals of /p' "$f")"
}

# ---- 1. a null pair ----
compare nullpair "$R/base" "$R/null"
assert_exit nullpair 0 "two runs with the same settings, other seeds"
assert_no_grep "nullpair: a row is worse" "$R/nullpair.out" ' WORSE'
assert_grep "nullpair: the default gate passes" "$R/nullpair.out" '^  pass  any \(default\): no row worse'
assert_no_grep "nullpair: the seed is said to be a setting that differs" "$R/nullpair.out" 'settings differ'
assert_grep "nullpair: the dial latencies are compared (9 ticks)" "$R/nullpair.out" \
  '^dial \(connected\) p50 .*\] +no change'
assert_grep "nullpair: the exit line" "$R/nullpair.out" '^exit code 0: '

# ---- 2. a known difference: 20 ms answer delay against 30 ms ----
compare slower "$R/base" "$R/slow"
assert_exit slower 10 "NEW answers 10 ms later"
assert_grep "slower: the dial p50 row is worse" "$R/slower.out" \
  '^dial \(connected\) p50 .* \+[0-9]+\.[0-9]{3} ms .* WORSE'
assert_worse_first slower
assert_grep "slower: the default gate fails naming the dial p50" "$R/slower.out" \
  '^  FAIL  any \(default\): worse at 99 %: .*dial \(connected\) p50 \+[0-9]+\.[0-9]{3} ms'
assert_grep "slower: the exit line" "$R/slower.out" '^exit code 10: '

compare slower_md --markdown "$R/base" "$R/slow"
assert_exit slower_md 10
assert_grep "slower_md: a Markdown heading" "$R/slower_md.out" '^## dialsoak compare: REGRESSION$'
assert_grep "slower_md: the table's header" "$R/slower_md.out" \
  '^\| measure \| BASE \| NEW \| NEW - BASE \| interval \| verdict \|$'
assert_grep "slower_md: the table's alignment row" "$R/slower_md.out" '^\|---\|--:\|'
assert_grep "slower_md: the dial p50 row, worse in bold" "$R/slower_md.out" \
  '^\| dial \(connected\) p50 \|.*\| \*\*WORSE\*\* \|$'
assert_no_grep "slower_md: the plain table instead of Markdown" "$R/slower_md.out" '^measure '

compare slower_json --json "$R/base" "$R/slow"
assert_exit slower_json 10 "--json exits as the table does"
assert_jq "slower_json: the JSON says exit code 10 and a regression" "$R/slower_json.out" \
  '.exit_code == 10 and .regression == true and .kind == "comparison" and .compared == "run"'
assert_jq "slower_json: the dial p50 row is worse, by 5 to 20 ms (10 ms more answer delay)" "$R/slower_json.out" \
  '[.rows[] | select(.metric == "dial_p50")] | length == 1 and .[0].change == "worse"
   and .[0].diff > 0.005 and .[0].diff < 0.02 and .[0].lower > 0'
assert_jq "slower_json: one gate, the default, failed" "$R/slower_json.out" \
  '.gates | length == 1 and .[0].gate == "any (default)" and .[0].failed'

compare slower_none --fail-on none "$R/base" "$R/slow"
assert_exit slower_none 0 "--fail-on none only reports"
assert_grep "slower_none: the rows are still judged" "$R/slower_none.out" '^dial \(connected\) p50 .* WORSE'
assert_grep "slower_none: the gate says report only" "$R/slower_none.out" '^  pass  none: report only'

compare slower_100 --fail-on 'dial_p50>100%' "$R/base" "$R/slow"
assert_exit slower_100 0 "+50 % is within dial_p50>100%"
assert_grep "slower_100: the gate passes" "$R/slower_100.out" '^  pass  dial_p50>100%: dial_p50: within \+100 %'
compare slower_10 --fail-on 'dial_p50>10%' "$R/base" "$R/slow"
assert_exit slower_10 10 "+50 % is beyond dial_p50>10%"
assert_grep "slower_10: the gate fails naming the row and the limit" "$R/slower_10.out" \
  '^  FAIL  dial_p50>10%: dial \(connected\) p50 \+[0-9]+\.[0-9]{3} ms \(\+[0-9.]+ %\).*: beyond \+10 %'

# ---- 3. a leak in NEW only ----
compare leaky "$R/base" "$R/leak"
assert_exit leaky 10 "NEW leaks a handle every 100 dials"
assert_grep "leaky: the self handles row is worse, ok -> leak" "$R/leaky.out" \
  '^self handles .* WORSE \(ok -> leak\)'
assert_worse_first leaky
compare leaky_gate --fail-on leak "$R/base" "$R/leak"
assert_exit leaky_gate 10 "--fail-on leak with a leak in NEW"
assert_grep "leaky_gate: the leak gate fails naming the process" "$R/leaky_gate.out" \
  '^  FAIL  leak: self handles leak in NEW \(BASE: ok\)'

# ---- 4. settings that differ (the slower pair) ----
assert_grep "slower: a warning naming the answer delay and both values" "$R/slower.out" \
  '^warning: settings differ: answer_delay: "fixed:20ms" in BASE, "fixed:30ms" in NEW$'
assert_jq "slower_json: the warning in the JSON" "$R/slower_json.out" \
  '[.warnings[] | select(startswith("settings differ: answer_delay"))] | length == 1'

# ---- 5. NEW cut short by kill -9 ----
compare cut "$R/base" "$R/killed"
assert_exit cut 0 "the same calls as BASE: a run cut short is compared, not an error"
assert_grep "cut: a note that NEW did not finish" "$R/cut.out" \
  "^warning: $R/killed did not finish \(killed or crashed\): compared up to its last record$"
assert_grep "cut: its latencies compared, from the journal's ticks" "$R/cut.out" \
  '^dial \(connected\) p50 .*\] +no change'
assert_grep "cut: its throughput compared, no lower than BASE's" "$R/cut.out" \
  '^cycles per second .*\] +(no change|better)'

# ---- 6. a capacity sweep against a run ----
compare kinds "$R/sweep/sweep.json" "$R/base"
assert_exit kinds 2 "a sweep and a soak run cannot be compared"
assert_grep "kinds: the error names both kinds" "$R/kinds.err" \
  'BASE is a capacity sweep and NEW a soak run'
compare kinds_swapped "$R/base" "$R/sweep/sweep.json"
assert_exit kinds_swapped 2
assert_grep "kinds_swapped: the error names both kinds" "$R/kinds_swapped.err" \
  'BASE is a soak run and NEW a capacity sweep'
compare sweeps "$R/sweep/sweep.json" "$R/sweep/sweep.json"
assert_exit sweeps 0 "a sweep against itself"
assert_grep "sweeps: compared as capacity sweeps, from the named file" "$R/sweeps.out" \
  "^  BASE [^ ]+  $R/sweep/sweep.json$"
assert_grep "sweeps: the blocking rows" "$R/sweeps.out" '^blocking at 2 E '

# ---- 7. bad input ----
# bad NAME WHAT ERE ARGS...: compare ARGS exits 2 with ERE on stderr and nothing on stdout.
bad() {
  local name=$1 what=$2 ere=$3
  shift 3
  compare "$name" "$@"
  assert_exit "$name" 2 "$what"
  assert_grep "$name: the error says what is wrong ($what)" "$R/$name.err" "$ere"
  [ ! -s "$R/$name.out" ] || fail "$name: a table on stdout for bad input: $(head -n 5 "$R/$name.out")"
}
bad missing "a path that does not exist" "NEW $R/nosuch: no such run directory or file" \
  "$R/base" "$R/nosuch"
mkdir "$R/empty"
bad empty "a directory without a journal or a report" \
  "BASE $R/empty: holds neither a journal.jsonl nor a report.json" "$R/empty" "$R/base"
bad gate_syntax "a limit that is not a number" "--fail-on 'dial_p99>>x': '>x' is not a number" \
  --fail-on 'dial_p99>>x' "$R/base" "$R/null"
bad gate_metric "an unknown metric" "--fail-on 'nosuch>1%': unknown metric 'nosuch'" \
  --fail-on 'nosuch>1%' "$R/base" "$R/null"
bad latency_floor "three latency floors for four percentiles" \
  "--latency-floor '1ms,2ms,3ms': want four durations, for p50, p90, p99 and p99.9" \
  --latency-floor 1ms,2ms,3ms "$R/base" "$R/null"

# A report writes a number that is not finite as null: read as 0, not refused as foreign.
mkdir "$R/nullslope"
jq '.leaks[0].slope_per_cycle = null | .leaks[0].lower_per_cycle = null' "$R/base/report.json" \
  >"$R/nullslope/report.json"
compare nullslope "$R/base/report.json" "$R/nullslope/report.json"
assert_exit nullslope 0 "a report with a null slope is compared"

# ---- 8. --out and --junit ----
compare outputs --out "$R/cmp" --junit "$R/cmp.xml" \
  --fail-on 'dial_p50>100%' --fail-on 'dial_p50>10%' --fail-on leak "$R/base" "$R/slow"
assert_exit outputs 10 "one of the three gates fails"
assert_jq "outputs: compare.json is the comparison, exit code 10" "$R/cmp/compare.json" \
  '.kind == "comparison" and .exit_code == 10 and (.gates | length) == 3
   and ([.gates[] | select(.failed) | .gate] == ["dial_p50>10%"])'
assert_jq "outputs: compare.json lists the charts" "$R/cmp/compare.json" \
  "(.charts | sort) == ([\"$R/cmp/compare.latency.svg\", \"$R/cmp/compare.self.handles.svg\"] | sort)"
assert_grep "outputs: compare.md is the Markdown, with its table" "$R/cmp/compare.md" \
  '^\| dial \(connected\) p50 \|.*\*\*WORSE\*\*'
for chart in compare.latency.svg compare.self.handles.svg; do
  [ -s "$R/cmp/$chart" ] || fail "outputs: no $chart in --out: $(ls -la "$R/cmp" 2>&1)"
  assert_grep "outputs: $chart is an SVG" "$R/cmp/$chart" '<svg'
  xmllint --noout "$R/cmp/$chart" 2>"$R/$chart.xmllint" ||
    fail "outputs: $chart is not well-formed XML: $(head -n 5 "$R/$chart.xmllint")"
done
assert_grep "outputs: the table names the charts" "$R/outputs.out" "^chart: $R/cmp/compare.latency.svg$"
xmllint --noout "$R/cmp.xml" 2>"$R/cmp.xmllint" ||
  fail "outputs: the JUnit file is not well-formed XML: $(head -n 5 "$R/cmp.xmllint")"
xpath() { xmllint --xpath "$1" "$R/cmp.xml"; }
(($(xpath 'count(//testcase)') == 3)) ||
  fail "outputs: $(xpath 'count(//testcase)') test cases in the JUnit file, expected 3 (one per gate)"
(($(xpath 'count(//failure)') == 1)) ||
  fail "outputs: $(xpath 'count(//failure)') failures in the JUnit file, expected 1"
[ "$(xpath 'string(//testcase[@name="leak"]/system-out)')" = "no leak verdict in NEW" ] ||
  fail "outputs: the leak gate's test case does not say it passed: $(cat "$R/cmp.xml")"
(($(xpath 'count(//testcase[@name="dial_p50>10%"]/failure)') == 1)) ||
  fail "outputs: the failing gate dial_p50>10% has no failure in the JUnit file: $(cat "$R/cmp.xml")"
[ "$(xpath 'string(//testsuite/@failures)')" = 1 ] || fail "outputs: the suite does not count one failure"

e2e_log "compare: null pair 0, +10 ms and a leak 10 (gates, Markdown, JSON), settings warned," \
  "kill -9 compared, sweep vs run and bad input 2, --out and --junit written"
