#!/usr/bin/env bash
# e2e: dialsoak_bench --prometheus-push against Debian's prometheus-pushgateway on loopback.
#   1. a run of BM_AtParse/chunk:64 and BM_DialHangupCycle at 4 threads pushes its results:
#      every number of its own --benchmark_out JSON (iterations, real and CPU time per
#      iteration in seconds, each user counter) is in the gateway's /metrics, labelled
#      benchmark (the name without threads:N), threads, job=dialsoak_bench, instance=host;
#      with one dialsoak_build_info{version=<the project's version>} 1 (the dashboards'
#      job and instance variables list its job and instance), in every pushed group;
#   2. a second run of another benchmark replaces the group (nothing of run 1 lingers);
#      a run with --prometheus-push-job and --benchmark_repetitions=2 lands in its own
#      group with aggregate="mean|median|stddev" (no cv), the mean equal to the JSON's;
#   3. a gateway port where nothing listens: exit 3 with a warning, the table and the JSON
#      file still there; a gateway that never answers: exit 3 after --prometheus-push-timeout;
#   4. a bad URL or job name: exit 1 with a message, before any benchmark runs.
# Usage: gbench_push_test.sh <path to dialsoak_bench>
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

BENCH=$MODEMSIM  # lib.sh checked that $1 is an executable; here it is dialsoak_bench
require_cmd prometheus-pushgateway curl jq perl
R=$E2E_TMP
HOST=$(uname -n)  # what gethostname gives the program: its instance label
VERSION=$(sed -n 's/^project(dialsoak VERSION \([0-9.]*\).*/\1/p' \
  "$(dirname "$0")/../../CMakeLists.txt")
[ -n "$VERSION" ] || fail "no project(dialsoak VERSION ...) in the top-level CMakeLists.txt"

# A TCP port of 127.0.0.1 picked by the kernel (bind to port 0), printed by perl, which
# either exits (MODE free: the port is free again, for the gateway to take), or keeps it
# bound without listening (MODE refuse: a connect is refused), or listens and never
# accepts (MODE hang: a connect succeeds, the request is never answered).
cat >"$R/port.pl" <<'PERL'
use Socket;
socket(my $s, PF_INET, SOCK_STREAM, 0) or die "socket: $!";
bind($s, pack_sockaddr_in(0, inet_aton("127.0.0.1"))) or die "bind: $!";
if ($ARGV[0] eq "hang") { listen($s, 16) or die "listen: $!" }
my ($port) = unpack_sockaddr_in(getsockname($s));
$| = 1;
print "$port\n";
exit 0 if $ARGV[0] eq "free";
sleep 1 while 1;
PERL

# hold_port NAME MODE: starts the holder; its port in HELD_PORT.
hold_port() {
  local name=$1 mode=$2
  spawn "$name" /dev/null "$R/$name.out" "$R/$name.err" perl "$R/port.pl" "$mode"
  wait_for "$name to print its port" 5 e2e_file_has "$R/$name.out" '^[0-9]+$'
  HELD_PORT=$(head -n 1 "$R/$name.out")
}

# Starts the Pushgateway on a free port (another one when it cannot bind: the port was
# taken in between); its URL in GATEWAY. --persistence.file= keeps it in memory: Debian's
# default (/var/lib/prometheus/pushgateway.data) would load the groups of earlier runs.
start_gateway() {
  local attempt port
  for attempt in 1 2 3; do
    port=$(perl "$R/port.pl" free) || fail "perl could not pick a free port"
    spawn "pushgateway$attempt" /dev/null "$R/pushgateway$attempt.out" \
      "$R/pushgateway$attempt.err" prometheus-pushgateway --web.listen-address="127.0.0.1:$port" \
      --persistence.file=
    GATEWAY_PID=$SPAWNED_PID
    GATEWAY=http://127.0.0.1:$port
    wait_for "the Pushgateway to answer on port $port (or exit)" 15 gateway_up_or_dead
    pid_alive "$GATEWAY_PID" && return 0
    e2e_reap "$GATEWAY_PID"
    e2e_log "the Pushgateway exited with $EXIT_STATUS on port $port; another port"
  done
  fail "the Pushgateway did not start on any of $attempt ports"
}
gateway_up_or_dead() {
  curl -fsS --max-time 2 "$GATEWAY/-/ready" >/dev/null 2>&1 || ! pid_alive "$GATEWAY_PID"
}

