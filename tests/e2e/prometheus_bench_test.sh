#!/usr/bin/env bash
# e2e: the benchmarks dashboard (grafana/dashboards/dialsoak-benchmarks.json) against a real
# `dialsoak_bench --prometheus-push` run into Debian's prometheus-pushgateway, which a real
# Prometheus scrapes with honor_labels (so the series keep job=dialsoak_bench, instance=host).
#   1. The push holds dialsoak_build_info{version=<the project's version>} 1, so the
#      dashboard's job and instance variables (label_values(dialsoak_build_info, ...)) list
#      the bench job and this host.
#   2. Every query of every panel of the dashboard returns data (check_dashboard_queries:
#      $job and $instance "All", then the bench job and this host).
#   3. The dashboard's own queries give the numbers of the bench's --benchmark_out JSON:
#      iterations and real time per iteration of BM_AtParse/chunk:64 (the table), cycles/s
#      of BM_DialHangupCycle at 1 and 4 threads (the scaling bars), its handle delta; and
#      3 benchmarks pushed, none failed, the version, a last push within the bench's run.
# Usage: prometheus_bench_test.sh <path to dialsoak_bench>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"

BENCH=$MODEMSIM  # lib.sh checked that $1 is an executable; here it is dialsoak_bench
require_cmd prometheus-pushgateway awk
R=$E2E_TMP
SRC=$(cd "$(dirname "$0")/../.." && pwd)
DASHBOARD=$SRC/grafana/dashboards/dialsoak-benchmarks.json
# The instance label dialsoak_bench gives itself: its host name, as gethostname gives it,
# with characters outside [A-Za-z0-9.-] replaced by '_'.
HOST=$(uname -n | sed 's/[^A-Za-z0-9.-]/_/g')
VERSION=$(sed -n 's/^project(dialsoak VERSION \([0-9.]*\).*/\1/p' "$SRC/CMakeLists.txt")
[ -n "$VERSION" ] || fail "no project(dialsoak VERSION ...) in $SRC/CMakeLists.txt"

pushgateway_start
prometheus_job pushgateway --honor-labels "$PUSHGATEWAY_ADDR"
prometheus_start

# One run of three benchmarks: a fast one, and the dial cycle at 1 and 4 threads.
FILTER='^BM_AtParse/chunk:64$|^BM_DialHangupCycle/real_time/threads:(1|4)$'
push_after_ms=$((${EPOCHREALTIME/[.,]/} / 1000))
spawn bench /dev/null "$R/bench.out" "$R/bench.err" "$BENCH" --benchmark_filter="$FILTER" \
  --benchmark_min_time=0.01 --benchmark_out="$R/bench.json" --benchmark_out_format=json \
  --prometheus-push "$PUSHGATEWAY_URL"
wait_exit "$SPAWNED_PID" 30
push_before_ms=$((${EPOCHREALTIME/[.,]/} / 1000))
((EXIT_STATUS == 0)) || fail "dialsoak_bench exited with $EXIT_STATUS, expected 0 (a push to a running gateway)"
[ "$(jq '.benchmarks | length' "$R/bench.json")" = 3 ] || fail "bench.json does not hold 3 runs"
e2e_log "dialsoak_bench pushed $(jq -r '[.benchmarks[].name] | join(", ")' "$R/bench.json")"

# 1. Prometheus scraped the push from the gateway, the build info with it.
sel="job=\"dialsoak_bench\",instance=\"$HOST\""
prom_wait_value "the pushed build info, scraped from the gateway" 20 \
  "dialsoak_build_info{$sel,version=\"$VERSION\"}" 1
prom_wait_value "the three pushed results" 5 "count(dialsoak_bench_error{$sel})" 3

# 2. Every query of the dashboard, and its variables.
check_dashboard_queries dialsoak_bench "$HOST" dialsoak_bench "$HOST" "$DASHBOARD"

