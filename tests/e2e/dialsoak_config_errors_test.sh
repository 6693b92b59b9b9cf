#!/usr/bin/env bash
# e2e: every wrong input to `dialsoak run` ends it before any call with exit code 2 (usage)
# and a message on stderr that names the flag, or the file, line and key, at fault; a line
# that cannot be set up ends it with exit code 3 and a message naming the device.
#   config file: unknown key (file:line:key, "did you mean 'hold'?" for 'hodl'), bad
#     duration, YAML syntax error (file:line), value of the wrong type, duplicate key,
#     bad nested value (defaults.hangup), missing file, a modems entry's missing device;
#   flags: --lines 0, --cycles abc, --hold xyz, --answer-delay bogus, --backend serial
#     without --device, --device /dev/does-not-exist, --device of a regular file,
#     --device /dev/null (a character device, not a tty) with the serial and exec backends,
#     --sim-busy 0.7 --sim-no-answer 0.7 (over 1 together), an unknown flag;
#   set-up: --backend serial --device of a pty that nobody answers (socat reads what is
#     sent and never replies): exit 3 after the init command's 1 s timeout, the message
#     names the device and the init command, and ATZ did reach the pty.
#   where a setting applies (each setting of the registry names its commands and
#     backends): --lines and --answer-delay with --backend serial, a modems entry's device
#     on the sim backend, more modems entries than lines, a run flag given to dialsoak
#     capacity and a capacity flag given to dialsoak run are refused (exit 2, naming the
#     setting); a capacity section read by dialsoak run and a serial file checked with
#     --backend sim are only warned about (the run goes on); dialsoak capacity --out
#     writes its run directory (journal with a capacity header, report.json).
# None of the refused ones prints a summary on stdout.
# Usage: dialsoak_config_errors_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd socat

# Config files are named relative to the temp dir, as a user would name them.
cd "$E2E_TMP" || fail "cannot cd to the temp dir $E2E_TMP"

# expect_exit CODE NAME ERE ARGS...: `dialsoak run ARGS...` exits CODE within 10 s, with ERE
# in its stderr and no summary on stdout.
expect_exit() {
  local code=$1 name=$2 ere=$3
  shift 3
  dialsoak_run "$name" 10 run --quiet "$@"
  assert_exit "$name" "$code" "$*"
  assert_grep "$name: the message does not name what is wrong" "$name.err" "$ere"
  assert_no_grep "$name: a summary was printed although nothing ran" "$name.out" '^exit code '
  assert_no_grep "$name: an internal error instead of a clear message" "$name.err" \
    '[Ii]nternal error|terminate called|what\(\):'
  e2e_log "$name: $(grep -Em 1 -- "$ere" "$name.err")"
}
expect_usage() { expect_exit 2 "$@"; }

# --- the YAML config file ---
printf 'lines: 2\ncycles: 5\nhodl: 1s\n' >typo.yaml
expect_usage typo "typo\.yaml:3:.*'hodl'.*unknown key" --config typo.yaml
assert_grep "typo: no suggestion for the typo 'hodl'" typo.err "did you mean 'hold'"

printf 'lines: 2\ncycles: 5\nthink: 10ms\nhold: xyz\n' >bad_duration.yaml
expect_usage bad_duration "bad_duration\.yaml:4:.*'hold'.*'xyz'" --config bad_duration.yaml

printf 'lines: 2\nhold: 1s\n cycles: 5\n' >syntax.yaml
expect_usage syntax "syntax\.yaml:3:.*YAML syntax error" --config syntax.yaml

printf 'cycles: 5\nlines: many\n' >wrong_type.yaml
expect_usage wrong_type "wrong_type\.yaml:2:.*'lines'.*'many'" --config wrong_type.yaml

printf 'lines: 2\ncycles: 5\nlines: 3\n' >twice.yaml
expect_usage duplicate "twice\.yaml:3:.*'lines'" --config twice.yaml

printf 'lines: 2\ndefaults:\n  dial_timeout: 5s\n  hangup: sideways\n' >nested.yaml
expect_usage nested "nested\.yaml:4:.*'defaults\.hangup'.*'sideways'" --config nested.yaml

expect_usage missing_file "no-such-config\.yaml" --config no-such-config.yaml

printf 'backend: serial\nmodems:\n  - device: /dev/nope-dialsoak-e2e\n' >serial.yaml
expect_usage entry_device "serial\.yaml:3:.*/dev/nope-dialsoak-e2e" --config serial.yaml

# --- flags ---
expect_usage lines_0 '--lines.*0' --lines 0
expect_usage cycles_abc "--cycles.*abc" --cycles abc
expect_usage hold_xyz "--hold.*xyz" --hold xyz
expect_usage answer_delay "--answer-delay.*bogus" --answer-delay bogus
expect_usage serial_no_device '--device' --backend serial
expect_usage serial_missing_device '/dev/does-not-exist' \
  --backend serial --device /dev/does-not-exist
