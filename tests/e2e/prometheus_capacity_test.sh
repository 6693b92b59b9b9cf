#!/usr/bin/env bash
# e2e: the capacity dashboard (grafana/dashboards/dialsoak-capacity.json) on a real
# `dialsoak capacity --listen 0 --linger 60s` sweep, scraped every second by a real
# Prometheus (job dialsoak). The sweep: the embedded simulator's 5 ports offered 2, 2.75,
# 3.5 and 4.25 E of exponential 40 ms holds, 400 calls a step (about 22 s): Erlang B from
# 4% to 19%, so every step blocks calls and no panel is legitimately empty (and 5 ports,
# 4 steps: a dashboard that shows one for the other is caught).
#   1. While the sweep runs (a step measured, 6 scrapes of it, no report yet): every PromQL
#      expression of every panel of the dashboard (check_dashboard_queries: $job and
#      $instance "All", then this agent; $__rate_interval 10s) returns data that is not
#      only NaN, and the job and instance variables list the job and this agent.
#   2. After the sweep (report written, /metrics lingering): Prometheus's
#      dialsoak_capacity_ports, _steps and _step equal the report's ports, its number of
#      steps and its last step's number; the blocking ratio, its lower and upper bounds,
#      Erlang B, the carried and the measured offered load equal the last step's (within
#      a relative 1e-9: float printing); the dashboard's stats (Sweep step, Far end's ports,
#      Blocking and Erlang B of the step shown, Erlang B within the interval) show the same;
#      dialsoak_dial_attempts_total{result="busy"} equals the report's calls.outcomes.busy;
#      Prometheus saw the step gauge change during the sweep (scraped live); the report's
#      steps are all complete and each blocked calls.
#   3. `promtool check metrics` on a scrape of /metrics says nothing but the known bit/s
#      finding (prometheus_lib.sh).
#   4. SIGINT ends the linger; the sweep exits 0.
# Usage: prometheus_capacity_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"
require_cmd promtool

R=$E2E_TMP
DASHBOARD=$E2E_DASHBOARDS/dialsoak-capacity.json

dialsoak_start sweep capacity --ports 5 --load 2,2.75,3.5,4.25 --hold-dist exp:40ms --step-calls 400 \
  --seed 3 --charts none --listen 0 --linger 60s --report "$R/sweep.json"
sweep=$SPAWNED_PID
wait_metrics_target sweep "$sweep"
target=$METRICS_TARGET
prometheus_start "$target"
prometheus_wait_up 1

# 1. Every dashboard query while the sweep runs: a step measured (the step gauges are 0
# until then, and the dashboard hides them) and 6 scrapes of it, enough for a 10 s rate.
sel='job="dialsoak",instance="'$target'"'
prom_wait_true "a measured step and 6 scrapes of the running sweep" 20 \
  "count_over_time(dialsoak_capacity_step{$sel}[1m]) >= 6 and dialsoak_capacity_step{$sel} > 0"
[ ! -s "$R/sweep.json" ] || fail "the sweep ended before Prometheus had 6 scrapes of a measured step"
e2e_log "Prometheus has a measured step of the running sweep; the dashboard's queries are evaluated now"
check_dashboard_queries dialsoak "$target" dialsoak "$target" "$DASHBOARD"

# 2. After the sweep: the gauges, and the dashboard's stats, equal the report's last step.
wait_for "the report (the sweep is over, /metrics lingers)" 40 test -s "$R/sweep.json"
pid_alive "$sweep" || fail "dialsoak capacity did not linger after the sweep"
f=$R/sweep.json
e2e_log "steps: $(jq -c '[.steps[] | {step, planned_erlangs, dialed, blocked, blocking, erlang_b}]' "$f")"
assert_jq "every step complete, with blocked calls" "$f" \
  '(.steps | length) == 4 and all(.steps[]; .complete and .blocked > 0 and .dialed > 0)'
last=$(jq_get "$f" '.steps[-1]')
last_step() { jq -r ".$1" <<<"$last"; }
prom_wait_value "the step shown" 10 "dialsoak_capacity_step{$sel}" "$(last_step step)"
prom_wait_value "the steps in the sweep" 5 "dialsoak_capacity_steps{$sel}" "$(jq_get "$f" '.steps | length')"
prom_wait_value "the far end's ports" 5 "dialsoak_capacity_ports{$sel}" "$(jq_get "$f" .ports)"
prom_wait_close "the last step's blocking" 5 "dialsoak_blocking_ratio{$sel}" "$(last_step blocking)"
prom_wait_close "the last step's lower bound" 5 "dialsoak_blocking_lower_bound_ratio{$sel}" \
  "$(last_step blocking_lower)"
prom_wait_close "the last step's upper bound" 5 "dialsoak_blocking_upper_bound_ratio{$sel}" \
  "$(last_step blocking_upper)"
prom_wait_close "the last step's Erlang B" 5 "dialsoak_predicted_blocking_ratio{$sel}" "$(last_step erlang_b)"
prom_wait_close "the last step's carried load" 5 "dialsoak_carried_load_erlangs{$sel}" \
  "$(last_step carried_erlangs)"
prom_wait_close "the last step's measured offered load" 5 \
  "dialsoak_measured_offered_load_erlangs{$sel}" "$(last_step offered_erlangs)"
prom_wait_value "busy attempts" 5 "dialsoak_dial_attempts_total{$sel,result=\"busy\"}" \
  "$(jq_get "$f" .calls.outcomes.busy)"
# Scraped live: the step gauge moved from step to step while Prometheus watched.
changes=$(prom_query "changes(dialsoak_capacity_step{$sel}[2m])")
((changes >= 2)) || fail "Prometheus saw dialsoak_capacity_step change $changes times, expected >= 2 (live)"

# The dashboard's stats, as Grafana runs them for this agent (assignments: a query that
# is not there fails the test).
instance=${target//./'\\.'}
stat_expr() { panel_expr "$DASHBOARD" "$1" "$2" dialsoak "$instance"; }
e=$(stat_expr "Sweep step" A)
prom_wait_value "the dashboard's Sweep step" 5 "$e" "$(last_step step)"
e=$(stat_expr "Sweep step" B)
prom_wait_value "the dashboard's steps of the sweep" 5 "$e" "$(jq_get "$f" '.steps | length')"
e=$(stat_expr "Far end's ports" A)
prom_wait_value "the dashboard's Far end's ports" 5 "$e" "$(jq_get "$f" .ports)"
e=$(stat_expr "Blocking (step shown)" A)
prom_wait_close "the dashboard's Blocking (step shown)" 5 "$e" "$(last_step blocking)"
e=$(stat_expr "Erlang B (step shown)" A)
prom_wait_close "the dashboard's Erlang B (step shown)" 5 "$e" "$(last_step erlang_b)"
e=$(stat_expr "Erlang B within the interval" A)
prom_wait_value "the dashboard's Erlang B within the interval" 5 "$e" \
  "$(jq_get "$f" 'if .steps[-1].agrees then 1 else 0 end')"

# 3. promtool's lint of the exposition.
promtool_check_metrics "$METRICS_URL" "$PROMTOOL_KNOWN_BITS"

# 4. SIGINT ends the linger.
kill -INT "$sweep"
wait_exit "$sweep" 5
assert_exit sweep 0 "a sweep without --expect-erlang-b"
e2e_log "Prometheus agreed with the report's last step: $(jq -c '{step, blocking, erlang_b, carried_erlangs}' <<<"$last")"