# 3. The dashboard's numbers against the bench's own JSON.
# panel_json TITLE REFID: the data of that panel's query, the bench job and host selected.
panel_json() {
  local e
  e=$(jq -r --arg t "$1" --arg r "$2" \
    '[.panels[] | select(.type != "row" and .title == $t) | .targets[] | select(.refId == $r)
      | .expr][0] // empty' \
    "$DASHBOARD")
  [ -n "$e" ] || fail "no query $2 of a panel \"$1\" in $DASHBOARD"
  prom_query_json "$(grafana_expand "$e" dialsoak_bench "${HOST//./'\\.'}")"
}
# series_value JSON LABEL=VALUE...: the value of the one series of a query's data with
# those labels.
series_value() {
  local data=$1 filter='.result[]' kv
  shift
  for kv in "$@"; do filter+=" | select(.metric.${kv%%=*} == \"${kv#*=}\")"; done
  jq -r "[$filter | .value[1]] | if length == 1 then .[0] else \"\(length) series\" end" <<<"$data"
}
# json_value RUN_NAME FIELD: FIELD of that run in bench.json.
json_value() {
  jq -r --arg n "$1" ".benchmarks[] | select(.run_name == \$n) | .$2" "$R/bench.json"
}
# assert_close DESC GOT WANT: equal within a relative 1e-9 (both sides print ~16 digits).
assert_close() {
  awk -v a="$2" -v b="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b);
    exit !(a ~ /^-?[0-9]/ && b ~ /^-?[0-9]/ && d <= 1e-9 * m + 1e-15) }' ||
    fail "$1: the dashboard shows $2, the bench's JSON says $3"
}

at=BM_AtParse/chunk:64
dial=BM_DialHangupCycle/real_time
# Each panel's data first (an assignment, so that a failing query fails the test).
iterations=$(panel_json "Time per iteration, last push" C)
real=$(panel_json "Time per iteration, last push" A)
bars=$(panel_json "Iterations, last push" A)
scaling=$(panel_json "Cycles/s by threads, last push" A)
deltas=$(panel_json "Handle delta (must be 0)" A)
pushed=$(panel_json "Benchmarks pushed" A)
failed=$(panel_json "Failed benchmarks" A)
versions=$(panel_json Versions A)
last_push=$(panel_json "Last push" A)

want=$(json_value $at iterations)
got=$(series_value "$iterations" benchmark=$at threads=1)
[ "$got" = "$want" ] || fail "iterations of $at: the dashboard's table shows $got, the JSON says $want"
got=$(series_value "$bars" benchmark=$at threads=1)
[ "$got" = "$want" ] || fail "iterations of $at: the bar gauge shows $got, the JSON says $want"
[ "$(json_value $at time_unit)" = ns ] || fail "$at is not timed in ns"
assert_close "real time per iteration of $at" "$(series_value "$real" benchmark=$at threads=1)" \
  "$(jq -n "$(json_value $at real_time) / 1e9")"
for t in 1 4; do
  assert_close "cycles/s of $dial at $t threads" "$(series_value "$scaling" threads=$t)" \
    "$(json_value "$dial/threads:$t" cycles_per_second)"
  got=$(series_value "$deltas" benchmark=$dial threads=$t)
  [ "$got" = "$(json_value "$dial/threads:$t" handle_delta)" ] ||
    fail "handle delta of $dial at $t threads: the dashboard shows $got, the JSON $(json_value "$dial/threads:$t" handle_delta)"
  [ "$got" = 0 ] || fail "$dial at $t threads leaked handles: delta $got"
done
[ "$(series_value "$pushed")" = 3 ] || fail "Benchmarks pushed is $(series_value "$pushed"), not 3"
[ "$(series_value "$failed")" = 0 ] || fail "Failed benchmarks is $(series_value "$failed"), not 0"
[ "$(series_value "$versions" version="$VERSION")" = 1 ] ||
  fail "Versions does not show one host running $VERSION: $versions"
pushed_ms=$(series_value "$last_push")
awk -v p="$pushed_ms" -v a="$push_after_ms" -v b="$push_before_ms" \
  'BEGIN { exit !(p ~ /^[0-9]/ && p >= a && p <= b) }' ||
  fail "Last push shows $pushed_ms ms, not within the bench's run ($push_after_ms to $push_before_ms)"

e2e_log "the dashboard agrees with bench.json: $at $want iterations, cycles/s at 1 and 4" \
  "threads, handle deltas 0, 3 pushed, none failed, version $VERSION"
