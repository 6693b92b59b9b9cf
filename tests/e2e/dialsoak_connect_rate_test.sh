#!/usr/bin/env bash
# e2e: `dialsoak run` reads each CONNECT's rate and protocol, and a threshold on it fails a
# run whose modems fall back.
#   1. the embedded simulator (CONNECT 33600/ARQ/V34/LAPM/V42BIS): the summary's connect
#      rate table has 33600 at 100 % and its median; the JSON report's connect_rate says
#      the same (v34 for every call); connect_rate_p10>=28800 passes (exit 0) and
#      connect_rate_p10>=48000 is breached (exit 6, the exit line naming it)
#   2. --backend serial on modemsim --connect 2400/V22B/MNP (a modem fallen back): 2400 and
#      v22bis in the report, connect_rate_p10>=28800 exits 6; under ATV0 the numeric speed
#      code 10 gives 2400 too (the modulation then unknown)
#   3. `dialsoak report` rebuilds the same table from the run directory's journal
# Usage: dialsoak_connect_rate_test.sh <path to dialsoak> <path to modemsim>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
MODEMSIM=${2:?usage: $0 <dialsoak> <modemsim>}

R=$E2E_TMP
cd "$R" || fail "cannot cd to the temp dir $R"
common=(run --charts none --settle 0 --hold 10ms)

# 1. The embedded simulator connects at 33600.
dialsoak_run sim 40 "${common[@]}" --lines 2 --cycles 5 --threshold 'connect_rate_p10>=28800' \
  --report "$R/sim.json" --out "$R/sim-run"
assert_exit sim 0 "every call at 33600 meets connect_rate_p10>=28800"
e2e_log "sim: $(jq -c '.connect_rate' "$R/sim.json")"
assert_grep "sim: no connect rate table in the summary" "$R/sim.out" '^connect rate \(bit/s\) +calls +share$'
assert_grep "sim: no 33600 row at 100 %" "$R/sim.out" '^33600 +10 +100\.00%$'
assert_grep "sim: no median line" "$R/sim.out" \
  '^connect rate: median 33600 bit/s, p10 33600 bit/s, min 33600 bit/s$'
assert_grep "sim: no modulation line" "$R/sim.out" '^modulation: v34 10$'
assert_jq "sim: the report's rates are 10 calls at 33600" "$R/sim.json" \
  '.connect_rate.rates == [{"rate": 33600, "calls": 10, "share": 1}]
   and .connect_rate.unknown == 0 and .connect_rate.other == 0'
assert_jq "sim: median, p10 and min are 33600" "$R/sim.json" \
  '.connect_rate.median == 33600 and .connect_rate.p10 == 33600 and .connect_rate.min == 33600'
assert_jq "sim: every call v34" "$R/sim.json" \
  '.connect_rate.modulations.v34 == 10 and ([.connect_rate.modulations[]] | add) == 10'
assert_jq "sim: the threshold passed with its value" "$R/sim.json" \
  '.thresholds[0].passed == true and .thresholds[0].observed == 33600'

dialsoak_run sim_breach 40 "${common[@]}" --quiet --lines 1 --cycles 3 \
  --threshold 'connect_rate_p10>=48000' --report "$R/sim_breach.json"
assert_exit sim_breach 6 "33600 is below a 48000 p10"
assert_grep "sim_breach: the exit line does not name the threshold" "$R/sim_breach.out" \
  '^exit code 6: connect_rate_p10 = 33600 bit/s, limit >= 48000 bit/s$'

# 3. The journal has the same table.
"$DIALSOAK" report "$R/sim-run" >"$R/rebuilt.out" 2>"$R/rebuilt.err" ||
  fail "dialsoak report on the run directory failed: $(cat "$R/rebuilt.err")"
assert_grep "rebuilt: no 33600 row" "$R/rebuilt.out" '^33600 +10 +100\.00%$'
assert_grep "rebuilt: no modulation line" "$R/rebuilt.out" '^modulation: v34 10$'

# 2. modemsim fallen back to 2400, over the serial line.
fallback() {
  local name=$1 init=$2 want_exit=$3
  cat >"$R/$name.yaml" <<YAML
defaults:
  init: [ATZ, "$init"]
  dial_timeout: 5s
YAML
  dialsoak_run "$name" 40 "${common[@]}" --quiet --backend serial --device "${PORT[modem0]}" \
    --config "$R/$name.yaml" --cycles 4 --threshold 'connect_rate_p10>=28800' \
    --report "$R/$name.json"
  assert_exit "$name" "$want_exit"
  e2e_log "$name: $(jq -c '.connect_rate | {rates, modulations: (.modulations | with_entries(select(.value > 0)))}' "$R/$name.json")"
}
modemsim_start --ports 1 --connect 2400/V22B/MNP
fallback verbose "ATE0 V1" 6
assert_jq "verbose: 4 calls at 2400, v22bis" "$R/verbose.json" \
  '.connect_rate.rates == [{"rate": 2400, "calls": 4, "share": 1}]
   and .connect_rate.modulations.v22bis == 4'
assert_jq "verbose: the threshold is breached at 2400" "$R/verbose.json" \
  '.thresholds[0].passed == false and .thresholds[0].observed == 2400 and .exit_code == 6'
fallback numeric "ATE0 V0" 6
assert_jq "numeric: speed code 10 is 2400, no modulation said" "$R/numeric.json" \
  '.connect_rate.rates == [{"rate": 2400, "calls": 4, "share": 1}]
   and .connect_rate.modulations.unknown == 4'
modemsim_stop

e2e_log "dialsoak: connect rate table, JSON and threshold from the simulator and from modemsim at 2400"
