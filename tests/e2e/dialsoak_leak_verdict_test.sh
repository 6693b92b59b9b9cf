#!/usr/bin/env bash
# e2e: the leak verdict of `dialsoak run`, KB Q197517's question answered end to end.
#   1. --scenario q197517 (one line, 1000 cycles, one eventfd leaked per dial) exits 5; the
#      summary says LEAK and names anon_inode:[eventfd]; the report's self/handles check
#      is a leak of about 1 per cycle whose fd growth is 1000 eventfds; the chart next to
#      the report is an SVG; the JUnit file is well-formed XML with that failing test case.
#   2. the same with --allow-leaks exits 0 and still reports the leak.
#   3. a clean run of 2000 cycles with thresholds that hold exits 0: no check says leak,
#      the JUnit file has no failure.
#   4. a threshold that cannot hold (dial_p99<=1us) exits 6 and says BREACHED.
#   5. a bad threshold exits 2 and lists what is allowed; a bad one in YAML names the line.
#   6. live: during a leaking run, /metrics shows dialsoak_leak_suspected{process="self",
#      resource="handles"} 1 and a slope near 1 per cycle.
#   7. the other process: modemsim --inject-leak 5:pipe, dialled over its ptys by
#      --backend serial and watched with --watch-name "$MODEMSIM_NAME": exit 5, the modemsim
#      handles check is the leak (pipes), dialsoak's own handles are ok.
# Usage: dialsoak_leak_verdict_test.sh <path to dialsoak> <path to modemsim>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd curl xmllint

MODEMSIM=${2:?usage: $0 <dialsoak> <modemsim>}
MODEMSIM_NAME=ms$$  # its own name (lib.sh), watched by that name
R=$E2E_TMP

# handles_check FILE PROCESS: jq filter selecting PROCESS's handles check.
handles_check() { printf '.leaks[] | select(.process == "%s" and .resource == "handles")' "$1"; }

# 1. The KB's situation.
dialsoak_run kb 40 run --scenario q197517 --quiet --report "$R/kb.json" --junit "$R/kb.xml"
assert_exit kb 5 "a leak fails the run"
assert_grep "kb: the summary must say LEAK" "$R/kb.out" "self +handles +LEAK"
assert_grep "kb: the summary must name the leaked kind" "$R/kb.out" \
  "1000 more descriptors, all anon_inode:\[eventfd\]"
assert_grep "kb: the summary's exit line must name the leak and its slope" "$R/kb.out" \
  "^exit code 5: self handles leak \+[01]\.[0-9]{2} per cycle( \(and [0-9]+ more leaks?\))?$"
assert_jq "kb: 1000 cycles on one line" "$R/kb.json" '.cycles == 1000 and .lines == 1'
self_h=$(handles_check self)
assert_jq "kb: self handles must be a leak of about 1 per cycle" "$R/kb.json" \
  "$self_h | .verdict == \"leak\" and .slope_per_cycle > 0.95 and .slope_per_cycle < 1.05"
assert_jq "kb: the end must be 1000 above the baseline" "$R/kb.json" "$self_h | .growth == 1000"
assert_jq "kb: the fd growth must be 1000 eventfds" "$R/kb.json" \
  "$self_h | .fd_growth.kinds[0] | .kind == \"anon_inode:[eventfd]\" and .growth == 1000"
assert_jq "kb: the threads must not leak" "$R/kb.json" \
  '[.leaks[] | select(.resource == "threads") | .verdict] == ["ok"]'
chart=$(jq_get "$R/kb.json" "$self_h | .chart")
[ -s "$chart" ] || fail "kb: the chart '$chart' is missing"
[ "$(dirname "$chart")" = "$R" ] || fail "kb: the chart '$chart' is not next to the report"
assert_grep "kb: the chart must be an SVG" "$chart" "<svg"
xmllint --noout "$R/kb.xml" 2>"$R/kb.xmllint" || fail "kb: JUnit XML not well-formed: $(cat "$R/kb.xmllint")"
leak_case=$(xmllint --xpath 'count(//testcase[@classname="dialsoak.leaks.self" and @name="handles"]/failure)' "$R/kb.xml")
[ "$leak_case" = 1 ] || fail "kb: the JUnit file must have a failing self/handles test case (got $leak_case)"
xmllint --xpath 'string(//testcase[@classname="dialsoak.leaks.self" and @name="handles"]/failure/@message)' \
  "$R/kb.xml" >"$R/kb.failure"
assert_grep "kb: the JUnit failure must name the kind" "$R/kb.failure" "anon_inode:\[eventfd\]"

# 2. Reported, not failed.
dialsoak_run allowed 40 run --scenario q197517 --allow-leaks --cycles 300 --quiet --report "$R/allowed.json"
assert_exit allowed 0 "--allow-leaks only reports"
assert_jq "allowed: the leak must still be reported" "$R/allowed.json" "$self_h | .verdict == \"leak\""