expect_usage serial_not_a_tty 'typo\.yaml' --backend serial --device "$E2E_TMP/typo.yaml"
not_a_tty="--device /dev/null: device '/dev/null' is a character device but not a tty"
expect_usage serial_dev_null "$not_a_tty" --backend serial --device /dev/null
expect_usage exec_dev_null "$not_a_tty" --backend exec --device /dev/null --dial-cmd true
# The sum of the failure probabilities must not exceed 1: the message names both.
expect_usage sim_over_1 'busy' --sim-busy 0.7 --sim-no-answer 0.7
assert_grep "sim_over_1: the message does not name the no-answer probability" sim_over_1.err \
  'no.answer'
expect_usage unknown_flag '--bogus-flag' --bogus-flag

# --- where a setting applies ---
# The device is a pty that passes the device check (which does not open it), so what is
# refused is the setting that does not apply; socat waits for an opener that never comes.
spawn socat_idle /dev/null socat_idle.out socat_idle.err \
  socat -u "PTY,link=$E2E_TMP/idle,raw,echo=0,wait-slave" "CREATE:$E2E_TMP/idle_heard.txt"
wait_for "socat to create the pty $E2E_TMP/idle" 10 test -c "$E2E_TMP/idle"
expect_usage lines_on_serial '--lines: for the sim and exec backends only, not --backend serial' \
  --backend serial --device "$E2E_TMP/idle" --lines 4
expect_usage delay_on_serial '--answer-delay: for the sim backend only, not --backend serial' \
  --backend serial --device "$E2E_TMP/idle" --answer-delay exp:1s
printf 'lines: 2\nmodems:\n  - device: /dev/ttyS0\n' >sim_device.yaml
expect_usage device_on_sim "sim_device\.yaml:3: key 'modems\[0\]\.device': for the serial and exec backends only" \
  --config sim_device.yaml
printf 'lines: 2\nmodems:\n  - {number: "1"}\n  - {number: "2"}\n  - {number: "3"}\n' >extra.yaml
expect_usage entries_beyond_lines "extra\.yaml:5: key 'modems\[2\]': 3 modems entries for 2 line" \
  --config extra.yaml
dialsoak_run capacity_cycles 10 capacity --quiet --cycles 5
assert_exit capacity_cycles 2 "capacity --cycles 5"
assert_grep "capacity_cycles: no clear refusal" capacity_cycles.err '--cycles: for dialsoak run only, not dialsoak capacity'
expect_usage run_load '--load: for dialsoak capacity only, not dialsoak run' --load 5
# Warned, not refused: one file for both commands; a serial file checked on the simulator.
printf 'cycles: 2\nlines: 1\ncapacity:\n  loads: [5]\n' >both.yaml
dialsoak_run both 30 run --quiet --config both.yaml
assert_exit both 0 "run --config both.yaml"
assert_grep "both: no warning that run leaves the capacity section" both.err \
  "both\.yaml:4: key 'capacity\.loads': for dialsoak capacity only; dialsoak run leaves it"
printf 'backend: serial\nmodems:\n  - /dev/ttyS0\n  - /dev/ttyS1\n' >serial.yaml
dialsoak_run checked_on_sim 30 run --quiet --config serial.yaml --backend sim --cycles 1 --lines 2
assert_exit checked_on_sim 0 "run --config serial.yaml --backend sim"
assert_grep "checked_on_sim: no warning about the devices" checked_on_sim.err \
  "serial\.yaml:3: key 'modems\[0\]': for the serial and exec backends only; --backend sim"
# dialsoak capacity writes a run directory as dialsoak run does.
dialsoak_run capacity_out 60 capacity --quiet --out capdir --load 5 --step-calls 50 --ports 8
assert_exit capacity_out 0 "capacity --out capdir"
[ "$(head -1 capdir/journal.jsonl | jq -r .command)" = capacity ] ||
  fail "capacity --out: the journal's header is not a capacity sweep's"
jq -e '.steps | length == 1' capdir/report.json >/dev/null ||
  fail "capacity --out: capdir/report.json has no step"
e2e_log "capacity --out: $(wc -l <capdir/journal.jsonl) journal records, report.json with 1 step"

# --- set-up: a pty that nobody answers ---
# socat -u copies what dialsoak sends into heard.txt and writes nothing back; wait-slave
# holds it until dialsoak opens the pty; it ends when dialsoak closes it.
spawn socat /dev/null socat.out socat.err \
  socat -u "PTY,link=$E2E_TMP/dead,raw,echo=0,wait-slave" "CREATE:$E2E_TMP/heard.txt"
wait_for "socat to create the pty $E2E_TMP/dead" 10 test -c "$E2E_TMP/dead"
printf 'defaults:\n  command_timeout: 1s\n' >short_timeout.yaml
expect_exit 3 dead_line "$E2E_TMP/dead" \
  --config short_timeout.yaml --backend serial --device "$E2E_TMP/dead" --cycles 1
assert_grep "dead_line: the message does not say the init failed" dead_line.err 'init'
wait_for "the pty to have heard ATZ" 5 e2e_file_has heard.txt 'ATZ'
