#!/usr/bin/env bash
# e2e: `dialsoak run --push` feeds Debian's prometheus-pushgateway, and a real Prometheus
# scraping the gateway (honor_labels) sees the run.
#   1. a 4 s run with --push-interval 1s: the gateway holds the run's cycles while it is
#      still running (periodic pushes), and after it the final values, equal to the JSON
#      report, under the grouping labels given (one of them not URL-safe); Prometheus
#      sees the same count under job/instance of the push.
#   2. a gateway that is not there: a warning naming it, the run still exits 0 and
#      writes its report.
#   3. a push URL without http:// is a usage error (exit 2) before anything runs.
# Usage: dialsoak_push_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"

R=$E2E_TMP
pushgateway_start
prometheus_job pushgateway --honor-labels "$PUSHGATEWAY_ADDR"
prometheus_start

# The gateway's value of a metric of the group {job="dialsoak",instance="bank-a",site="lab 2"}.
gateway_value() {
  curl -fsS --max-time 5 "$PUSHGATEWAY_URL/metrics" |
    awk -v m="$1" 'index($0, m "{") == 1 && /instance="bank-a"/ && /job="dialsoak"/ &&
                   /site="lab 2"/ { print $NF }'
}
gateway_has_cycles() { [ "$(gateway_value dialsoak_cycles_total)" -gt 0 ] 2>/dev/null; }

# 1. Periodic pushes during the run, the final one after it.
dialsoak_start pushing run --push "$PUSHGATEWAY_URL" --push-interval 1s \
  --push-label instance=bank-a --push-label "site=lab 2" --lines 2 --cycles unlimited \
  --duration 4s --hold 2ms --think 3ms --quiet --report "$R/push.json"
pid=$SPAWNED_PID
wait_for "a periodic push during the run" 10 gateway_has_cycles
pid_alive "$pid" || fail "the run ended before a periodic push was seen; the check proves nothing"
e2e_log "mid-run, the gateway has $(gateway_value dialsoak_cycles_total) cycles"
wait_exit "$pid" 20
assert_exit pushing 0
cycles=$(jq_get "$R/push.json" .cycles)
connects=$(jq_get "$R/push.json" .outcomes.connect)
[ "$(gateway_value dialsoak_cycles_total)" = "$cycles" ] ||
  fail "the gateway has $(gateway_value dialsoak_cycles_total) cycles, the report $cycles"
connect_line=$(curl -fsS "$PUSHGATEWAY_URL/metrics" |
  grep '^dialsoak_dial_attempts_total{' | grep 'result="connect"' | grep 'instance="bank-a"')
[ "${connect_line##* }" = "$connects" ] ||
  fail "the gateway's connect attempts ($connect_line) differ from the report's $connects"
assert_grep "no push announced" "$R/pushing.err" \
  "pushing metrics to http://127\.0\.0\.1:[0-9]+/metrics/job/dialsoak/instance/bank-a/site@base64/"
prom_wait_value "Prometheus sees the pushed cycles" 20 \
  'dialsoak_cycles_total{job="dialsoak",instance="bank-a",site="lab 2"}' "$cycles"
prom_wait_value "Prometheus sees the pushed run info" 20 \
  'count(dialsoak_run_info{job="dialsoak",instance="bank-a",backend="sim"})' 1

# 2. Nothing listens at the push URL: warnings, and the soak is still a success.
dead_port=$(listen_port "$PUSHGATEWAY_PID")
stop_pid "$PUSHGATEWAY_PID"
dialsoak_run unreachable 30 run --push "http://127.0.0.1:$dead_port" --push-interval 1s \
  --lines 1 --cycles 20 --quiet --report "$R/unreachable.json"
assert_exit unreachable 0 "an unreachable gateway is only a warning"
assert_grep "no warning about the gateway" "$R/unreachable.err" \
  "warning.*push to http://127\.0\.0\.1:$dead_port/metrics/job/dialsoak/instance/.*onnect"
assert_grep "no word that the final push failed" "$R/unreachable.err" \
  "final values did not reach .* after 3 attempts"
assert_jq "the report was not written" "$R/unreachable.json" '.cycles == 20'

# 3. A push URL that is not a URL.
dialsoak_run bad_url 10 run --push 127.0.0.1:9091 --cycles 1 --quiet
assert_exit bad_url 2 "a bad push URL is a usage error"
assert_grep "the error does not say what a push URL looks like" "$R/bad_url.err" \
  "push URL '127\.0\.0\.1:9091': expected http://HOST:PORT"
e2e_log "pushed $cycles cycles and $connects connects; Prometheus agreed"