# 3. A clean run passes, thresholds and all.
dialsoak_run clean 40 run --lines 1 --cycles 2000 --quiet --report "$R/clean.json" \
  --junit "$R/clean.xml" --threshold 'success_ratio>=0.99' --threshold 'leak_per_1000<1' \
  --threshold 'dial_p99 <= 30s'
assert_exit clean 0 "no leak, thresholds met"
assert_jq "clean: no check may say leak" "$R/clean.json" '[.leaks[] | select(.verdict == "leak")] == []'
assert_jq "clean: self handles must be judged ok" "$R/clean.json" "$self_h | .verdict == \"ok\""
assert_jq "clean: three thresholds, all passed" "$R/clean.json" \
  '(.thresholds | length) == 3 and all(.thresholds[]; .passed)'
xmllint --noout "$R/clean.xml" || fail "clean: JUnit XML not well-formed"
failures=$(xmllint --xpath 'count(//failure)' "$R/clean.xml")
[ "$failures" = 0 ] || fail "clean: the JUnit file has $failures failures"
cases=$(xmllint --xpath 'count(//testcase)' "$R/clean.xml")
((cases >= 7)) || fail "clean: expected the calls check, 3 thresholds and 3 leak checks, got $cases test cases"

# 4. A threshold breached.
dialsoak_run breach 30 run --lines 1 --cycles 100 --quiet --threshold 'dial_p99<=1us' --report "$R/breach.json"
assert_exit breach 6 "a breached threshold"
assert_grep "breach: the summary must say BREACHED" "$R/breach.out" "BREACHED +dial_p99<=1us"
assert_jq "breach: the report must say it failed" "$R/breach.json" '.thresholds[0].passed == false'

# 5. Usage errors.
dialsoak_run badthr 10 run --quiet --threshold 'dial_p42<3s'
assert_exit badthr 2 "a bad threshold is a usage error"
assert_grep "badthr: the error must list what is allowed" "$R/badthr.err" "success_ratio"
printf 'cycles: 10\nthresholds:\n  - dial_p99<=30s\n  - succes_ratio>0.9\n' >"$R/bad.yaml"
dialsoak_run badyaml 10 run --config "$R/bad.yaml" --quiet
assert_exit badyaml 2
assert_grep "badyaml: the error must name the file, line and key" "$R/badyaml.err" \
  "bad.yaml:4: key 'thresholds\[1\]'"

# 6. Live: the suspicion on /metrics while the leak develops.
dialsoak_start live run --lines 1 --cycles 3000 --think 2ms --inject-leak 1 --leak-window 2s \
  --listen 127.0.0.1:0 --quiet --allow-leaks
live_pid=$SPAWNED_PID
metrics_url() { grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$R/live.err" | head -n 1; }
wait_for "the metrics URL on stderr" 10 metrics_url
url=$(metrics_url)
suspected() {
  curl -fsS --max-time 5 "$url" >"$R/live.prom" 2>/dev/null &&
    grep -Eq '^dialsoak_leak_suspected\{process="self",resource="handles"\} 1$' "$R/live.prom"
}
wait_for "dialsoak_leak_suspected{self,handles} 1 on /metrics" 20 suspected
slope=$(sed -nE 's/^dialsoak_leak_handles_per_cycle\{process="self"\} (.*)$/\1/p' "$R/live.prom")
awk -v s="$slope" 'BEGIN { exit !(s > 0.9 && s < 1.1) }' ||
  fail "live: dialsoak_leak_handles_per_cycle{self} is '$slope', expected about 1"
grep -Eq '^dialsoak_leak_suspected\{process="self",resource="threads"\} 0$' "$R/live.prom" ||
  fail "live: threads must not be suspected: $(grep leak_suspected "$R/live.prom")"
stop_pid "$live_pid"

# 7. A leak in another process: the modem server's.
modemsim_start --ports 1 --inject-leak 5:pipe
dialsoak_run serial 40 run --backend serial --device "${PORT[modem0]}" --cycles 400 --think 2ms \
  --watch-name "$MODEMSIM_NAME" --sample-interval 10ms --quiet --report "$R/serial.json"
assert_exit serial 5 "modemsim leaks"
ms_h=$(handles_check "$MODEMSIM_NAME")
assert_jq "serial: the modemsim handles check must be the leak" "$R/serial.json" \
  "$ms_h | .verdict == \"leak\" and .slope_per_cycle > 0.15 and .slope_per_cycle < 0.25"
assert_jq "serial: the leaked kind must be pipe" "$R/serial.json" \
  "$ms_h | .fd_growth.kinds[0] | .kind == \"pipe\" and .growth == 80"
assert_jq "serial: dialsoak's own handles must be ok" "$R/serial.json" "$self_h | .verdict == \"ok\""
assert_grep "serial: the summary must name modemsim's leak" "$R/serial.out" \
  "80 more descriptors, all pipe"
modemsim_stop

e2e_log "leak verdict: q197517 caught (exit 5, eventfd named, chart, JUnit), clean run ok, threshold exit 6, live suspicion on /metrics, modemsim's pipe leak caught over serial"
