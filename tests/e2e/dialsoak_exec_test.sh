#!/usr/bin/env bash
# e2e: `dialsoak run --backend exec`, an external dialer as a line: ppp's real chat run as
# the dial command with its stdin and stdout on modemsim's ports (the way pppd runs a
# connect script), and other dialers made of sh, sleep and test.
#   1. 25 lines x 80 cycles of chat (docs/exec.md's chat-lines.yaml: the command as a list) against
#      modemsim: exit 0, 2,000 cycles, every one CONNECT and hung up by a DTR drop;
#      modemsim watched with --watch-name (a daemon of the dialer): its handles flat.
#   2. modemsim answering BUSY: chat (ABORT BUSY first) exits 4, mapped by --exit-result
#      4=busy: every call BUSY, the detail "exit 4 (busy)".
#   3. modemsim leaking a descriptor per dial (--inject-leak 1): the watched daemon's leak
#      is in the verdict (exit 5, modemsim's handles, about 1 per cycle).
#   4. a dial command that hangs (sleep) is killed at --dial-timeout: TIMEOUT, no sleep
#      of ours left behind; a missing program is exit 2 with its name.
#   5. no shell runs: '$HOME;' reaches echo as it is, unless --shell; with --shell the
#      placeholders' values are quoted for sh (a number with spaces and parentheses, which
#      the dial-string check allows, arrives as one word); a check command (connected
#      while a file exists) with a hang-up command that removes it.
# Usage: dialsoak_exec_test.sh <dialsoak> <modemsim>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# modemsim runs under a name of its own (lib.sh), watched by that name.
MODEMSIM_NAME=ms$$
MODEMSIM=${2:?usage: $0 <dialsoak> <modemsim>}
require_cmd chat pgrep
exec_doc=$(realpath "$(dirname "$0")/../../docs/exec.md")
cd "$E2E_TMP" || fail "cannot cd to $E2E_TMP"

results() { jq_get "$1" '[.outcomes | to_entries[] | "\(.key)=\(.value)"] | join(" ")'; }

