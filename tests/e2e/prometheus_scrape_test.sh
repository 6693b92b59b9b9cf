#!/usr/bin/env bash
# e2e: a real Prometheus server (Debian's, scraping every 1 s) scrapes a running
# `dialsoak run --listen 0 --linger 40s --report R.json` on loopback.
#   1. Prometheus sees the target up and dialsoak_cycles_total while the run is on; it
#      holds 3 distinct values of it at the end (scraped live, not only the final value).
#   2. After the run (report written, /metrics lingering), Prometheus' latest values through
#      the HTTP API equal the report's: cycles, connect and busy attempts, hang-up failures,
#      the self handle, thread and resident memory gauges at the end; dialsoak_run_info
#      carries the report's run id and backend, dialsoak_build_info its version.
#   3. `promtool check metrics` on the scraped exposition says nothing but the known
#      bit/s finding about dialsoak_connect_rate_bits_per_second (prometheus_lib.sh).
#   4. SIGINT ends the linger; the run exits 0.
# Usage: prometheus_scrape_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"
require_cmd promtool

R=$E2E_TMP
# Holds and think times make it last a few seconds: several scrapes see it running.
dialsoak_start agent run --listen 0 --linger 40s --lines 3 --duration 10s --cycles unlimited \
  --hold 20ms --think 10ms --sim-busy 0.2 --max-failures 100 --quiet --report "$R/run.json"
agent=$SPAWNED_PID
metrics_url() { grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$R/agent.err" | head -n 1; }
wait_for "the metrics URL on dialsoak's stderr" 10 eval 'metrics_url >/dev/null'
url=$(metrics_url)
target=${url#http://}
target=${target%/metrics}

# 1. Prometheus scrapes it while it runs.
prometheus_start "$target"
prometheus_wait_up 1
prom_wait_true "Prometheus to scrape the running soak" 10 'dialsoak_cycles_total > 0'

# 2. After the run: the latest values equal the report's.
wait_for "the report (the run is over, /metrics lingers)" 20 test -s "$R/run.json"
pid_alive "$agent" || fail "dialsoak did not linger after the run"
f=$R/run.json
sel='job="dialsoak",instance="'$target'"'
prom_wait_value "cycles" 10 "dialsoak_cycles_total{$sel}" "$(jq_get "$f" .cycles)"
# 3 distinct values or more: scraped live during the run, not only after it.
seen=$(prom_query "changes(dialsoak_cycles_total{$sel}[1m])")
((seen >= 2)) || fail "Prometheus saw dialsoak_cycles_total change $seen times, expected >= 2 (live)"
prom_wait_value "connects" 5 "dialsoak_dial_attempts_total{$sel,result=\"connect\"}" \
  "$(jq_get "$f" .outcomes.connect)"
prom_wait_value "busy" 5 "dialsoak_dial_attempts_total{$sel,result=\"busy\"}" \
  "$(jq_get "$f" .outcomes.busy)"
prom_wait_value "hang-up failures" 5 "dialsoak_hangup_failures_total{$sel}" \
  "$(jq_get "$f" .hangups.failed)"
prom_wait_value "self handles at the end" 5 "dialsoak_process_open_handles{$sel,process=\"self\"}" \
  "$(jq_get "$f" .processes.self.handles.end)"
prom_wait_value "self threads at the end" 5 "dialsoak_process_threads{$sel,process=\"self\"}" \
  "$(jq_get "$f" .processes.self.threads.end)"
prom_wait_value "self resident memory at the end" 5 \
  "dialsoak_process_resident_memory_bytes{$sel,process=\"self\"}" \
  "$(jq_get "$f" .processes.self.resident_bytes.end)"
prom_wait_value "run info" 5 \
  "dialsoak_run_info{$sel,backend=\"$(jq_get "$f" .backend)\",run_id=\"$(jq_get "$f" .run_id)\"}" 1
prom_wait_value "build info" 5 "dialsoak_build_info{$sel,version=\"$(jq_get "$f" .version)\"}" 1
# Every connect is counted in the histogram too: its +Inf bucket equals the counter.
prom_wait_value "connect dial durations" 5 \
  "dialsoak_dial_duration_seconds_bucket{$sel,result=\"connect\",le=\"+Inf\"}" \
  "$(jq_get "$f" .outcomes.connect)"
assert_jq "the run had too few cycles to say anything" "$f" '.cycles >= 50 and .outcomes.busy > 0'

# 3. The exposition as Prometheus scrapes it passes promtool's lint (but for the known
# bit/s finding, prometheus_lib.sh).
promtool_check_metrics "$url" "$PROMTOOL_KNOWN_BITS"

# 4. SIGINT ends the linger.
kill -INT "$agent"
wait_exit "$agent" 5
assert_exit agent 0 "--max-failures 100 tolerates the busy calls"
e2e_log "Prometheus agreed with the report: $(e2e_report_gist "$f")"
