#!/usr/bin/env bash
# e2e: `dialsoak run` on its embedded simulator, checked through its JSON report.
#   1. run --lines 4 --cycles 200 --seed 7 --sim-busy 0.2 --sim-no-answer 0.1
#      --max-failures 50 --report R.json --quiet                               exits 0, and:
#      cycles 800 (4 x 200), the outcomes add up to 800, and dialsoak's outcome counts
#      equal what the simulator itself counted (busy, no answer, connects, calls); only the
#      injected failures happen; the busy and no-answer shares are near 0.2 and 0.1; every
#      connect was hung up (by both ends' counts); the process's handle count at the end
#      equals its baseline; exit_code 0 and config.seed 7 in the report.
#   2. the same run again gives the same outcome counts (the seed makes it reproducible),
#      and --seed 8 gives other counts (the seed is really used).
#   3. the same run with --max-failures 0 exits 1 and the report says exit_code 1; the
#      threshold is "above": a --max-failures just under the failed share exits 1, one
#      just over it exits 0.
# Usage: dialsoak_report_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP
common=(run --lines 4 --cycles 200 --seed 7 --sim-busy 0.2 --sim-no-answer 0.1 --quiet)

# 1. One run, both ends of every call agree.
dialsoak_run first 20 "${common[@]}" --max-failures 50 --report "$R/first.json"
assert_exit first 0 "29.5% failed calls are within --max-failures 50"
assert_grep "the summary on stdout has no exit code line" "$R/first.out" '^exit code 0: ok$'
assert_grep "the summary on stdout has no CONNECT row" "$R/first.out" '^CONNECT +[0-9]+'
assert_grep "the summary on stdout has no BUSY row" "$R/first.out" '^BUSY +[0-9]+'
assert_grep "the summary on stdout has no handle line for the process itself" \
  "$R/first.out" '^self +[0-9]+ +[0-9]+ -> [0-9]+'
e2e_log "first run: $(e2e_report_gist "$R/first.json")"

f=$R/first.json
assert_jq "4 lines x 200 cycles must be 800 cycles" "$f" '.cycles == 800'
assert_jq "lines and cycles per line as asked" "$f" '.lines == 4 and .cycles_per_line == 200'
assert_jq "the run must have completed" "$f" '.stop.reason == "completed" and .ended == true'
assert_jq "the outcomes must add up to the cycles" "$f" '([.outcomes[]] | add) == .cycles'
assert_jq "the simulator must have seen one call per cycle" "$f" '.simulator.calls == .cycles'
assert_jq "busy: dialsoak and the simulator disagree" "$f" '.outcomes.busy == .simulator.busy'
assert_jq "no answer: dialsoak and the simulator disagree" "$f" \
  '.outcomes.no_answer == .simulator.no_answer'
assert_jq "connect: dialsoak and the simulator disagree" "$f" \
  '.outcomes.connect == .simulator.connects'
assert_jq "no failure was injected but busy and no answer" "$f" \
  '.outcomes | [.no_carrier, .no_dialtone, .error, .timeout, .io_error] | all(. == 0)'
assert_jq "the simulator injected a failure it was not asked for" "$f" \
  '.simulator.no_carrier == 0 and .simulator.no_dialtone == 0'
# p = 0.2 and 0.1 over 800 calls: standard deviations 0.014 and 0.011; +-5.6 of them.
assert_jq "the busy share is far from --sim-busy 0.2" "$f" \
  '.outcomes.busy / .cycles | . >= 0.12 and . <= 0.28'
assert_jq "the no-answer share is far from --sim-no-answer 0.1" "$f" \
  '.outcomes.no_answer / .cycles | . >= 0.04 and . <= 0.16'
assert_jq "every connect must have been hung up, without failure" "$f" \
  '.hangups.attempted == .outcomes.connect and .hangups.failed == 0'
assert_jq "the simulator must have seen a hang-up for every connect" "$f" \
  '.simulator | .hangups_dtr + .hangups_ath + .hangups_close == .connects'
