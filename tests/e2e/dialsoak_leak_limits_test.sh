#!/usr/bin/env bash
# e2e: the leak verdict at its edges, on the embedded simulator (about 15 s).
#   1. fast: 4 lines x 500 cycles at full speed, one eventfd leaked per 100 dials. The run
#      takes about 0.1 s; sampled once a second it had no sample between the baseline and
#      the end, "too few samples", exit 0. Sampled by cycles now, it must fail: a leak
#      (exit 5) with its slope, or at worst inconclusive (exit 8), never 0.
#   2. inconclusive: 4 lines x 1 cycle, one leaked per dial: too few samples to bound any
#      slope, 4 handles not given back: exit 8, "inconclusive: +4 handles not returned".
#   3. exhausted: ulimit -n 512, one line, one leaked per dial, 1,500 cycles of 5 ms: the
#      count stops at the limit (510 counted of 512) after ~500 cycles and stays there,
#      which pulled the whole run's slope to 0 ("ok", exit 0). Now exit 5, "exhausted:
#      510 of 512 descriptors", the slope fitted before the plateau (about 1 a cycle), and
#      the JUnit test case fails with type "exhausted".
#   4. clean fast runs (4 x 500 and 64 x 100, nothing leaked) exit 0, every check ok.
# Usage: dialsoak_leak_limits_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd xmllint

R=$E2E_TMP
self_h='.leaks[] | select(.process == "self" and .resource == "handles")'

# 1. A fast run with a leak of 1 in 100.
dialsoak_run fast 30 run --lines 4 --cycles 500 --inject-leak 100 --quiet --charts none \
  --report "$R/fast.json"
((EXIT_STATUS == 5 || EXIT_STATUS == 8)) ||
  fail "fast: dialsoak exited with $EXIT_STATUS, expected 5 (leak) or 8 (inconclusive):" \
    "$(jq -c "$self_h" "$R/fast.json" 2>&1)"
assert_jq "fast: 2000 cycles, 20 descriptors leaked" "$R/fast.json" \
  '.cycles == 2000 and .simulator.leaked_descriptors == 20'
if ((EXIT_STATUS == 5)); then
  assert_jq "fast: exit 5 must come with a leak of about 1 per 100 cycles" "$R/fast.json" \
    "$self_h | .verdict == \"leak\" and .slope_per_cycle > 0.008 and .slope_per_cycle < 0.012"
else
  assert_jq "fast: exit 8 must come with an inconclusive check" "$R/fast.json" \
    "$self_h | .verdict == \"inconclusive\""
fi
assert_jq "fast: sampled by cycles, not once a second" "$R/fast.json" "$self_h | .points >= 20"

# 2. Too few samples to say, and not given back.
dialsoak_run few 30 run --lines 4 --cycles 1 --inject-leak 1 --quiet --charts none \
  --report "$R/few.json"
assert_exit few 8 "handles not back at the baseline, too few samples for a slope"
assert_jq "few: self handles must be inconclusive" "$R/few.json" \
  "$self_h | .verdict == \"inconclusive\" and (.reason | startswith(\"inconclusive: +4 handles not returned after the settle\"))"
assert_grep "few: the summary must say INCONCLUSIVE" "$R/few.out" "self +handles +INCONCLUSIVE"
assert_grep "few: the exit line must say why" "$R/few.out" \
  "exit code 8: (self handles inconclusive: \+4 handles not returned|leak verdict inconclusive)"

# 3. Out of descriptors: the count stuck at the limit.
spawn exhausted /dev/null "$R/exhausted.out" "$R/exhausted.err" \
  bash -c 'ulimit -n 512 && exec "$0" "$@"' "$DIALSOAK" run --lines 1 --cycles 1500 \
  --inject-leak 1 --answer-delay fixed:5ms --sample-interval 100ms --quiet \
  --charts none --report "$R/exhausted.json" --junit "$R/exhausted.xml"
wait_exit "$SPAWNED_PID" 40
assert_exit exhausted 5 "a count at its limit is a leak, whatever the slope"
assert_jq "exhausted: 510 of 512 descriptors, the slope fitted before the plateau" \
  "$R/exhausted.json" \
  "$self_h | .verdict == \"exhausted\" and (.reason | startswith(\"exhausted: 510 of 512 descriptors\"))
            and .slope_per_cycle > 0.95 and .slope_per_cycle < 1.05 and .projection.limit == 512"
assert_grep "exhausted: the summary must say EXHAUSTED" "$R/exhausted.out" \
  "self +handles +EXHAUSTED"
assert_grep "exhausted: the exit line must say it" "$R/exhausted.out" \
  "exit code 5: (self handles exhausted: 510 of 512 descriptors|leak detected)"
xmllint --noout "$R/exhausted.xml" || fail "exhausted: JUnit XML not well-formed"
type=$(xmllint --xpath 'string(//testcase[@classname="dialsoak.leaks.self" and @name="handles"]/failure/@type)' \
  "$R/exhausted.xml")
[ "$type" = exhausted ] || fail "exhausted: the JUnit self/handles failure must be of type exhausted (got '$type')"

# 4. Nothing leaked, as fast: no alarm.
for shape in "4 500" "64 100"; do
  read -r lines cycles <<<"$shape"
  name=clean$lines
  dialsoak_run "$name" 30 run --lines "$lines" --cycles "$cycles" --quiet --charts none \
    --report "$R/$name.json"
  assert_exit "$name" 0 "nothing leaked"
  assert_jq "$name: every check ok, handles sampled by cycles" "$R/$name.json" \
    "all(.leaks[]; .verdict == \"ok\") and ($self_h | .points >= 20 and .end == .baseline)"
done

e2e_log "dialsoak leak limits: a fast leak caught (exit 5/8), inconclusive exit 8, 510 of 512 descriptors exhausted exit 5, clean fast runs exit 0"
