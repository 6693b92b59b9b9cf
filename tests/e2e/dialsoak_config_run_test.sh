#!/usr/bin/env bash
# e2e: `dialsoak run --config FILE.yaml` on the simulator: the file's settings are used,
# per-line settings reach their line, and flags override the file.
#   1. a file with lines: 3, cycles: 50, think: 1h, report: from-file.json, defaults
#      (hangup: dtr) and three modems entries with their own numbers, the second with
#      hangup: escape; run with --cycles 2 --think 0s --report flags.json:
#      exits 0; cycles 6 (the file's 3 lines x the flag's 2 cycles); the report went to
#      flags.json, not to from-file.json; the report's config shows the file's seed,
#      numbers and per-line settings and the flags' cycles and think; the second line hung
#      up with +++/ATH (2 escape hang-ups, the simulator saw 2 ATH hang-ups) and the others
#      by DTR (4), every connect hung up.
#   2. a file with cycles: unlimited and duration: 1s (and its own report: key): the run
#      stops by itself after about 1 s with stop reason "duration", exit 0, and writes
#      its report where the file said.
#   3. the same file with --cycles 3: the flag's cycle count ends the run first (6 cycles,
#      stop reason "completed").
# Usage: dialsoak_config_run_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

cd "$E2E_TMP" || fail "cannot cd to the temp dir $E2E_TMP"

# 1. Per-line settings, and flags over the file.
cat >lines.yaml <<'EOF'
# three lines; the second hangs up with +++ and ATH instead of dropping DTR
lines: 3
cycles: 50
seed: 11
number: "5550000"
hold: 10ms
think: 1h
report: from-file.json
quiet: true
defaults:
  hangup: dtr
  dial_timeout: 5s
modems:
  - number: "5550001"
  - number: "5550002"
    hangup: escape
  - number: "5550003"
EOF
# The escape hang-ups take about 2 s each (1 s guard time before and after +++).
dialsoak_run lines 30 run --config lines.yaml --cycles 2 --think 0s --report flags.json
assert_exit lines 0
[ ! -e from-file.json ] || fail "lines: the report was also written to the file's" \
  "report: from-file.json, although --report flags.json overrides it"
f=flags.json
e2e_log "lines report: $(e2e_report_gist "$f")"
assert_jq "lines: the file's 3 lines x the flag's 2 cycles must be 6 cycles" "$f" \
  '.lines == 3 and .cycles == 6 and .cycles_per_line == 2'
assert_jq "lines: every call must have connected" "$f" '.outcomes.connect == 6'
assert_jq "lines: the flags must override the file's cycles and think" "$f" \
  '.config.cycles == 2 and .config.think_seconds == 0'
assert_jq "lines: the file's settings the flags left alone must be kept" "$f" \
  '.config.seed == 11 and .config.number == "5550000" and .config.hold_seconds == 0.01
   and .config.config_file == "lines.yaml" and .config.line_defaults.hangup == "dtr"'
assert_jq "lines: the modems entries must be in the report's config, in order" "$f" \
  '[.config.modems[].number] == ["5550001", "5550002", "5550003"]
   and .config.modems[1].hangup == "escape"'
assert_jq "lines: the second line must have hung up by escape twice, the others by DTR" "$f" \
  '.hangups.methods.escape == 2 and .hangups.methods.dtr == 4 and .hangups.failed == 0'
assert_jq "lines: the simulator must have seen 2 ATH and 4 DTR hang-ups" "$f" \
  '.simulator.hangups_ath == 2 and .simulator.hangups_dtr == 4 and .simulator.connects == 6'

# 2. The run ends by the file's duration.
cat >duration.yaml <<'EOF'
lines: 2
cycles: unlimited
duration: 1s
hold: 100ms
report: from-file.json
quiet: true
EOF
dialsoak_run duration 15 run --config duration.yaml
assert_exit duration 0
f=from-file.json
e2e_log "duration report: $(e2e_report_gist "$f")"
assert_jq "duration: the run must stop by its duration" "$f" '.stop.reason == "duration"'
assert_jq "duration: the run must have lasted about the file's 1 s" "$f" \
  '.elapsed_seconds >= 0.9 and .elapsed_seconds < 5'
assert_jq "duration: the report's config must say unlimited cycles and 1 s" "$f" \
  '.config.cycles == "unlimited" and .config.duration_seconds == 1'
assert_jq "duration: cycles must have run, each connected and hung up" "$f" \
  '.cycles > 0 and .outcomes.connect == .cycles and .hangups.attempted == .cycles
   and .simulator.connects == .cycles'
rm -f from-file.json

# 3. --cycles over the file's unlimited.
dialsoak_run duration_cycles 15 run --config duration.yaml --cycles 3
assert_exit duration_cycles 0
f=from-file.json
assert_jq "duration_cycles: --cycles 3 on 2 lines must be 6 cycles, ended by the count" "$f" \
  '.cycles == 6 and .stop.reason == "completed" and .config.cycles == 3'
