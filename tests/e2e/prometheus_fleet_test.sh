#!/usr/bin/env bash
# e2e: a fleet of three dialsoak agents (three processes, each with its own simulator and
# a free port) scraped by one real Prometheus (job dialsoak, three instances), and every
# query of the overview dashboard (grafana/dashboards/dialsoak-overview.json, the one to
# watch a soak on) run against that data. The capacity dashboard's sweep panels need a
# `dialsoak capacity` sweep (prometheus_capacity_test.sh), the benchmarks dashboard a
# dialsoak_bench push (prometheus_bench_test.sh).
#   1. While the agents run (with busy, no answer, no carrier and no dialtone injected,
#      holds, answer delays, and a watched process, so no panel is legitimately empty):
#      every PromQL expression of every panel of the overview (check_dashboard_queries),
#      with the template variables put in as Grafana would ($job and $instance as "All"
#      (.*), then as one agent; $__rate_interval 10s, four scrapes and more; $__interval
#      2s; $__range 1m), runs through the HTTP API (query_range over the last 20 s for a
#      graph, an instant query for a stat or table) and must return data that is not
#      only NaN; a failure names the dashboard, panel and query. The job and instance
#      variables' label_values() queries must list the job and the three agents.
#      The "Compared with" row's queries run with $compare as 2s (E2E_DASH_COMPARE), after
#      6 scrapes as of 2 s ago, so their offset series have data too; then each `offset
#      $compare` query must equal the same query without the offsets 2 s earlier
#      (check_compare_offsets: the instant value at time=T against the unoffset one at
#      time=T-2, and the last minute against the unoffset query's minute before it, moved
#      by 2 s, which must differ from the unoffset query's own last minute: the agents
#      started in it).
#   2. After the runs (reports written, /metrics lingering): the overview's summed
#      queries equal the sums of the three reports (cycles, connects, hang-up failures,
#      agents), as do the attempts summed by result for every result, each agent's own
#      cycles, and the run ids in the "Runs" table.
# Usage: prometheus_fleet_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"

R=$E2E_TMP
OVERVIEW=$E2E_DASHBOARDS/dialsoak-overview.json
N=3

agents=() targets=()
for i in $(seq 0 $((N - 1))); do
  dialsoak_start "agent$i" run --listen 0 --linger 60s --lines 3 --duration 20s \
    --cycles unlimited --hold 30ms --think 10ms --answer-delay uniform:5ms,60ms --seed $((i + 1)) \
    --sim-busy 0.2 --sim-no-answer 0.1 --sim-no-carrier 0.05 --sim-no-dialtone 0.05 \
    --watch-pid $$ --max-failures 100 --quiet --report "$R/agent$i.json"
  agents+=("$SPAWNED_PID")
done
for i in "${!agents[@]}"; do
  wait_metrics_target "agent$i" "${agents[i]}"
  targets+=("$METRICS_TARGET")
done
e2e_log "agents at ${targets[*]}"
prometheus_start "${targets[@]}"
prometheus_wait_up "$N"

# 1. Every dashboard query against the running fleet. Enough scrapes for a 10 s rate
# first, E2E_DASH_COMPARE ago too (the "Compared with" row's offset series); then the
# evaluation time T is fixed, so every query sees the same data.
prom_wait_true "6 scrapes of each running agent $E2E_DASH_COMPARE ago" 20 \
  "count(count_over_time(dialsoak_cycles_total[1m] offset $E2E_DASH_COMPARE) >= 6) == $N"
for i in "${!agents[@]}"; do
  [ ! -s "$R/agent$i.json" ] || fail "agent$i ended before Prometheus had 6 scrapes of it"
done
e2e_log "Prometheus had 6 scrapes of each agent $E2E_DASH_COMPARE ago; the overview's queries are evaluated now"
check_dashboard_queries dialsoak "${targets[1]}" dialsoak "${targets[*]}" "$OVERVIEW"
check_compare_offsets "$OVERVIEW"

# 2. After the runs: the overview's sums equal the sums of the three reports.
for i in "${!agents[@]}"; do
  wait_for "agent$i's report (its run is over, /metrics lingers)" 30 test -s "$R/agent$i.json"
done
reports=("$R"/agent?.json)
sum_reports() { jq -s "map($1) | add" "${reports[@]}"; }
# overview TITLE: the query of that panel of the overview, the job and every agent selected.
overview() { panel_expr "$OVERVIEW" "$1" A dialsoak; }
prom_wait_value "overview \"Cycles (current runs)\"" 15 \
  "$(overview 'Cycles (current runs)')" "$(sum_reports .cycles)"
prom_wait_value "overview \"Connected calls (current runs)\"" 5 \
  "$(overview 'Connected calls (current runs)')" "$(sum_reports .outcomes.connect)"
prom_wait_value "overview \"Hang-up failures (current runs)\"" 5 \
  "$(overview 'Hang-up failures (current runs)')" "$(sum_reports .hangups.failed)"
prom_wait_value "overview \"Agents\"" 5 "$(overview Agents)" "$N"
for result in connect busy no_carrier no_dialtone no_answer error timeout io_error; do
  prom_wait_value "$result attempts summed over the agents" 5 \
    "sum(dialsoak_dial_attempts_total{job=~\"dialsoak\",instance=~\".*\",result=\"$result\"})" \
    "$(sum_reports ".outcomes.$result")"
done
for i in "${!agents[@]}"; do
  prom_wait_value "agent$i's own cycles" 5 "dialsoak_cycles_total{instance=\"${targets[i]}\"}" \
    "$(jq_get "$R/agent$i.json" .cycles)"
done
runs=$(prom_query_json "$(overview Runs)" | jq -r '.result[].metric.run_id' | sort | paste -sd ' ')
want_runs=$(jq -r .run_id "${reports[@]}" | sort | paste -sd ' ')
[ "$runs" = "$want_runs" ] || fail "the Runs table lists run ids '$runs', the reports '$want_runs'"
for i in "${!reports[@]}"; do
  assert_jq "agent$i: every injected outcome must have happened" "${reports[i]}" \
    '.outcomes | .connect > 0 and .busy > 0 and .no_answer > 0 and .no_carrier > 0 and .no_dialtone > 0'
done

for i in "${!agents[@]}"; do
  kill -INT "${agents[i]}"
  wait_exit "${agents[i]}" 5
  assert_exit "agent$i" 0 "--max-failures 100"
done
e2e_log "fleet sums agree: cycles $(sum_reports .cycles), connects $(sum_reports .outcomes.connect)"