# bench NAME SECONDS ARGS...: runs dialsoak_bench ARGS (stdout NAME.out, stderr NAME.err),
# waits up to SECONDS; its exit code in EXIT_STATUS.
bench() {
  local name=$1 secs=$2
  shift 2
  spawn "$name" /dev/null "$R/$name.out" "$R/$name.err" "$BENCH" "$@"
  wait_exit "$SPAWNED_PID" "$secs"
  e2e_log "$name exited with $EXIT_STATUS"
}
assert_exit() {
  ((EXIT_STATUS == $2)) || fail "$1: dialsoak_bench exited with $EXIT_STATUS, expected $2 ($3)"
}

scrape() {
  curl -fsS --max-time 5 "$GATEWAY/metrics" >"$R/$1" || fail "scraping $GATEWAY/metrics failed"
}
# series_value FILE SERIES: the value of the exact series (name{labels}) in FILE.
series_value() { awk -v s="$2" '$1 == s { print $2 }' "$1"; }
# same_number A B: equal within a relative 1e-9 (both sides print ~16 digits).
same_number() {
  awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a);
    exit !(a != "" && b != "" && d <= 1e-9 * m + 1e-15) }'
}

# expected_rows JSON iteration|aggregate: "benchmark threads aggregate metric value"
# (tab-separated; aggregate "-" for none) of each single run or each time aggregate of a
# --benchmark_out JSON file: iterations
# (single runs only), real and CPU time per iteration in seconds, each user counter.
expected_rows() {
  jq -r --argjson agg "$([ "$2" = iteration ] && echo false || echo true)" '
    .benchmarks[] | select(.run_type == (if $agg then "aggregate" else "iteration" end))
    | select(if $agg then .aggregate_unit == "time" else true end)
    | (.run_name | sub("/threads:[0-9]+$"; "")) as $b | (.threads | tostring) as $t
    | ({"ns": 1e9, "us": 1e6, "ms": 1e3, "s": 1}[.time_unit]) as $m
    | (if $agg then .aggregate_name else "-" end) as $a
    | ((if $agg then empty else ["iterations", .iterations] end),
       ["real_time_seconds", .real_time / $m], ["cpu_time_seconds", .cpu_time / $m],
       (to_entries[] | select(.key | IN("name", "family_index", "per_family_instance_index",
          "run_name", "run_type", "repetitions", "repetition_index", "threads", "iterations",
          "real_time", "cpu_time", "time_unit", "aggregate_name", "aggregate_unit",
          "error_occurred", "error_message", "label") | not) | ["counter_" + .key, .value]))
    | [$b, $t, $a, .[0], (.[1] | tostring)] | @tsv' "$1"
}

# check_against_json SCRAPE JSON JOB iteration|aggregate: every expected row of JSON is a
# series of SCRAPE in group JOB/HOST with that value. Prints how many were checked.
check_against_json() {
  local scrape=$1 json=$2 job=$3 kind=$4 b t a metric want got series n=0
  while IFS=$'\t' read -r b t a metric want; do
    [ "$a" != - ] || a=  # no aggregate (read would merge an empty field's two tabs)
    series="dialsoak_bench_$metric{${a:+aggregate=\"$a\",}benchmark=\"$b\",instance=\"$HOST\",job=\"$job\",threads=\"$t\"}"
    got=$(series_value "$R/$scrape" "$series")
    [ -n "$got" ] || fail "no series $series in the gateway's /metrics ($scrape)"
    same_number "$got" "$want" ||
      fail "$series is $got in the gateway, the JSON says $want"
    n=$((n + 1))
  done < <(expected_rows "$R/$json" "$kind")
  ((n > 0)) || fail "no rows to check in $json"
  CHECKED=$n
}

start_gateway
e2e_log "Pushgateway at $GATEWAY (pid $GATEWAY_PID)"
scrape empty.txt
assert_no_grep "the new Pushgateway already holds dialsoak_bench series" "$R/empty.txt" \
  '^dialsoak_bench_'

