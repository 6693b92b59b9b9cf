#!/usr/bin/env bash
# e2e: `dialsoak run` meets the result codes of real modems' dialects, from its embedded
# simulator and from modemsim over the serial line.
#   1. --sim-busy 1 --sim-fault blacklist/attempts=2/delay=0: 2 busy, then every dial
#      blacklisted (the modem's text in the failures), as the simulator counted them
#   2. --sim-fault blacklist/delay=60s: 1 busy, then every dial delayed
#   3. --backend serial on modemsim --busy 1, init ATX0: the busy line is NO CARRIER
#      (no_carrier), at ATX3 busy; with modemsim's blacklist at X0 the refusals are still
#      blacklisted (they come at every X level)
# Usage: dialsoak_dialects_test.sh <path to dialsoak> <path to modemsim>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
MODEMSIM=${2:?usage: $0 <dialsoak> <modemsim>}

R=$E2E_TMP
cd "$R" || fail "cannot cd to the temp dir $R"
common=(run --quiet --charts none --max-failures 100 --settle 0 --hold 10ms)

# 1. The blacklist of the embedded simulator.
dialsoak_run blacklist 40 "${common[@]}" --lines 1 --cycles 6 --sim-busy 1 \
  --sim-fault blacklist/attempts=2/delay=0 --report "$R/blacklist.json"
assert_exit blacklist 0
e2e_log "blacklist: $(jq -c '{o: (.outcomes | with_entries(select(.value > 0))),
  sim: (.simulator | {busy, blacklisted, delayed, faults: .faults.blacklist})}' "$R/blacklist.json")"
assert_jq "blacklist: 2 busy, then 4 blacklisted, as outcomes of their own" "$R/blacklist.json" \
  '.outcomes.busy == 2 and .outcomes.blacklisted == 4 and .outcomes.no_carrier == 0
   and .outcomes.timeout == 0 and .outcomes.unrecognised == 0'
assert_jq "blacklist: the simulator refused the same 4 dials" "$R/blacklist.json" \
  '.simulator.blacklisted == 4 and .simulator.faults.blacklist == 4 and .simulator.busy == 2'
assert_jq "blacklist: the failures keep the modem's text" "$R/blacklist.json" \
  '[.failures[] | select(.detail == "BLACKLISTED")] | length > 0'

# 2. DELAYED while the retry delay runs.
dialsoak_run delayed 40 "${common[@]}" --lines 1 --cycles 4 --sim-busy 1 \
  --sim-fault blacklist/delay=60s --report "$R/delayed.json"
assert_exit delayed 0
assert_jq "delayed: 1 busy, then 3 delayed" "$R/delayed.json" \
  '.outcomes.busy == 1 and .outcomes.delayed == 3 and .simulator.delayed == 3'

# 3. The serial line against modemsim at other X levels (the init strings in a config).
xlevel() {
  local name=$1 init=$2
  cat >"$R/$name.yaml" <<YAML
defaults:
  init: [ATZ, "$init"]
  dial_timeout: 5s
YAML
  dialsoak_run "$name" 40 "${common[@]}" --backend serial --device "${PORT[modem0]}" \
    --config "$R/$name.yaml" --cycles 4 --report "$R/$name.json"
  assert_exit "$name" 0
  e2e_log "$name: $(jq -c '.outcomes | with_entries(select(.value > 0))' "$R/$name.json")"
}
modemsim_start --ports 1 --busy 1
xlevel x0 "ATE0 V1 X0"
assert_jq "x0: a busy line is NO CARRIER at X0" "$R/x0.json" \
  '.outcomes.no_carrier == 4 and .outcomes.busy == 0'
xlevel x3 "ATE0 V1 X3"
assert_jq "x3: a busy line is BUSY at X3" "$R/x3.json" '.outcomes.busy == 4'
xlevel x0v0 "ATE0 V0 X0"
assert_jq "x0v0: numeric NO CARRIER (3) at X0" "$R/x0v0.json" '.outcomes.no_carrier == 4'
modemsim_stop

modemsim_start --ports 1 --busy 1 --fault blacklist/attempts=2/delay=0
xlevel x0_blacklist "ATE0 V1 X0"
assert_jq "x0_blacklist: 2 failed (NO CARRIER at X0), then blacklisted" "$R/x0_blacklist.json" \
  '.outcomes.no_carrier == 2 and .outcomes.blacklisted == 2'
modemsim_stop

e2e_log "dialsoak: blacklisted and delayed outcomes from the simulator's blacklist; X0/X3 over the serial line"
