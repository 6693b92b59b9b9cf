#!/usr/bin/env bash
# e2e: `dialsoak run --inject-leak EVERY[:KIND]` on the embedded simulator, whose bank runs
# inside dialsoak, so what it leaks is a leak of the dialing process (as RasDial's was, KB
# Q197517), seen in the report's own handle counts.
#   1. --lines 1 --cycles 200 --inject-leak 1:eventfd: exits 5 (the leak verdict, see
#      dialsoak_leak_verdict_test.sh); the process's handles at
#      the end are 200 above its baseline; simulator.leaked_descriptors is 200; the
#      report's config says 1:eventfd.
#   2. --inject-leak 10 (eventfd by default) --allow-leaks: exits 0, 20 leaked, end - baseline 20.
#   3. a clean run (no --inject-leak): end == baseline, leaked_descriptors 0, config null.
#   4. the YAML keys: inject_leak: 50:socket and allow_leaks: true leak 4, exit 0.
#   5. --backend serial --inject-leak 1 exits 2, saying it is for the sim backend only;
#      a bad value (--inject-leak 0:fifo) exits 2 with what is allowed.
# Usage: dialsoak_inject_leak_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"

R=$E2E_TMP
common=(run --lines 1 --cycles 200 --quiet)

# check_leak NAME LEAKED: the report R/NAME.json shows LEAKED descriptors leaked, by the
# simulator's count and by the process's own handle count (end - baseline).
check_leak() {
  local name=$1 leaked=$2 f=$R/$1.json
  e2e_log "$name: $(e2e_report_gist "$f")"
  assert_jq "$name: 200 cycles must have completed" "$f" \
    '.cycles == 200 and .stop.reason == "completed"'
  assert_jq "$name: the simulator must count $leaked leaked descriptors" "$f" \
    ".simulator.leaked_descriptors == $leaked"
  assert_jq "$name: the handles must be sampled at baseline and end" "$f" \
    '.processes.self.handles | (.baseline | type) == "number" and (.end | type) == "number"'
  assert_jq "$name: the process's handles must end $leaked above their baseline" "$f" \
    ".processes.self.handles | .end - .baseline == $leaked"
}

# 1. One eventfd per dial.
dialsoak_run every1 30 "${common[@]}" --inject-leak 1:eventfd --report "$R/every1.json"
assert_exit every1 5 "a leak is caught by the verdict"
check_leak every1 200
assert_jq "every1: the report's config must carry the leak" "$R/every1.json" \
  '.config.inject_leak == "1:eventfd"'

# 2. One per ten dials, the kind by default.
dialsoak_run every10 30 "${common[@]}" --inject-leak 10 --allow-leaks --report "$R/every10.json"
assert_exit every10 0
check_leak every10 20

# 3. No leak asked, none seen.
dialsoak_run clean 30 "${common[@]}" --report "$R/clean.json"
assert_exit clean 0
check_leak clean 0
assert_jq "clean: the report's config must say no leak" "$R/clean.json" '.config.inject_leak == null'

# 4. From the config file.
printf 'lines: 1\ncycles: 200\ninject_leak: 50:socket\nallow_leaks: true\n' >"$R/leak.yaml"
dialsoak_run yaml 30 run --config "$R/leak.yaml" --quiet --report "$R/yaml.json"
assert_exit yaml 0
check_leak yaml 4
assert_jq "yaml: the report's config must carry the leak" "$R/yaml.json" \
  '.config.inject_leak == "50:socket"'

# 5. Usage errors.
dialsoak_run serial 10 run --backend serial --device /dev/null --inject-leak 1 --quiet
assert_exit serial 2 "--inject-leak is for the sim backend only"
assert_grep "serial: the error must say the sim backend only" "$R/serial.err" \
  "inject-leak.*sim backend only"
dialsoak_run bad 10 run --inject-leak 0:fifo --quiet
assert_exit bad 2 "a bad --inject-leak is a usage error"
assert_grep "bad: the error must say what is allowed" "$R/bad.err" \
  "expected EVERY\[:KIND\] with EVERY >= 1 and KIND one of eventfd, pipe, socket, file, got '0:fifo'"

e2e_log "dialsoak --inject-leak: 200, 20 and 4 descriptors leaked and seen in the handle counts; clean run flat; usage errors exit 2"
