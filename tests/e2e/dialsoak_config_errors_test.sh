#!/usr/bin/env bash
# e2e: every wrong input to `dialsoak run` ends it before any call with exit code 2 (usage)
# and a message on stderr that names the flag, or the file, line and key, at fault; a line
# that cannot be set up ends it with exit code 3 and a message naming the device.
#   config file: unknown key (file:line:key, "did you mean 'hold'?" for 'hodl'), bad
#     duration, YAML syntax error (file:line), value of the wrong type, duplicate key,
#     bad nested value (defaults.hangup), missing file, a modems entry's missing device;
#   flags: --lines 0, --cycles abc, --hold xyz, --answer-delay bogus, --backend serial
#     without --device, --device /dev/does-not-exist, --device of a regular file,
#     --sim-busy 0.7 --sim-no-answer 0.7 (over 1 together), an unknown flag;
#   set-up: --backend serial --device of a pty that nobody answers (socat reads what is
#     sent and never replies): exit 3 after the init command's 1 s timeout, the message
#     names the device and the init command, and ATZ did reach the pty.
# None of them prints a summary on stdout.
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
# The sum of the failure probabilities must not exceed 1: the message names both.
expect_usage sim_over_1 'busy' --sim-busy 0.7 --sim-no-answer 0.7
assert_grep "sim_over_1: the message does not name the no-answer probability" sim_over_1.err \
  'no.answer'
expect_usage unknown_flag '--bogus-flag' --bogus-flag

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
