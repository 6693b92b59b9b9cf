#!/usr/bin/env bash
# e2e: calls dropped at origin on the dashboards, with a real Prometheus (scraping every
# 1 s). An open-loop run offers one line 50 calls/s of 100 ms holds for 3 s, after 3 s
# offering nothing (so that Prometheus has a sample of every counter at 0 before the
# first call: increase() then has nothing to extrapolate at the start):
#   1. the run breaches 'success_ratio>=0.99' (exit 6) with most calls dropped at origin;
#   2. the capacity dashboard's "Blocking ratio (time range)" equals the report's
#      (busy + dropped) / (dials + dropped), its "Offered calls (time range)" the dials plus
#      the dropped calls (within the 20 % increase() may add at the end of the range), and
#      the overview's "Success ratio (time range)" the report's success_ratio threshold;
#      without dialsoak_calls_dropped_total they would say 0, 40-odd and 1;
#   3. the renamed metrics are served over HTTP and Prometheus has them: the live leak
#      slopes by unit (dialsoak_leak_{handles,threads,resident_memory_bytes}_per_cycle,
#      label process only) and dialsoak_process_resident_memory_baseline_bytes; promtool
#      check metrics has nothing to say about the exposition but the known bit/s finding.
# Usage: prometheus_dropped_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"
require_cmd promtool python3

R=$E2E_TMP
CAPACITY=$E2E_DASHBOARDS/dialsoak-capacity.json
OVERVIEW=$E2E_DASHBOARDS/dialsoak-overview.json

# Prometheus first, scraping a port that dialsoak will listen on, so that it scrapes the
# run from its start.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
target=127.0.0.1:$port
prometheus_start "$target"
# Prometheus applies its targets a few seconds after it starts: wait for its first
# (failed) scrape of the port, after which it scrapes every second.
prom_wait_true "Prometheus scraping $target (down until dialsoak listens)" 15 "up{job=\"dialsoak\"}"
dialsoak_start agent run --listen "$target" --linger 40s --lines 1 --hold 100ms \
  --stage 3s:0 --stage 0s:50 --stage 3s:50 --arrivals uniform --seed 5 --settle 0 \
  --threshold 'success_ratio>=0.99' --quiet --report "$R/run.json"
agent=$SPAWNED_PID
prometheus_wait_up 1
wait_for "the run's report (the run is over, /metrics lingers)" 25 test -s "$R/run.json"
pid_alive "$agent" || fail "dialsoak did not linger after the run"
f=$R/run.json
e2e_log "run: $(jq -c '{cycles, dropped_at_origin, outcomes: .outcomes.connect, exit_code,
  threshold: .thresholds[0].message}' "$f")"
assert_jq "the run must drop most calls at origin and breach its threshold" "$f" \
  '.dropped_at_origin > .cycles and .exit_code == 6 and .thresholds[0].passed == false'

# Prometheus has the final values (the counters have stopped) and the zero before them.
sel='job="dialsoak",instance="'$target'"'
prom_wait_value "the final count of calls dropped at origin" 10 \
  "dialsoak_calls_dropped_total{$sel}" "$(jq_get "$f" .dropped_at_origin)"
prom_wait_true "two scrapes of the final counts" 10 \
  "count_over_time(dialsoak_calls_dropped_total{$sel}[1m]) >= 2 and changes(dialsoak_calls_dropped_total{$sel}[3s]) == 0"
zero=$(prom_query "sum(min_over_time(dialsoak_calls_dropped_total{$sel}[1m])) + sum(min_over_time(dialsoak_dial_attempts_total{$sel}[1m]))")
[ "$zero" = 0 ] || fail "Prometheus's first scrape of the run came after its first call (min $zero):" \
  "$(prom_query_json "dialsoak_calls_dropped_total{$sel}[1m]" | jq -c '[.result[].values[] | [(.[0] | floor % 100), .[1]]]')," \
  "the run started at $(jq_get "$f" .started)"

# The dashboards' panels for this agent, $__range 1m (the whole run).
instance=${target//./'\\.'}
within() {  # within WHAT GOT WANT RELATIVE
  awk -v g="$2" -v w="$3" -v r="$4" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(d <= r * w) }' ||
    fail "$1: the dashboard says $2, the report $3 (allowed: $4 relative)"
  e2e_log "$1: dashboard $2, report $3"
}
blocking=$(jq_get "$f" '(.outcomes.busy + .dropped_at_origin) / (.cycles + .dropped_at_origin)')
within "capacity: Blocking ratio (time range)" \
  "$(prom_query "$(panel_expr "$CAPACITY" "Blocking ratio (time range)" A dialsoak "$instance")")" \
  "$blocking" 0.02
within "capacity: Offered calls (time range)" \
  "$(prom_query "$(panel_expr "$CAPACITY" "Offered calls (time range)" A dialsoak "$instance")")" \
  "$(jq_get "$f" '.cycles + .dropped_at_origin')" 0.2
within "overview: Success ratio (time range)" \
  "$(prom_query "$(panel_expr "$OVERVIEW" "Success ratio (time range)" A dialsoak "$instance")")" \
  "$(jq_get "$f" .thresholds[0].observed)" 0.02

# 3. The renamed metrics, over HTTP and in Prometheus.
curl -fsS --max-time 5 "http://$target/metrics" >"$R/scrape.txt" || fail "scraping $target failed"
for family in handles threads resident_memory_bytes; do
  assert_grep "no dialsoak_leak_${family}_per_cycle{process=\"self\"} on /metrics" "$R/scrape.txt" \
    "^dialsoak_leak_${family}_per_cycle\\{process=\"self\"\\} "
  prom_wait_true "Prometheus has dialsoak_leak_${family}_per_cycle" 5 \
    "dialsoak_leak_${family}_per_cycle{$sel,process=\"self\"}"
done
assert_no_grep "a leak slope with a resource label" "$R/scrape.txt" '_per_cycle\{[^}]*resource='
prom_wait_value "the resident memory baseline in Prometheus" 5 \
  "dialsoak_process_resident_memory_baseline_bytes{$sel,process=\"self\"}" \
  "$(jq_get "$f" .processes.self.resident_bytes.baseline)"
promtool_check_metrics "http://$target/metrics" "$PROMTOOL_KNOWN_BITS"

kill -INT "$agent"
wait_exit "$agent" 5
assert_exit agent 6 "a signal during the linger keeps the run's verdict"