# 1. Two benchmarks pushed; everything in their JSON is in the gateway.
FILTER='^BM_AtParse/chunk:64$|^BM_DialHangupCycle/real_time/threads:4$'
bench first 30 --benchmark_filter="$FILTER" --benchmark_min_time=0.01 \
  --benchmark_out="$R/first.json" --benchmark_out_format=json --prometheus-push "$GATEWAY"
assert_exit first 0 "a push to a running gateway"
assert_grep "the console table is missing" "$R/first.out" '^BM_AtParse/chunk:64 +[0-9.]+ ns'
assert_grep "the console table is missing" "$R/first.out" '^BM_DialHangupCycle/real_time/threads:4 '
assert_grep "no report of the push" "$R/first.err" "pushed 2 results to $GATEWAY \\(job dialsoak_bench\\)"
[ "$(jq '.benchmarks | length' "$R/first.json")" = 2 ] || fail "first.json does not hold 2 runs"
scrape first.txt
check_against_json first.txt first.json dialsoak_bench iteration
e2e_log "run 1: $CHECKED values of first.json found in the gateway"
for series in \
  "dialsoak_bench_counter_cycles_per_second{benchmark=\"BM_DialHangupCycle/real_time\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"4\"}" \
  "dialsoak_bench_counter_handle_delta{benchmark=\"BM_DialHangupCycle/real_time\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"4\"}" \
  "dialsoak_bench_counter_bytes_per_second{benchmark=\"BM_AtParse/chunk:64\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"1\"}" \
  "dialsoak_bench_error{benchmark=\"BM_AtParse/chunk:64\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"1\"}" \
  "push_time_seconds{instance=\"$HOST\",job=\"dialsoak_bench\"}"; do
  [ -n "$(series_value "$R/first.txt" "$series")" ] || fail "no series $series"
