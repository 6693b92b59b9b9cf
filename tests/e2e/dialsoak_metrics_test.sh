#!/usr/bin/env bash
# e2e: `dialsoak run --listen 0` serves live metrics for Prometheus on loopback.
#   1. run --listen 0 --linger 30s --report R.json: the picked port is logged on stderr;
#      after the run (report written), a scrape of /metrics over HTTP agrees with the
#      report: dialsoak_cycles_total, the connect count, the self handle gauge; every
#      dial result has its series; build and run info are there; each resource's live
#      leak slope has a family named for its unit (dialsoak_leak_handles_per_cycle,
#      _threads_per_cycle, _resident_memory_bytes_per_cycle, by process only) and the
#      baseline of resident memory is dialsoak_process_resident_memory_baseline_bytes,
#      equal to the report's; the old names are gone. SIGINT ends the linger.
#   2. a second run on the port the first still holds exits 3, naming the port.
# Usage: dialsoak_metrics_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
require_cmd curl

R=$E2E_TMP
dialsoak_start lingering run --listen 0 --linger 30s --lines 3 --cycles 100 --quiet \
  --report "$R/run.json"
pid=$SPAWNED_PID
metrics_url() { grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$R/lingering.err" | head -n 1; }
wait_for "the metrics URL on stderr" 10 metrics_url
url=$(metrics_url)
wait_for "the report (the run is over, /metrics lingers)" 20 test -s "$R/run.json"
pid_alive "$pid" || fail "dialsoak did not linger after the run"

curl -fsS --max-time 5 "$url" >"$R/scrape.txt" || fail "scraping $url failed"
metric() { awk -v m="$1" '$1 == m { print $2 }' "$R/scrape.txt"; }
cycles=$(jq_get "$R/run.json" .cycles)
connects=$(jq_get "$R/run.json" .outcomes.connect)
handles=$(jq_get "$R/run.json" .processes.self.handles.end)
[ "$(metric dialsoak_cycles_total)" = "$cycles" ] ||
  fail "dialsoak_cycles_total is '$(metric dialsoak_cycles_total)', the report says $cycles"
[ "$(metric 'dialsoak_dial_attempts_total{result="connect"}')" = "$connects" ] ||
  fail "connect attempts differ from the report's $connects"
[ "$(metric 'dialsoak_process_open_handles{process="self"}')" = "$handles" ] ||
  fail "the self handle gauge differs from the report's end count $handles"
for result in connect busy no_carrier no_dialtone no_answer error timeout io_error; do
  assert_grep "no series for result $result" "$R/scrape.txt" \
    "^dialsoak_dial_duration_seconds_bucket\\{result=\"$result\",le=\"120\"\\}"
done
assert_grep "no build info" "$R/scrape.txt" '^dialsoak_build_info\{version="[0-9.]+"\} 1'
assert_grep "no run info" "$R/scrape.txt" '^dialsoak_run_info\{backend="sim",run_id="[^"]+"\} 1'
for family in handles threads resident_memory_bytes; do
  assert_grep "no live leak slope dialsoak_leak_${family}_per_cycle of self" "$R/scrape.txt" \
    "^dialsoak_leak_${family}_per_cycle\\{process=\"self\"\\} -?[0-9.e+-]+$"
  assert_grep "no TYPE of dialsoak_leak_${family}_per_cycle" "$R/scrape.txt" \
    "^# TYPE dialsoak_leak_${family}_per_cycle gauge$"
done
assert_grep "no leak suspicion per resource" "$R/scrape.txt" \
  '^dialsoak_leak_suspected\{process="self",resource="resident_memory"\} [01]$'
assert_no_grep "a leak slope still has a resource label (bytes under a handles name)" \
  "$R/scrape.txt" '^dialsoak_leak_[a-z_]+_per_cycle\{[^}]*resource='
assert_no_grep "the old baseline name (unit before the suffix) is still served" "$R/scrape.txt" \
  'dialsoak_process_resident_memory_bytes_baseline'
rss_baseline=$(jq_get "$R/run.json" .processes.self.resident_bytes.baseline)
[ "$(metric 'dialsoak_process_resident_memory_baseline_bytes{process="self"}')" = "$rss_baseline" ] ||
  fail "dialsoak_process_resident_memory_baseline_bytes{self} is" \
    "'$(metric 'dialsoak_process_resident_memory_baseline_bytes{process="self"}')', the report's baseline $rss_baseline"

# 2. The port is taken while the first run lingers.
port=${url##*:}
port=${port%%/*}
dialsoak_run clash 10 run --listen "127.0.0.1:$port" --lines 1 --cycles 1 --quiet
assert_exit clash 3 "the metrics port is in use"
assert_grep "the error does not name the port" "$R/clash.err" "port $port .*in use"

kill -INT "$pid"
wait_exit "$pid" 5
assert_exit lingering 0 "SIGINT ends the linger of a run that went well"
e2e_log "scrape agreed with the report: cycles $cycles, connects $connects, handles $handles"