assert_jq "the process's handles must be sampled at baseline and end" "$f" \
  '.processes.self.handles | (.baseline | type) == "number" and (.end | type) == "number"'
assert_jq "the process's handle count must be back to its baseline" "$f" \
  '.processes.self.handles.baseline == .processes.self.handles.end'
assert_jq "the report must say exit code 0" "$f" '.exit_code == 0'
assert_jq "the report's config must carry the seed and the injected failures" "$f" \
  '.config.seed == 7 and .config.sim_failures.busy == 0.2 and .config.sim_failures.no_answer == 0.1'

# 2. Same seed, same counts; another seed, other counts.
dialsoak_run again 20 "${common[@]}" --max-failures 50 --report "$R/again.json"
assert_exit again 0
first_outcomes=$(jq_get "$R/first.json" '.outcomes | tojson')
again_outcomes=$(jq_get "$R/again.json" '.outcomes | tojson')
[ "$first_outcomes" = "$again_outcomes" ] ||
  fail "the same seed gave other outcome counts: $first_outcomes, then $again_outcomes"
[ "$(jq_get "$R/first.json" '.simulator | tojson')" = "$(jq_get "$R/again.json" '.simulator | tojson')" ] ||
  fail "the same seed gave other simulator counts: $(e2e_report_gist "$R/again.json")"
e2e_log "same seed, same outcomes: $again_outcomes"

dialsoak_run seed8 20 run --lines 4 --cycles 200 --seed 8 --sim-busy 0.2 --sim-no-answer 0.1 \
  --quiet --max-failures 50 --report "$R/seed8.json"
assert_exit seed8 0
seed8_outcomes=$(jq_get "$R/seed8.json" '.outcomes | tojson')
[ "$seed8_outcomes" != "$first_outcomes" ] ||
  fail "--seed 8 gave the same outcome counts as --seed 7 ($seed8_outcomes): is the seed used?"
assert_jq "seed 8: the outcomes must add up to 800" "$R/seed8.json" '([.outcomes[]] | add) == 800'

# 3. The failure threshold.
dialsoak_run strict 20 "${common[@]}" --max-failures 0 --report "$R/strict.json"
assert_exit strict 1 "BUSY and NO ANSWER calls with --max-failures 0"
assert_grep "the summary's exit line must name the failed share, the outcomes and the limit" \
  "$R/strict.out" \
  '^exit code 1: [0-9]+\.[0-9]{2} % of calls failed \(BUSY [0-9]+, NO ANSWER [0-9]+\), over --max-failures 0 %$'
assert_jq "the report must say exit code 1" "$R/strict.json" '.exit_code == 1'
strict_outcomes=$(jq_get "$R/strict.json" '.outcomes | tojson')
[ "$strict_outcomes" = "$first_outcomes" ] ||
  fail "--max-failures 0 changed the calls: $first_outcomes, then $strict_outcomes"

# The failed share of these calls, e.g. 29.5 (%); a threshold 0.5 under it fails the run,
# 0.5 over it passes it.
failed_pct=$(jq_get "$R/first.json" '100 * (.cycles - .outcomes.connect) / .cycles')
under=$(jq -n "$failed_pct - 0.5")
over=$(jq -n "$failed_pct + 0.5")
dialsoak_run under 20 "${common[@]}" --max-failures "$under" --report "$R/under.json"
assert_exit under 1 "$failed_pct% failed calls, above --max-failures $under"
assert_jq "the report must say exit code 1" "$R/under.json" '.exit_code == 1'
dialsoak_run over 20 "${common[@]}" --max-failures "$over" --report "$R/over.json"
assert_exit over 0 "$failed_pct% failed calls, within --max-failures $over"
assert_jq "the report must say exit code 0" "$R/over.json" '.exit_code == 0'
e2e_log "failed share $failed_pct%: --max-failures $under exits 1, $over exits 0"