done
[ "$(series_value "$R/first.txt" "dialsoak_bench_error{benchmark=\"BM_DialHangupCycle/real_time\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"4\"}")" = 0 ] ||
  fail "dialsoak_bench_error of the dial benchmark is not 0"
# build_info: exactly one series in the group, with the version (the tests/e2e
# prometheus_bench_test checks what the dashboards make of it).
[ "$(series_value "$R/first.txt" "dialsoak_build_info{instance=\"$HOST\",job=\"dialsoak_bench\",version=\"$VERSION\"}")" = 1 ] ||
  fail "no dialsoak_build_info{version=\"$VERSION\"} 1 in the dialsoak_bench group"
[ "$(grep -c '^dialsoak_build_info{' "$R/first.txt")" = 1 ] ||
  fail "not exactly one dialsoak_build_info series: $(grep '^dialsoak_build_info' "$R/first.txt")"
[ "$(series_value "$R/first.txt" "push_failure_time_seconds{instance=\"$HOST\",job=\"dialsoak_bench\"}")" = 0 ] ||
  fail "the Pushgateway recorded a failed push"

# 2a. Another benchmark in the same group replaces run 1 entirely (HTTP PUT).
bench second 30 --benchmark_filter='^BM_AtFrame/chunk:64$' --benchmark_min_time=0.01 \
  --benchmark_out="$R/second.json" --benchmark_out_format=json --prometheus-push="$GATEWAY/"
assert_exit second 0 "a second push"
scrape second.txt
check_against_json second.txt second.json dialsoak_bench iteration
assert_no_grep "run 1's series linger after run 2 replaced the group" "$R/second.txt" \
  'BM_AtParse|BM_DialHangupCycle|dialsoak_bench_counter_cycles_per_second'

# 2b. Own job, repetitions: aggregates only, in a group of their own.
bench reps 30 --benchmark_filter='^BM_AtParse/chunk:64$' --benchmark_min_time=0.01 \
  --benchmark_repetitions=2 --benchmark_out="$R/reps.json" --benchmark_out_format=json \
  --prometheus-push "$GATEWAY" --prometheus-push-job gbench_e2e
assert_exit reps 0 "a push with repetitions"
scrape reps.txt
check_against_json reps.txt reps.json gbench_e2e aggregate
e2e_log "run 2b: $CHECKED aggregate values of reps.json found in the gateway"
for a in mean median stddev; do
  assert_grep "no $a aggregate" "$R/reps.txt" \
    "^dialsoak_bench_real_time_seconds\\{aggregate=\"$a\",benchmark=\"BM_AtParse/chunk:64\",instance=\"$HOST\",job=\"gbench_e2e\",threads=\"1\"\\} "
done
assert_no_grep "a cv (a percentage) was pushed as seconds" "$R/reps.txt" 'aggregate="cv"'
assert_grep "the gbench_e2e group has no build info" "$R/reps.txt" \
  "^dialsoak_build_info\\{instance=\"$HOST\",job=\"gbench_e2e\",version=\"$VERSION\"\\} 1$"
assert_no_grep "single repetitions were pushed" "$R/reps.txt" \
  '^dialsoak_bench_[a-z_]+\{benchmark="BM_AtParse/chunk:64",instance="[^"]*",job="gbench_e2e"'
assert_grep "the job=dialsoak_bench group did not survive a push to another job" "$R/reps.txt" \
  "^dialsoak_bench_iterations\\{benchmark=\"BM_AtFrame/chunk:64\",instance=\"$HOST\",job=\"dialsoak_bench\",threads=\"1\"\\} "

# 3a. Nothing listens on the gateway's port: warning, exit 3, results still out.
hold_port refuser refuse
bench refused 30 --benchmark_filter='^BM_AtParse/chunk:64$' --benchmark_min_time=0.01 \
  --benchmark_out="$R/refused.json" --benchmark_out_format=json \
  --prometheus-push "http://127.0.0.1:$HELD_PORT"
assert_exit refused 3 "the gateway is unreachable"
assert_grep "no warning naming the gateway" "$R/refused.err" \
  "warning: pushing to the Pushgateway at http://127\\.0\\.0\\.1:$HELD_PORT failed: .*connect.*not pushed"
assert_grep "the table is missing when the push failed" "$R/refused.out" '^BM_AtParse/chunk:64 '
[ "$(jq '.benchmarks | length' "$R/refused.json")" = 1 ] || fail "refused.json lacks the run"

# 3b. A gateway that accepts and never answers: the push gives up at its timeout.
hold_port hanger hang
start=${EPOCHREALTIME/[.,]/}
bench hung 30 --benchmark_filter='^BM_AtParse/chunk:64$' --benchmark_min_time=0.01 \
  --prometheus-push "http://127.0.0.1:$HELD_PORT" --prometheus-push-timeout=1
hung_ms=$(((${EPOCHREALTIME/[.,]/} - start) / 1000))
assert_exit hung 3 "the gateway never answers"
assert_grep "no timeout warning" "$R/hung.err" \
  "warning: no answer from the Pushgateway at http://127\\.0\\.0\\.1:$HELD_PORT within 1000 ms"
((hung_ms >= 1000)) || fail "gave up after $hung_ms ms, before its 1 s timeout"

# 4. Bad flags: exit 1 and a message, nothing run.
bench badurl 10 --benchmark_filter='^BM_AtParse/chunk:64$' --prometheus-push 127.0.0.1:9091
assert_exit badurl 1 "a URL without a scheme"
assert_grep "the message does not explain the URL" "$R/badurl.err" \
  "--prometheus-push: '127\\.0\\.0\\.1:9091' is not a Pushgateway URL: expected http://HOST:PORT"
assert_no_grep "a benchmark ran despite the bad URL" "$R/badurl.out" 'BM_AtParse'
bench badport 10 --prometheus-push http://127.0.0.1:70000
assert_exit badport 1 "a port above 65535"
assert_grep "the message does not name the port" "$R/badport.err" "port '70000'"
bench badjob 10 --prometheus-push "$GATEWAY" --prometheus-push-job 'a/b'
assert_exit badjob 1 "a job name with a slash"
assert_grep "the message does not name the job" "$R/badjob.err" "--prometheus-push-job 'a/b'"

stop_pid "$GATEWAY_PID" 5
e2e_log "pushed and read back, replaced, aggregated; refused: exit 3; timed out after $hung_ms ms: exit 3; bad flags: exit 1"
