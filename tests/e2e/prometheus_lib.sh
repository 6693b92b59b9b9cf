# shellcheck shell=bash
# tests/e2e/prometheus_lib.sh: a real Prometheus server (Debian's `prometheus`, 2.42) and
# Pushgateway (`prometheus-pushgateway`) for the end-to-end tests, on loopback only.
# Sourced after lib.sh (or dialsoak_lib.sh): both servers are started with spawn, so
# lib.sh's cleanup stops them by pid; their data and logs live in the test's temp dir.
#
# What it gives a test:
#   prometheus_job NAME [--honor-labels] TARGET...
#                            add a scrape job of static HOST:PORT targets to the config
#                            (--honor-labels keeps the job/instance labels of the scraped
#                            series: what a Pushgateway job needs)
#   prometheus_start [TARGET...]
#                            TARGETs, if any, become the job "dialsoak"; writes the config
#                            (scrape and evaluation every 1 s), starts prometheus on
#                            127.0.0.1 at a free port, waits (20 s) for /-/ready; sets
#                            PROM_URL (http://127.0.0.1:PORT) and PROM_PID
#   prometheus_wait_up N [SECONDS]
#                            wait (default 20 s) until N targets are scraped successfully
#   prom_query EXPR [TIME]   instant query (HTTP API /api/v1/query, at TIME in Unix seconds
#                            or now): prints each result's value, one a line (a scalar or
#                            a one-series vector: one line); an error fails the test
#   prom_query_json EXPR [TIME]
#                            the same, but prints the response's .data as JSON
#   prom_wait_value DESC SECONDS EXPR WANT
#                            wait until prom_query EXPR prints exactly WANT
#   prom_wait_true DESC SECONDS EXPR
#                            wait until EXPR has a result (e.g. 'x > 0': a filter that
#                            returns nothing while false)
#   pushgateway_start        starts prometheus-pushgateway on 127.0.0.1 at a free port
#                            (persistence in the temp dir), waits for /-/ready; sets
#                            PUSHGATEWAY_URL (http://127.0.0.1:PORT), PUSHGATEWAY_ADDR
#                            (127.0.0.1:PORT, a scrape target) and PUSHGATEWAY_PID
#   listen_port PID          the TCP port PID listens on at 127.0.0.1 (from /proc)
#   metrics_target NAME      HOST:PORT of the /metrics URL that dialsoak NAME (started with
#                            dialsoak_start NAME) printed on its stderr; false until it has
#   wait_metrics_target NAME PID
#                            wait (10 s) for it, failing at once when PID exits first; sets
#                            METRICS_TARGET (a scrape target) and METRICS_URL
#   prom_wait_close DESC SECONDS EXPR WANT
#                            wait until prom_query EXPR prints one number equal to WANT
#                            within a relative 1e-9 (floats print in 16 or 17 digits)
#   promtool_check_metrics URL [KNOWN...]
#                            scrape URL and lint the exposition with `promtool check
#                            metrics`: fails unless promtool says nothing but the KNOWN
#                            lines, each of which it must still say (a fixed finding is to be
#                            taken off the list)
#   grafana_expand EXPR JOB INSTANCE
#                            EXPR with Grafana's template variables put in: $job and
#                            $instance as given (regexes), $__rate_interval 10s (four
#                            scrapes and more), $__interval 2s, $__range 1m, $compare
#                            $E2E_DASH_COMPARE (the "Compared with" row's offset)
#   check_dashboard_queries JOB INSTANCE WANT_JOBS WANT_INSTANCES DASHBOARD...
#                            runs every query of every panel of each DASHBOARD (a JSON
#                            file of grafana/dashboards), evaluated now, twice: with $job
#                            and $instance "All" (.*), then as JOB and INSTANCE (one agent,
#                            regex-escaped as Grafana does); each must return data that is
#                            not only NaN (a range over the last 20 s for a graph, an
#                            instant query for a stat or table: the target's `instant`);
#                            panels in a collapsed row too. $compare is E2E_DASH_COMPARE:
#                            wait until the runs have been scraped that much longer.
#                            The job and instance variables' label_values() queries must
#                            list exactly WANT_JOBS and WANT_INSTANCES (space-separated).
#                            A failure names the dashboard, panel and query.
#   panel_expr DASHBOARD TITLE [REFID [JOB [INSTANCE]]]
#                            the query REFID (default: the first) of the panel TITLE of the
#                            DASHBOARD file, put through grafana_expand with JOB and INSTANCE
#                            (regexes, default .*): what Grafana runs for that panel
#   check_compare_offsets DASHBOARD
#                            every query of DASHBOARD with `offset $compare` (the overview's
#                            "Compared with" row), $compare as E2E_DASH_COMPARE and all
#                            agents selected, against the same query without the offsets
#                            (what the panel draws as "now"): at T (a whole second just
#                            past), the offset query's instant value (time=T) must equal
#                            the unoffset one's at time=T-offset, series for series, and be
#                            data; over the last minute, [T-60 s, T] (step 1 s), the offset
#                            query's range must equal the unoffset one's over [T-60 s-offset,
#                            T-offset] moved by the offset, and differ from the unoffset
#                            one's over [T-60 s, T]: the runs' data begins in that minute, so
#                            an offset ignored, or applied to a part of the query, fails
#   E2E_DASHBOARDS           the source tree's grafana/dashboards
#   E2E_DASH_COMPARE         the offset put in for $compare: 2s (whole seconds)
#
# A push test, for instance:
#   pushgateway_start
#   prometheus_job pushgateway --honor-labels "$PUSHGATEWAY_ADDR"
#   prometheus_start
#   ... dialsoak run --push "$PUSHGATEWAY_URL" ...
#   prom_wait_value "the pushed cycles" 20 'sum(dialsoak_cycles_total)' 400
#
# Free ports: each server binds 127.0.0.1:0 (the kernel picks a free port, so there is no
# window between choosing a port and binding it) and the test reads the port from /proc.
require_cmd prometheus curl jq