# 1. chat as the dial command, 2,000 cycles.
lines=25
modemsim_start --ports "$lines"
devices=()
for ((i = 0; i < lines; i++)); do devices+=(--device "$E2E_TMP/links/modem$i"); done
# docs/exec.md's worked example (the yaml block that opens with "# chat-lines.yaml"), with
# these ports for its devices.
awk '/^```yaml$/ { block = 1; first = 1; next } block && /^```$/ { if (found) exit; block = 0; next }
     block && first { first = 0; if ($0 ~ /^# chat-lines\.yaml/) found = 1 }
     block && found' "$exec_doc" >chat.yaml
grep -q '^backend: exec$' chat.yaml || fail "no chat-lines.yaml example in $exec_doc"
# --allow-leaks: under ASan (scripts/test --sanitize) modemsim's resident memory grows with
# the allocator's quarantine; the handles and threads are what this test judges.
dialsoak_run chat 120 run --config chat.yaml "${devices[@]}" --watch-name "$MODEMSIM_NAME" \
  --cycles 80 --hold 0s --quiet --charts none --allow-leaks --report chat.json
assert_exit chat 0 "2,000 chat dials against modemsim should all connect"
assert_jq "2,000 cycles" chat.json '.cycles == 2000'
assert_jq "every call CONNECT ($(results chat.json))" chat.json '.outcomes.connect == 2000'
assert_jq "every call hung up by DTR" chat.json '.hangups.methods.dtr == 2000 and .hangups.failed == 0'
assert_jq "the report keeps the dial command" chat.json '.config.line_defaults.dial_cmd[0] == "chat"'
assert_jq "modemsim watched, its handles and threads flat" chat.json \
  "[.leaks[] | select(.process == \"$MODEMSIM_NAME\" and .resource != \"resident_memory\")] |
   length == 2 and all(.verdict == \"ok\")"
assert_jq "dialsoak's own handles flat (no child's descriptor kept)" chat.json \
  '[.leaks[] | select(.process == "self" and .resource == "handles")][0].verdict == "ok"'
e2e_log "chat: $(jq_get chat.json '.cycles_per_second | floor') cycles/s, dial p50 $(jq_get chat.json '.latency_seconds.dial.p50')"
modemsim_stop

# 2. BUSY through chat's exit code 4.
modemsim_start --ports 2 --busy 1
dialsoak_run busy 60 run --config chat.yaml --device "$E2E_TMP/links/modem0" \
  --device "$E2E_TMP/links/modem1" --cycles 10 --hold 0s --max-failures 100 --quiet --charts none \
  --report busy.json
assert_exit busy 0 "--max-failures 100 tolerates the busy calls"
assert_jq "every call BUSY ($(results busy.json))" busy.json '.outcomes.busy == 20'
assert_jq "the detail is chat's exit code" busy.json \
  '[.failures[] | select(.detail | test("^exit 4 \\(busy\\)"))] | length > 0'
modemsim_stop

# 3. A leak in the watched daemon shows in the verdict.
modemsim_start --ports 4 --inject-leak 1
dialsoak_run leak 60 run --config chat.yaml --device "$E2E_TMP/links/modem0" \
  --device "$E2E_TMP/links/modem1" --device "$E2E_TMP/links/modem2" \
  --device "$E2E_TMP/links/modem3" --cycles 25 --hold 0s --quiet --charts none --watch-name "$MODEMSIM_NAME" --sample-interval 100ms \
  --report leak.json
assert_exit leak 5 "modemsim leaks a descriptor per dial"
assert_jq "modemsim's handles called a leak of about 1 per cycle" leak.json \
  "[.leaks[] | select(.process == \"$MODEMSIM_NAME\" and .resource == \"handles\")][0] |
   .verdict == \"leak\" and .slope_per_1000_cycles > 900 and .slope_per_1000_cycles < 1100"
assert_jq "dialsoak's own handles flat" leak.json \
  '[.leaks[] | select(.process == "self" and .resource == "handles")][0].verdict == "ok"'
modemsim_stop

# 4. A hanging dialer is killed at its deadline; a missing one is a usage error.
SECONDS=0
dialsoak_run hang 30 run --backend exec --dial-cmd 'sleep 31.25' --dial-timeout 500ms \
  --cycles 2 --max-failures 100 --quiet --charts none --report hang.json
assert_exit hang 0
assert_jq "both dials TIMEOUT" hang.json '.outcomes.timeout == 2'
((SECONDS < 10)) || fail "two 500 ms dial deadlines took ${SECONDS}s"
if pgrep -f 'sleep 31.25' >/dev/null; then fail "a killed dial command's sleep is still running"; fi
dialsoak_run missing 30 run --backend exec --dial-cmd 'no-such-dialer provider' --cycles 1
assert_exit missing 2 "a dial command that does not exist is a usage error"
assert_grep "the error names the program" missing.err "program 'no-such-dialer' not found in PATH"

# 5. No shell unless asked; a check command decides the connection.
dialsoak_run noshell 30 run --backend exec --dial-cmd "echo \$HOME; exit 1" \
  --connect-regex '^\$HOME; exit 1$' --cycles 3 --quiet --charts none --report noshell.json
assert_exit noshell 0 "echo got '\$HOME;' as it is (no shell expanded it)"
assert_jq "3 connects" noshell.json '.outcomes.connect == 3'
dialsoak_run shell 30 run --backend exec --shell --dial-cmd "echo \$HOME; exit 1" \
  --cycles 1 --quiet --charts none --max-failures 100 --report shell.json
assert_jq "with --shell, sh ran it: exit 1 is an error" shell.json '.outcomes.error == 1'
dialsoak_run quoted 30 run --backend exec --shell \
  --dial-cmd "printf '%s|\\n' {number} >>$E2E_TMP/dialed.txt" --number '1 (800) 555-1234' \
  --cycles 2 --quiet --charts none --report quoted.json
assert_exit quoted 0 "--shell with a number holding spaces and parentheses"
[ "$(cat "$E2E_TMP/dialed.txt")" = "$(printf '1 (800) 555-1234|\n1 (800) 555-1234|')" ] ||
  fail "--shell: the number did not reach the command as one word: $(cat "$E2E_TMP/dialed.txt")"
dialsoak_run check 30 run --backend exec --dial-cmd "touch $E2E_TMP/ppp0" \
  --check-cmd "test -e $E2E_TMP/ppp0" --hangup-cmd "rm -f $E2E_TMP/ppp0" --lines 1 \
  --cycles 20 --quiet --charts none --report check.json
assert_exit check 0
assert_jq "20 connects, hung up by the command" check.json \
  '.outcomes.connect == 20 and .hangups.methods.command == 20 and .hangups.failed == 0'
[ ! -e "$E2E_TMP/ppp0" ] || fail "the hang-up command did not run after the last call"
