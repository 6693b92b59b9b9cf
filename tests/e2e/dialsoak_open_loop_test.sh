#!/usr/bin/env bash
# e2e: `dialsoak run` in open loop (--rate, --stage) on the embedded simulator.
#   1. one line, 20 calls/s evenly spaced (--arrivals uniform) for 2 s, each held 70 ms:
#      a call occupies the line for a bit more than one gap (50 ms) and less than two, so
#      every other arrival finds it busy: 20 carried, 20 dropped at origin, and the
#      summary says so; a call dropped at origin is a failed call, so the run exits 1
#      (50 % of the calls failed, over --max-failures 0).
#   2. two lines, same load: every call carried, none dropped; dial latency counts from
#      the arrival (p99 well under one gap).
#   3. stages 1s:20 then 1s:0, uniform: the integrated rate, 20 arrivals, all carried on
#      4 lines; the report's config keeps the stages.
#   4. usage errors exit 2: --rate with --stage, a bad stage, --hold-dist without open
#      loop, --stage with --duration.
# Usage: dialsoak_open_loop_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP
common=(run --quiet --charts none --settle 0 --arrivals uniform)

# 1. One line, twice the load it can carry.
dialsoak_run one 30 "${common[@]}" --lines 1 --rate 20 --duration 2s --hold 70ms --report "$R/one.json"
assert_exit one 1 "the calls dropped at origin are failed calls"
assert_grep "one: the exit line must count the drops as failed calls" "$R/one.out" \
  '^exit code 1: 50\.00 % of calls failed \(dropped at origin 20\), over --max-failures 0 %$'
e2e_log "one: $(jq -c '{cycles, dropped_at_origin, stop}' "$R/one.json")"
assert_jq "one: 20 calls carried" "$R/one.json" '.cycles == 20 and .outcomes.connect == 20'
assert_jq "one: 20 calls dropped at origin" "$R/one.json" '.dropped_at_origin == 20'
assert_grep "one: the summary must count the drops" "$R/one.out" "dropped at origin: 20 \(50.00% of arrivals\)"
assert_jq "one: the run lasts the schedule" "$R/one.json" '.stop.reason == "completed" and .elapsed_seconds >= 1.9'

# 2. Two lines carry it all.
dialsoak_run two 30 "${common[@]}" --lines 2 --rate 20 --duration 2s --hold 70ms --report "$R/two.json"
assert_exit two 0
assert_jq "two: 40 calls carried, none dropped" "$R/two.json" '.cycles == 40 and .dropped_at_origin == 0'
assert_jq "two: dial latency from the arrival, under one gap" "$R/two.json" '.latency_seconds.dial.p99 < 0.05'

# 3. A ramp up and down.
dialsoak_run ramp 30 "${common[@]}" --lines 4 --stage 1s:20 --stage 1s:0 --report "$R/ramp.json"
assert_exit ramp 0
assert_jq "ramp: 20 arrivals (the integrated rate), all carried" "$R/ramp.json" \
  '.cycles == 20 and .dropped_at_origin == 0'
assert_jq "ramp: the config keeps the stages" "$R/ramp.json" '.config.open_loop.stages == ["1s:20", "1s:0"]'

# 4. Usage errors.
dialsoak_run both 10 run --quiet --rate 5 --stage 1s:5
assert_exit both 2
assert_grep "both: the error must say to pick one" "$R/both.err" "--rate and --stage both given"
dialsoak_run badstage 10 run --quiet --stage 5x:3
assert_exit badstage 2
assert_grep "badstage: the error must name the stage" "$R/badstage.err" "5x:3"
dialsoak_run holdonly 10 run --quiet --hold-dist exp:1s
assert_exit holdonly 2
assert_grep "holdonly: the error must say open loop only" "$R/holdonly.err" "only with --rate or --stage"
dialsoak_run stagedur 10 run --quiet --stage 1s:5 --duration 3s
assert_exit stagedur 2
assert_grep "stagedur: the error must say the stages set the length" "$R/stagedur.err" "the stages set the run's length"

e2e_log "open loop: 20 carried / 20 dropped on one line, none dropped on two, a ramp's 20 arrivals, usage errors exit 2"