PROM_URL=
PROM_PID=
PUSHGATEWAY_URL=
PUSHGATEWAY_ADDR=
PUSHGATEWAY_PID=
PROM_JOBS=""
METRICS_TARGET=
METRICS_URL=
E2E_DASH_COMPARE=2s
# shellcheck disable=SC2034  # for the tests that source this file
E2E_DASHBOARDS=$(cd "$(dirname "$0")/../../grafana/dashboards" && pwd)

# listen_port PID: prints the port of a TCP socket of PID listening on 127.0.0.1; false
# while there is none. PID's sockets are the socket:[INODE] links among its fds; the
# kernel's table of IPv4 TCP sockets (/proc/net/tcp) has their state (0A is LISTEN) and
# address (0100007F:PORT, in hex).
listen_port() {
  local pid=$1 fd target inodes=" "
  for fd in "/proc/$pid/fd/"*; do
    target=$(readlink "$fd" 2>/dev/null) || continue
    [[ $target != socket:\[*\] ]] || inodes+="${target:8:-1} "
  done
  local _sl addr _rem st _txrx _tr _retr _uid _timeout inode _rest
  while read -r _sl addr _rem st _txrx _tr _retr _uid _timeout inode _rest; do
    [[ $st == 0A && $addr == 0100007F:* && $inodes == *" $inode "* ]] || continue
    echo $((16#${addr#*:}))
    return 0
  done </proc/net/tcp
  return 1
}

metrics_target() {
  grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$E2E_TMP/$1.err" 2>/dev/null | head -n 1 |
    sed 's|^http://||; s|/metrics$||' | grep .
}
e2e_metrics_target_printed() {
  metrics_target "$1" >/dev/null && return 0
  pid_alive "$2" || { e2e_reap "$2"; fail "$1 exited with status $EXIT_STATUS before printing its metrics URL"; }
  return 1
}
wait_metrics_target() {
  wait_for "$1's metrics URL on its stderr" 10 e2e_metrics_target_printed "$1" "$2"
  METRICS_TARGET=$(metrics_target "$1")
  # shellcheck disable=SC2034  # for the tests that source this file
  METRICS_URL=http://$METRICS_TARGET/metrics
}

# e2e_wait_listening NAME PID: waits (20 s) until the server listens on 127.0.0.1; fails
# at once, with its logs, when the server exits first.
e2e_server_listening() {
  pid_alive "$2" || { e2e_reap "$2"; fail "$1 exited with status $EXIT_STATUS before listening"; }
  listen_port "$2" >/dev/null
}
e2e_wait_listening() {
  wait_for "$1 (pid $2) to listen on 127.0.0.1" 20 e2e_server_listening "$1" "$2"
}

# e2e_url_ready NAME PID URL: true when URL answers 2xx; fails the test when PID is gone.
e2e_url_ready() {
  pid_alive "$2" || { e2e_reap "$2"; fail "$1 exited with status $EXIT_STATUS before it was ready"; }
  curl -fsS --max-time 2 -o /dev/null "$3" 2>/dev/null
}

prometheus_job() {
  local name=$1 honor=false t
  shift
  if [ "${1:-}" = --honor-labels ]; then honor=true; shift; fi
  (($# > 0)) || fail "prometheus_job $name: no targets"
  PROM_JOBS+="  - job_name: $name"$'\n'"    honor_labels: $honor"$'\n'
  PROM_JOBS+="    static_configs:"$'\n'"      - targets:"$'\n'
  for t in "$@"; do PROM_JOBS+="          - '$t'"$'\n'; done
}

prometheus_start() {
  (($# == 0)) || prometheus_job dialsoak "$@"
  [ -n "$PROM_JOBS" ] || fail "prometheus_start: no scrape job (give targets or call prometheus_job)"
  local cfg=$E2E_TMP/prometheus.yml
  # scrape_timeout must not exceed the interval; 1 s for both, as the tests want.
  cat >"$cfg" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
scrape_configs:
$PROM_JOBS
EOF
  spawn prometheus /dev/null "$E2E_TMP/prometheus.out" "$E2E_TMP/prometheus.err" \
    prometheus --config.file="$cfg" --storage.tsdb.path="$E2E_TMP/prometheus-data" \
    --web.listen-address=127.0.0.1:0
  PROM_PID=$SPAWNED_PID
  E2E_EXTRA_LOGS+=("$cfg")
  e2e_wait_listening prometheus "$PROM_PID"
  PROM_URL=http://127.0.0.1:$(listen_port "$PROM_PID")
  wait_for "prometheus to be ready at $PROM_URL/-/ready" 20 \
    e2e_url_ready prometheus "$PROM_PID" "$PROM_URL/-/ready"
  e2e_log "prometheus ready at $PROM_URL"
}

# e2e_prom_get EXPR [TIME]: the raw response of an instant query (also on HTTP 400/422,
# whose body says what is wrong with the expression); false when there is no answer.
e2e_prom_get() {
  local args=(--data-urlencode "query=$1")
  [ -z "${2:-}" ] || args+=(--data-urlencode "time=$2")
  curl -sS --max-time 10 -G "${args[@]}" "$PROM_URL/api/v1/query"
}

prom_query_json() {
  local expr=$1 time=${2:-} resp
  resp=$(e2e_prom_get "$expr" "$time") || fail "no answer from $PROM_URL to the query: $expr"
  jq -e '.status == "success"' <<<"$resp" >/dev/null 2>&1 ||
    fail "prometheus refused the query: $expr: $(jq -r '"\(.errorType): \(.error)"' <<<"$resp" 2>/dev/null || echo "$resp")"
  jq -c .data <<<"$resp"
}

# The values of a vector (.value[1] of each series), a scalar or a string, one a line.
E2E_PROM_VALUES='if .resultType == "vector" then .result[].value[1]
  elif .resultType == "matrix" then .result[].values[-1][1] else .result[1] end'

prom_query() {
  local data
  data=$(prom_query_json "$@")
  jq -r "$E2E_PROM_VALUES" <<<"$data"
}

# True when EXPR gives exactly WANT now (quietly false on any error: for waits).
e2e_prom_value_is() {
  local resp got
  resp=$(e2e_prom_get "$1" 2>/dev/null) || return 1
  got=$(jq -r "select(.status == \"success\") | .data | $E2E_PROM_VALUES" <<<"$resp" 2>/dev/null) ||
    return 1
  [ "$got" = "$2" ]
}

prom_wait_value() {
  local desc=$1 secs=$2 expr=$3 want=$4
  local deadline=$((${EPOCHREALTIME/[.,]/} + secs * 1000000))
  ((deadline <= E2E_BUDGET_END)) || deadline=$E2E_BUDGET_END
  until e2e_prom_value_is "$expr" "$want"; do
    if ((${EPOCHREALTIME/[.,]/} >= deadline)); then
      fail "$desc: Prometheus still gives '$(prom_query "$expr" | paste -sd ' ')' for" \
        "$expr after ${secs}s (or the test's budget), expected $want"
    fi
    sleep 0.1
  done
}

# e2e_close GOT WANT: true when both are numbers and GOT is WANT within a relative 1e-9.
e2e_close() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (b < 0 ? -b : b);
    exit !(a ~ /^-?[0-9]/ && b ~ /^-?[0-9]/ && d <= 1e-9 * m + 1e-12) }'
}

# True when EXPR gives one value now, close to WANT (quietly false on any error: for waits).
e2e_prom_close_to() {
  local resp got
  resp=$(e2e_prom_get "$1" 2>/dev/null) || return 1
  got=$(jq -r "select(.status == \"success\") | .data | $E2E_PROM_VALUES" <<<"$resp" 2>/dev/null) ||
    return 1
  [[ $got != *$'\n'* ]] && e2e_close "$got" "$2"
}

prom_wait_close() {
  local desc=$1 secs=$2 expr=$3 want=$4
  local deadline=$((${EPOCHREALTIME/[.,]/} + secs * 1000000))
  ((deadline <= E2E_BUDGET_END)) || deadline=$E2E_BUDGET_END
  until e2e_prom_close_to "$expr" "$want"; do
    if ((${EPOCHREALTIME/[.,]/} >= deadline)); then
      fail "$desc: Prometheus still gives '$(prom_query "$expr" | paste -sd ' ')' for" \
        "$expr after ${secs}s (or the test's budget), expected $want (within 1e-9)"
    fi
    sleep 0.1
  done
}

e2e_prom_nonempty() {
  local resp
  resp=$(e2e_prom_get "$1" 2>/dev/null) || return 1
  jq -e '.status == "success" and (.data.result | length) > 0' <<<"$resp" >/dev/null 2>&1
}

prom_wait_true() {
  wait_for "$1: $3" "$2" e2e_prom_nonempty "$3"
}

prometheus_wait_up() {
  local n=$1 secs=${2:-20}
  wait_for "prometheus to scrape $n targets successfully (sum(up) == $n)" "$secs" \
    e2e_prom_value_is 'sum(up)' "$n"
}

pushgateway_start() {
  require_cmd prometheus-pushgateway
  # Debian's default persistence file is in /var/lib/prometheus: keep ours in the temp dir.
  spawn pushgateway /dev/null "$E2E_TMP/pushgateway.out" "$E2E_TMP/pushgateway.err" \
    prometheus-pushgateway --web.listen-address=127.0.0.1:0 \
    --persistence.file="$E2E_TMP/pushgateway.data"
  PUSHGATEWAY_PID=$SPAWNED_PID
  e2e_wait_listening pushgateway "$PUSHGATEWAY_PID"
  PUSHGATEWAY_ADDR=127.0.0.1:$(listen_port "$PUSHGATEWAY_PID")
  PUSHGATEWAY_URL=http://$PUSHGATEWAY_ADDR
  wait_for "the pushgateway to be ready at $PUSHGATEWAY_URL/-/ready" 20 \
    e2e_url_ready pushgateway "$PUSHGATEWAY_PID" "$PUSHGATEWAY_URL/-/ready"
  e2e_log "pushgateway ready at $PUSHGATEWAY_URL"
}

# shellcheck disable=SC2016 # Grafana's $variables are meant literally
grafana_expand() {
  local e=$1
  e=${e//'$job'/"$2"}
  e=${e//'$instance'/"$3"}
  e=${e//'$__rate_interval'/10s}
  e=${e//'$__interval'/2s}
  e=${e//'$__range_s'/60}
  e=${e//'$__range'/1m}
  e=${e//'$compare'/"$E2E_DASH_COMPARE"}
  [[ $e != *'$'* ]] || fail "a template variable is left in: $e"
  printf '%s' "$e"
}

# e2e_dash_query WHERE INSTANT EXPR: fails naming WHERE unless EXPR gives data at
# E2E_DASH_T that is not only NaN; instant, or a range over the 20 s before E2E_DASH_T
# (from E2E_DASH_START: worked out once, a jq for each query would cost seconds).
E2E_DASH_T=
E2E_DASH_START=
e2e_dash_query() {
  local where=$1 instant=$2 expr=$3 resp url args verdict
  if [ "$instant" = true ]; then
    url=$PROM_URL/api/v1/query args=(--data-urlencode "time=$E2E_DASH_T")
  else
    url=$PROM_URL/api/v1/query_range
    args=(--data-urlencode "start=$E2E_DASH_START" --data-urlencode "end=$E2E_DASH_T"
      --data-urlencode step=2)
  fi
  resp=$(curl -sS --max-time 10 -G --data-urlencode "query=$expr" "${args[@]}" "$url") ||
    fail "$where: no answer from Prometheus to: $expr"
  verdict=$(jq -r 'if .status != "success" then "Prometheus refused the query (\(.error))"
    elif (.data.result | length) == 0 then "no data"
    elif [.data.result[] | (.value // .values[]) | .[1]] | all(. == "NaN") then "only NaN"
    else "ok" end' <<<"$resp" 2>&1) || verdict="unreadable answer: $resp"
  [ "$verdict" = ok ] || fail "$where: $verdict for: $expr"
}

# e2e_label_values SELECTOR LABEL: as Grafana runs label_values(SELECTOR, LABEL): the
# label's values on the series matching SELECTOR in the minute before E2E_DASH_T, sorted.
e2e_label_values() {
  curl -sS --max-time 10 -G --data-urlencode "match[]=$1" \
    --data-urlencode "start=$(jq -n "$E2E_DASH_T - 60")" --data-urlencode "end=$E2E_DASH_T" \
    "$PROM_URL/api/v1/label/$2/values" | jq -r '.data[]' | sort
}

check_dashboard_queries() {
  local job=$1 instance=${2//./'\\.'} want_jobs want_instances dash name total=0 checked=0
  local panel refid instant expr64 expr query64 query sel label got want
  want_jobs=$(tr ' ' '\n' <<<"$3" | sed '/^$/d' | sort | paste -sd ' ')
  want_instances=$(tr ' ' '\n' <<<"$4" | sed '/^$/d' | sort | paste -sd ' ')
  shift 4
  (($# > 0)) || fail "check_dashboard_queries: no dashboards"
  E2E_DASH_T=${EPOCHREALTIME/,/.}
  E2E_DASH_START=$((${E2E_DASH_T%.*} - 20)).${E2E_DASH_T#*.}
  for dash in "$@"; do
    name=$(basename "$dash" .json)
    total=$((total + $(jq '[.panels[] | ., .panels[]? | select(.type != "row") | .targets[]] | length' "$dash")))
    while IFS=$'\t' read -r panel refid instant expr64; do
      expr=$(base64 -d <<<"$expr64")
      e2e_dash_query "$name: panel \"$panel\" $refid (all agents)" "$instant" \
        "$(grafana_expand "$expr" '.*' '.*')"
      e2e_dash_query "$name: panel \"$panel\" $refid (one agent)" "$instant" \
        "$(grafana_expand "$expr" "$job" "$instance")"
      checked=$((checked + 1))
    done < <(jq -r '.panels[] | ., .panels[]? | select(.type != "row") | .title as $t | .targets[]
               | [$t, .refId, (.instant == true), (.expr | @base64)] | @tsv' "$dash")
    # The variables' queries: label_values(dialsoak_build_info, job) and its instance sibling.
    while read -r query64; do
      query=$(base64 -d <<<"$query64")
      [[ $query =~ ^label_values\((.*),\ *([a-z_]+)\)$ ]] ||
        fail "$name: variable query '$query' is not label_values(SELECTOR, LABEL)"
      sel=$(grafana_expand "${BASH_REMATCH[1]}" '.*' '.*') label=${BASH_REMATCH[2]}
      got=$(e2e_label_values "$sel" "$label" | paste -sd ' ')
      case $label in
        job) want=$want_jobs ;;
        instance) want=$want_instances ;;
        *) fail "$name: unexpected variable label $label" ;;
      esac
      [ "$got" = "$want" ] || fail "$name: variable query $query lists '$got', expected '$want'"
    done < <(jq -r '.templating.list[] | select(.type == "query") | .query | @base64' "$dash")
  done
  ((checked == total && total > 0)) || fail "checked $checked of the dashboards' $total queries"
  e2e_log "all $checked queries of $# dashboards returned data (all agents, and one agent)"
}

panel_expr() {
  local dash=$1 title=$2 refid=${3:-} e
  e=$(jq -r --arg t "$title" --arg r "$refid" '[.panels[] | ., .panels[]? | select(.type != "row" and .title == $t)
      | .targets[] | select($r == "" or .refId == $r) | .expr][0] // empty' "$dash")
  [ -n "$e" ] || fail "no query ${refid:-A} of a panel \"$title\" in $dash"
  grafana_expand "$e" "${4:-.*}" "${5:-.*}"
}

# e2e_prom_api PATH ARG...: the raw answer of GET $PROM_URL/api/v1/PATH with the
# url-encoded ARGs (name=value); fails the test when there is none.
e2e_prom_api() {
  local path=$1 a args=()
  shift
  for a in "$@"; do args+=(--data-urlencode "$a"); done
  curl -sS --max-time 10 -G "${args[@]}" "$PROM_URL/api/v1/$path" ||
    fail "no answer from $PROM_URL/api/v1/$path to: $*"
}

# The comparison of check_compare_offsets, in one jq over the four answers ($off_t: the
# offset query at T; $now_t: the unoffset query at T-O; $off_r, $now_r: their ranges over
# [T-W, T] and [T-W-O, T]): prints "ok" or what is wrong.
# shellcheck disable=SC2016 # a jq program
E2E_COMPARE_JQ='
  def refused: if .status != "success" then "Prometheus refused it (\(.error))" else empty end;
  def series: [.data.result[] | {metric, value: .value[1]}] | sort_by(.metric | tostring);
  def slice($from; $to; $shift): [.data.result[]
    | {metric, values: [.values[] | select(.[0] >= $from and .[0] <= $to) | [.[0] + $shift, .[1]]]}
    | select(.values | length > 0)] | sort_by(.metric | tostring);
  first([$off_t, $now_t, $off_r, $now_r][] | refused) //
  ($off_t | series) as $got | ($now_t | series) as $want
  | ($off_r | slice($t - $w; $t; 0)) as $off_range
  | if ($got | length) == 0 then "no data at time=\($t)"
    elif $got != $want then
      "at time=\($t) it gives \($got | tojson), but the query without the offset at time=\($t - $o) \($want | tojson)"
    elif $off_range != ($now_r | slice($t - $w - $o; $t - $o; $o)) then
      "over [\($t - $w), \($t)] it is not the query without the offset over [\($t - $w - $o), \($t - $o)] moved by \($o) s"
    elif $off_range == ($now_r | slice($t - $w; $t; 0)) then
      "over [\($t - $w), \($t)] it equals the query without the offset: the offset changes nothing"
    else "ok" end'

# shellcheck disable=SC2016 # $compare is Grafana's, meant literally
check_compare_offsets() {
  local dash=$1 name o=${E2E_DASH_COMPARE%s} w=60 t panel refid expr64 expr off now verdict checked=0
  [[ $o =~ ^[0-9]+$ ]] || fail "E2E_DASH_COMPARE must be whole seconds, not $E2E_DASH_COMPARE"
  name=$(basename "$dash" .json)
  t=$((${EPOCHREALTIME%[.,]*} - 1))
  while IFS=$'\t' read -r panel refid expr64; do
    expr=$(base64 -d <<<"$expr64")
    off=$(grafana_expand "$expr" '.*' '.*')
    now=$(grafana_expand "${expr//' offset $compare'/}" '.*' '.*')
    [[ $now != *offset* ]] || fail "$name: panel \"$panel\" $refid: an offset other than ' offset \$compare' in: $expr"
    verdict=$(jq -rn --argjson t "$t" --argjson o "$o" --argjson w "$w" \
      --argjson off_t "$(e2e_prom_api query "query=$off" "time=$t")" \
      --argjson now_t "$(e2e_prom_api query "query=$now" "time=$((t - o))")" \
      --argjson off_r "$(e2e_prom_api query_range "query=$off" "start=$((t - w))" "end=$t" step=1)" \
      --argjson now_r "$(e2e_prom_api query_range "query=$now" "start=$((t - w - o))" "end=$t" step=1)" \
      "$E2E_COMPARE_JQ" 2>&1) || verdict="unreadable answers ($verdict)"
    [ "$verdict" = ok ] ||
      fail "$name: panel \"$panel\" $refid with \$compare = $E2E_DASH_COMPARE: $verdict: $off"
    checked=$((checked + 1))
  done < <(jq -r '.panels[] | ., .panels[]? | select(.type != "row") | .title as $t | .targets[]
             | select(.expr | test("offset \\$compare")) | [$t, .refId, (.expr | @base64)] | @tsv' "$dash")
  ((checked > 0)) || fail "$name: no query with offset \$compare"
  e2e_log "$name: all $checked offset \$compare queries equal their unoffset queries $E2E_DASH_COMPARE earlier"
}

# The lint finding dialsoak's exposition has on purpose: the connect rate is in bit/s, the
# unit modem rates are stated in (V.34's 33600, the standard bucket edges), and issue 19
# fixed the name dialsoak_connect_rate_bits_per_second; promtool's base unit is bytes.
# shellcheck disable=SC2034  # for the tests that source this file
PROMTOOL_KNOWN_BITS='dialsoak_connect_rate_bits_per_second use base unit "bytes" instead of "bits"'

promtool_check_metrics() {
  local url=$1 status=0 known said=0
  shift
  require_cmd promtool
  curl -fsS --max-time 5 "$url" >"$E2E_TMP/scrape.txt" || fail "scraping $url failed"
  promtool check metrics <"$E2E_TMP/scrape.txt" >"$E2E_TMP/promtool.out" 2>&1 || status=$?
  E2E_EXTRA_LOGS+=("$E2E_TMP/promtool.out")
  : >"$E2E_TMP/promtool.known"
  for known in "$@"; do
    grep -qxF -- "$known" "$E2E_TMP/promtool.out" ||
      fail "promtool check metrics no longer says '$known' about $url: take it off the known findings"
    printf '%s\n' "$known" >>"$E2E_TMP/promtool.known"
  done
  # What promtool said but the known findings (grep: 1 when there is nothing else).
  grep -vxF -f "$E2E_TMP/promtool.known" "$E2E_TMP/promtool.out" >"$E2E_TMP/promtool.new" || said=$?
  ((said <= 1)) || fail "grep failed ($said) on promtool's output"
  [ ! -s "$E2E_TMP/promtool.new" ] ||
    fail "promtool check metrics (exit $status) has something to say about $url: $(cat "$E2E_TMP/promtool.new")"
  # promtool exits 3 on lint findings: then only KNOWN ones were said. Anything else fails.
  ((status == 0 || (status == 3 && $# > 0))) ||
    fail "promtool check metrics exited $status on $url: $(cat "$E2E_TMP/promtool.out")"
  e2e_log "promtool check metrics: nothing to say about $url${1:+ but $# known finding(s)}"
}
