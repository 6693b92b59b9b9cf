#!/usr/bin/env bash
# e2e: `dialsoak run` survives every fault the simulator injects (--sim-fault), each ending
# in its own outcome within its deadline, on line 0 only, while lines 1 and 2 connect every
# call; no worker hangs (each run completes in its budget).
#   noise (before the result)  every call connects; the summary counts the noisy dials
#   noise (inside the result)  the garbled result is no result: one TIMEOUT per fault
#   truncate                   one TIMEOUT per fault, its detail keeps the cut line ('CONN')
#   silent                     one TIMEOUT per fault; the line dials on (re-initialised); the
#                              timeouts in their own latency row, not the connected dials' tail
#   dribble                    every call connects, slowly
#   carrier_loss               every call connects; each drop is counted during the hold
#   vanish                     the dial gets IO ERROR, the device is reopened (counted) and
#                              the line connects again
#   ring_flood                 every call connects
#   reset                      one TIMEOUT per fault, then the modem answers again
# The simulator's own fault counts (report .simulator.faults) are the expected numbers.
# Usage: dialsoak_faults_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP
common=(run --quiet --lines 3 --cycles 10 --hold 60ms --dial-timeout 1500ms --charts none
  --max-failures 100 --settle 0)

# run_fault NAME FAULT: a run with FAULT on line 0; checks the other lines, returns for more.
run_fault() {
  local name=$1 fault=$2
  dialsoak_run "$name" 60 "${common[@]}" --sim-fault "$fault" --out "$R/$name" --report "$R/$name.json"
  assert_exit "$name" 0
  e2e_log "$name: $(jq -c '{o: (.outcomes | with_entries(select(.value > 0))), dropped: .dropped_during_hold,
    reopens, noise: .line_noise, faults: (.simulator.faults | with_entries(select(.value > 0)))}' "$R/$name.json")"
  assert_jq "$name: the run completed, every cycle of every line" "$R/$name.json" \
    '.stop.reason == "completed" and .cycles == 30'
  assert_jq "$name: the fault was injected" "$R/$name.json" '.simulator.faults | add > 0'
  # Lines 1 and 2 do not notice line 0's trouble: every call connects, none drops.
  local others
  others=$(jq -s '[.[] | select(.t == "cycle" and .line != 0) |
    select(.result != "connect" or .dropped or .reopened)] | length' "$R/$name/journal.jsonl")
  ((others == 0)) || fail "$name: $others cycles of lines 1-2 were disturbed by line 0's fault"
}
faults() { jq ".simulator.faults.$2" "$R/$1.json"; }

run_fault noise "noise@0/bytes=12"
assert_jq "noise: every call connects" "$R/noise.json" '.outcomes.connect == 30'
# 12 random bytes a dial: a CR or LF among them frames a line instead of counting as noise.
assert_jq "noise: every noisy dial counted, with up to its 12 bytes" "$R/noise.json" \
  ".line_noise.dials == $(faults noise noise) and .line_noise.bytes > 10 * .line_noise.dials and .line_noise.bytes <= 12 * .line_noise.dials"
assert_grep "noise: the summary says so" "$R/noise.out" "^line noise: [0-9]+ dial\(s\) heard"

run_fault inside "noise:0.3@0/at=inside"
# A CR or LF among the noise can still frame a CONNECT line: at most one timeout per fault.
assert_jq "inside: a garbled result is a timeout, never a wrong outcome" "$R/inside.json" \
  ".outcomes.timeout >= 1 and .outcomes.timeout <= $(faults inside noise) and .outcomes.connect == 30 - .outcomes.timeout"

run_fault truncate "truncate:0.3@0"
assert_jq "truncate: one timeout per cut result" "$R/truncate.json" ".outcomes.timeout == $(faults truncate truncate)"
assert_jq "truncate: the detail keeps the cut line" "$R/truncate.json" \
  '[.failures[] | select(.what == "timeout")][0].detail | test("cut short: .CONN")'

run_fault silent "silent:0.3@0"
assert_jq "silent: one timeout per silent dial" "$R/silent.json" ".outcomes.timeout == $(faults silent silent)"
assert_jq "silent: every other call connects" "$R/silent.json" '.outcomes.connect == 30 - .outcomes.timeout'
# Latency by outcome: the deadline's dials in their own row, not the connected calls' tail.
assert_jq "silent: connected dials' p99 well under the 1.5 s deadline" "$R/silent.json" \
  '.latency_seconds.dial.p99 < 0.75'
assert_jq "silent: the timeouts' own row holds the deadline" "$R/silent.json" \
  '.latency_seconds.dial_by_result.timeout.p50 >= 1.5 and .latency_seconds.dial_all.max >= 1.5'
assert_jq "silent: confirmed hang-ups not mixed with the wait after a silent dial" "$R/silent.json" \
  '.latency_seconds.hangup.p99 < 0.75'

run_fault dribble "dribble@0/gap=2ms"
assert_jq "dribble: every call connects" "$R/dribble.json" '.outcomes.connect == 30'

run_fault carrier "carrier_loss:0.5@0/after=10ms"
assert_jq "carrier: each drop counted during the hold" "$R/carrier.json" \
  ".outcomes.connect == 30 and .dropped_during_hold == $(faults carrier carrier_loss) and .dropped_during_hold > 0"
assert_jq "carrier: the drop's detail is the modem's" "$R/carrier.json" \
  '[.failures[] | select(.what == "dropped")][0].detail | test("NO CARRIER")'

run_fault vanish "vanish:0.3@0/down=300ms"
assert_jq "vanish: one IO ERROR per vanish" "$R/vanish.json" ".outcomes.io_error == $(faults vanish vanish)"
# Every dial after a vanish (but a vanish on line 0's last cycle) reopened the device.
unreopened=$(jq -s '[.[] | select(.t == "cycle" and .line == 0)] | sort_by(.cycle) as $c |
  [range(0; ($c | length) - 1) | select($c[.].result == "io_error" and ($c[. + 1].reopened | not))] |
  length' "$R/vanish/journal.jsonl")
((unreopened == 0)) || fail "vanish: $unreopened dial(s) after a vanish did not reopen the device"
assert_jq "vanish: the reopens counted" "$R/vanish.json" '.reopens >= .outcomes.io_error - 1 and .reopens > 0'
assert_jq "vanish: the line connects again after each" "$R/vanish.json" \
  '.outcomes.connect == 30 - .outcomes.io_error'
assert_grep "vanish: the summary counts the reopens" "$R/vanish.out" "^lines reopened after losing their device: [1-9]"

run_fault ring "ring_flood@0/count=5/interval=5ms"
assert_jq "ring: every call connects" "$R/ring.json" '.outcomes.connect == 30'

run_fault reset "reset:0.3@0/time=400ms"
assert_jq "reset: one timeout per reset" "$R/reset.json" ".outcomes.timeout == $(faults reset reset)"
assert_jq "reset: the modem answers again" "$R/reset.json" '.outcomes.connect == 30 - .outcomes.timeout'

# A bad fault is a usage error naming the flag.
dialsoak_run bad 10 run --quiet --sim-fault "noise:2"
assert_exit bad 2
assert_grep "bad: the error names the flag" "$R/bad.err" "--sim-fault \(config key 'sim_faults'\): "

e2e_log "faults: every kind ends in its outcome on line 0, lines 1-2 undisturbed, no hang"
