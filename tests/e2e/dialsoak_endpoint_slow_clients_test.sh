#!/usr/bin/env bash
# e2e (issue 20, part 1): slow and idle clients cannot blind the agent's /metrics.
# `dialsoak run --listen 0` on its simulator, scraped every 1 s by a real Prometheus; then
#   1. 2 connections that send `GET /metrics HTTP/1.1\r\nHost: x\r\n` and nothing more (two
#      of them blinded the agent for 30 s before: civetweb had 2 workers): 5 scrapes with
#      curl while they are open, each under 1 s;
#   2. 256 slow connections (192 half-sent requests, 64 that send nothing), opened again
#      three times over 7 s: 3 curl scrapes each time, each under 1 s, the server side
#      of all 256 established meanwhile (so the scrapes did run beside them);
#   3. the endpoint closes a half-sent request after its request timeout (3 s), not 30 s;
#   4. Prometheus scraped the target successfully throughout (min_over_time(up) = 1);
#   5. the run ends with exit 0, its report's self thread count did not move (the
#      endpoint's worker pool is started once: the slow clients make no threads) and its
#      resident memory ends within 4 MB of its baseline (the workers are warmed up at start).
# Usage: dialsoak_endpoint_slow_clients_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"

R=$E2E_TMP
dialsoak_start agent run --listen 0 --lines 2 --duration 25s --cycles unlimited \
  --hold 20ms --think 20ms --quiet --report "$R/run.json"
agent=$SPAWNED_PID
wait_metrics_target agent "$agent"
host=${METRICS_TARGET%:*} port=${METRICS_TARGET##*:}
prometheus_start "$METRICS_TARGET"
prometheus_wait_up 1

FDS=()
# open_slow HALF SILENT: HALF connections with half a request, SILENT that send nothing.
open_slow() {
  local i fd
  for ((i = 0; i < $1 + $2; i++)); do
    exec {fd}<>"/dev/tcp/$host/$port" || fail "connection $i to $METRICS_TARGET refused"
    ((i >= $1)) || printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$fd"
    FDS+=("$fd")
  done
}
close_slow() {
  local fd
  for fd in "${FDS[@]}"; do exec {fd}>&-; done
  FDS=()
}
# Established connections whose server side is the endpoint's port (/proc/net/tcp: local
# address 0100007F:PORT in hex, state 01).
server_side_established() {
  awk -v p="$(printf '%04X' "$port")" '$2 == "0100007F:" p && $4 == "01"' /proc/net/tcp | wc -l
}
# scrape WHY: one scrape with curl; fails unless it answers 200 with the metrics in < 1 s.
scrape() {
  local t
  t=$(curl -fsS -o "$R/scrape.txt" --max-time 5 -w '%{time_total}' "$METRICS_URL") ||
    fail "a scrape with $1 open failed (curl gave up after 5 s or got an error)"
  grep -q '^dialsoak_cycles_total ' "$R/scrape.txt" || fail "a scrape with $1 open: no metrics"
  awk -v t="$t" 'BEGIN { exit !(t < 1.0) }' || fail "a scrape with $1 open took ${t}s (>= 1 s)"
  SCRAPES+=("$t")
}

slow_start=${EPOCHREALTIME%[.,]*}
# 1. The issue's two half-sent requests.
SCRAPES=()
open_slow 2 0
for _ in 1 2 3 4 5; do scrape "2 half-sent requests"; done
close_slow
e2e_log "with 2 half-sent requests open: scrapes took ${SCRAPES[*]} s"

# 2. 256 slow connections, three times.
SCRAPES=()
for round in 1 2 3; do
  opened=$EPOCHREALTIME
  open_slow 192 64
  for _ in 1 2 3; do scrape "256 slow connections (round $round)"; done
  held=$(server_side_established)
  ((held >= 256)) || fail "round $round: only $held connections established at the endpoint's port, expected >= 256"
  # Hold them 2.5 s (under the 3 s request timeout) so that Prometheus scrapes beside them.
  sleep "$(awk -v a="$opened" -v b="$EPOCHREALTIME" 'BEGIN { s = 2.5 - (b - a); print (s > 0 ? s : 0) }')"
  close_slow
done
e2e_log "with 256 slow connections open: scrapes took ${SCRAPES[*]} s"

# 3. The request timeout: a half-sent request is closed by the endpoint after 3 s.
exec {fd}<>"/dev/tcp/$host/$port"
printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$fd"
t0=$EPOCHREALTIME
got=
read -r -t 10 -u "$fd" got || true
closed_after=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
exec {fd}>&-
awk -v t="$closed_after" 'BEGIN { exit !(t >= 2.5 && t < 5) }' ||
  fail "the endpoint closed a half-sent request after ${closed_after}s, expected its 3 s request timeout"
e2e_log "a half-sent request was closed after ${closed_after}s${got:+ (answered: $got)}"

# 4. Prometheus' scrapes succeeded all along (1 s interval and timeout).
slow_secs=$((${EPOCHREALTIME%[.,]*} - slow_start + 1))
prom_wait_value "Prometheus' scrapes during the slow clients" 5 \
  "min_over_time(up{job=\"dialsoak\"}[${slow_secs}s])" 1
scrapes=$(prom_query "count_over_time(up{job=\"dialsoak\"}[${slow_secs}s])")
((scrapes >= slow_secs - 2)) || fail "Prometheus scraped only $scrapes times in ${slow_secs}s"

# 5. The run's end: exit 0, and the self thread count constant.
wait_exit "$agent" 40
assert_exit agent 0 "a clean run; the slow clients must not look like a leak"
assert_jq "the self thread count moved" "$R/run.json" \
  '.processes.self.threads.baseline == .processes.self.threads.end and .processes.self.threads.max == .processes.self.threads.end'
# The workers were warmed up before the baseline: the slow clients (and the scrapes, each
# on whichever worker is free) leave the resident memory where it was.
if [ -n "${DIALSOAK_E2E_SANITIZED:-}" ]; then
  e2e_log "resident memory not checked: an ASan build keeps freed memory in its quarantine"
else
  assert_jq "the slow clients left self's resident memory 4 MB or more above its baseline" "$R/run.json" \
    '.processes.self.resident_bytes.end - .processes.self.resident_bytes.baseline < 4e6'
fi
e2e_log "self threads: $(jq -c '.processes.self.threads' "$R/run.json"); Prometheus scraped $scrapes times in ${slow_secs}s, all up"
