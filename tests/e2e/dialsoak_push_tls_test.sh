#!/usr/bin/env bash
# e2e: `dialsoak run` and `dialsoak capacity` pushing to a protected Pushgateway: Debian's
# prometheus-pushgateway with --web.config.file (tls_server_config and basic_auth_users,
# a bcrypt hash), its certificate from a CA made here by openssl (subjectAltName
# 127.0.0.1 and localhost).
#   1. the gateway is protected: curl without credentials gets 401, without the CA fails;
#   2. `run --push https://... --push-ca-file --push-auth-file` (one line user:password,
#      mode 600): the gateway (queried over https with curl) holds the report's cycles;
#      the password is nowhere in the output, the report or the run directory;
#   3. `capacity` with the credentials in DIALSOAK_PUSH_USER/_PASSWORD: the sweep's
#      pushed series are in the gateway;
#   4. a wrong password in a file of mode 644: a warning about the mode, the pushes fail
#      with the gateway's 401 (a warning: the run still exits 0), the password nowhere;
#   5. no CA file: the certificate cannot be verified, said with the hint, exit 0;
#   6. refused at start with exit 2, before anything runs: a password in the URL (not
#      repeated in the message), an auth file that cannot be read, a CA file with an
#      http:// URL, DIALSOAK_PUSH_USER without DIALSOAK_PUSH_PASSWORD;
#   7. dialsoak_bench --prometheus-push https://... with --prometheus-push-ca-file and
#      --prometheus-push-auth-file: its results in the gateway; a wrong password: exit 3,
#      the 401 said; a password in the URL: exit 1, not repeated.
# Usage: dialsoak_push_tls_test.sh <path to dialsoak> <path to dialsoak_bench>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"
# shellcheck source=tls_lib.sh
source "$(dirname "$0")/tls_lib.sh"
require_cmd openssl prometheus-pushgateway python3
BENCH=${2:?usage: $0 <dialsoak> <dialsoak_bench>}
[ -x "$BENCH" ] || fail "$BENCH is not an executable"

R=$E2E_TMP
PUSH_USER=pusher
PUSH_PASSWORD='Tr0ub4dor&3-push'
WRONG_PASSWORD='n0t-the-Passw0rd'

# --- Certificates: a CA, and the gateway's certificate signed by it. ---
make_signed_cert "$R" gw

# --- The bcrypt hash, by the system's crypt (libxcrypt) through Python. ---
hash=$(bcrypt_hash "$PUSH_PASSWORD" 10) || fail "no bcrypt hash"
cat >"$R/web.yml" <<EOF
tls_server_config:
  cert_file: $R/gw.pem
  key_file: $R/gw.key
basic_auth_users:
  $PUSH_USER: '$hash'
EOF

# --- The gateway (as pushgateway_start, with the web config). ---
spawn pushgateway /dev/null "$R/pushgateway.out" "$R/pushgateway.err" \
  prometheus-pushgateway --web.listen-address=127.0.0.1:0 --web.config.file="$R/web.yml" \
  --persistence.file="$R/pushgateway.data"
GW_PID=$SPAWNED_PID
e2e_wait_listening pushgateway "$GW_PID"
GW_URL=https://127.0.0.1:$(listen_port "$GW_PID")
# curl's credentials in a config file, not its command line.
printf 'user = "%s:%s"\n' "$PUSH_USER" "$PUSH_PASSWORD" >"$R/curl.cfg"
gw_curl() { curl -sS --max-time 5 --cacert "$R/ca.pem" -K "$R/curl.cfg" "$@"; }
gw_ready() { gw_curl -f -o /dev/null "$GW_URL/-/ready"; }
wait_for "the gateway to be ready over https with auth" 20 gw_ready
e2e_log "protected pushgateway ready at $GW_URL"

# 1. The gateway is protected.
code=$(curl -sS --max-time 5 --cacert "$R/ca.pem" -o /dev/null -w '%{http_code}' \
  "$GW_URL/metrics") || fail "curl without credentials did not get an answer"
[ "$code" = 401 ] || fail "curl without credentials got HTTP $code, expected 401"
! curl -sS --max-time 5 -K "$R/curl.cfg" -o /dev/null "$GW_URL/metrics" 2>"$R/curl_noca.err" ||
  fail "curl without the CA file was not refused"

# The gateway's value of METRIC in the group {job=JOB, instance=INSTANCE}.
gateway_value() {
  gw_curl -f "$GW_URL/metrics" | awk -v m="$1" -v j="job=\"$2\"" -v i="instance=\"$3\"" \
    'index($0, m "{") == 1 && index($0, j) && index($0, i) { print $NF }'
}
# assert_no_secret DESC PATH...: no PASSWORD (nor the wrong one) in any file under PATH.
assert_no_secret() {
  local desc=$1
  shift
  ! grep -rqF -e "$PUSH_PASSWORD" -e "$WRONG_PASSWORD" "$@" ||
    fail "$desc: a password is in $(grep -rlF -e "$PUSH_PASSWORD" -e "$WRONG_PASSWORD" "$@" | head -n 3)"
}

# 2. run with a CA file and an auth file.
printf '%s:%s\n' "$PUSH_USER" "$PUSH_PASSWORD" >"$R/push-auth"
chmod 600 "$R/push-auth"
dialsoak_run tls_run 30 run --push "$GW_URL" --push-ca-file "$R/ca.pem" \
  --push-auth-file "$R/push-auth" --push-label instance=tls-run --push-interval 1s \
  --lines 2 --cycles 30 --hold 2ms --think 3ms --quiet --out "$R/tls_run.d" \
  --report "$R/tls_run.json"
assert_exit tls_run 0
assert_grep "run: no word of the push with basic auth" "$R/tls_run.err" \
  "pushing metrics to https://127\.0\.0\.1:[0-9]+/metrics/job/dialsoak/instance/tls-run as user $PUSH_USER \(basic auth from the file "
assert_no_grep "run: a push warning" "$R/tls_run.err" "warn"
cycles=$(jq_get "$R/tls_run.json" .cycles)
got=$(gateway_value dialsoak_cycles_total dialsoak tls-run)
[ "$got" = "$cycles" ] || fail "the gateway has '$got' cycles of tls-run, the report $cycles"
[ "$(jq_get "$R/tls_run.json" .config.push.auth_file)" = "$R/push-auth" ] ||
  fail "the report's config does not name the auth file"
[ "$(jq_get "$R/tls_run.json" .config.push.ca_file)" = "$R/ca.pem" ] ||
  fail "the report's config does not name the CA file"
assert_no_secret "run" "$R/tls_run.out" "$R/tls_run.err" "$R/tls_run.json" "$R/tls_run.d"

# 3. capacity with the credentials in the environment.
DIALSOAK_PUSH_USER=$PUSH_USER DIALSOAK_PUSH_PASSWORD=$PUSH_PASSWORD \
  dialsoak_run tls_capacity 40 capacity --ports 5 --load 1,2 --hold-dist exp:5ms \
  --step-calls 200 --charts none --push "$GW_URL" --push-ca-file "$R/ca.pem" \
  --push-label instance=tls-capacity --report "$R/tls_capacity.json" --out "$R/tls_capacity.d"
assert_exit tls_capacity 0
assert_grep "capacity: no word of the auth from the environment" "$R/tls_capacity.err" \
  "as user $PUSH_USER \(basic auth from the environment \(DIALSOAK_PUSH_USER"
got=$(gateway_value dialsoak_cycles_total dialsoak tls-capacity)
[ "${got:-0}" -gt 0 ] 2>/dev/null || fail "the gateway has no cycles of the capacity sweep ('$got')"
assert_no_secret "capacity" "$R/tls_capacity.out" "$R/tls_capacity.err" \
  "$R/tls_capacity.json" "$R/tls_capacity.d"

# 4. A wrong password, in a file others can read.
printf '%s:%s\n' "$PUSH_USER" "$WRONG_PASSWORD" >"$R/wrong-auth"
chmod 644 "$R/wrong-auth"
dialsoak_run wrong 40 run --push "$GW_URL" --push-ca-file "$R/ca.pem" \
  --push-auth-file "$R/wrong-auth" --push-label instance=wrong --push-interval 1s \
  --lines 1 --cycles 20 --quiet --report "$R/wrong.json" --out "$R/wrong.d"
assert_exit wrong 0 "a push that fails is a warning"
assert_grep "wrong: no warning about the file's mode" "$R/wrong.err" \
  "warn.*push auth file .*wrong-auth is open to group and others \(mode 0644\).*chmod 600"
assert_grep "wrong: the 401 is not said" "$R/wrong.err" \
  "warn.*push to https://127\.0\.0\.1:[0-9]+/metrics/job/dialsoak/instance/wrong: the gateway answered HTTP 401.*the user or password was refused"
assert_grep "wrong: no word that the final push failed" "$R/wrong.err" \
  "final values did not reach .* after 3 attempts"
[ -z "$(gateway_value dialsoak_cycles_total dialsoak wrong)" ] ||
  fail "a push with the wrong password reached the gateway"
assert_no_secret "wrong password" "$R/wrong.out" "$R/wrong.err" "$R/wrong.json" "$R/wrong.d"

# 5. No CA file: the system's CAs do not know ours.
dialsoak_run noca 40 run --push "$GW_URL" --push-auth-file "$R/push-auth" \
  --push-label instance=noca --lines 1 --cycles 10 --quiet --report "$R/noca.json"
assert_exit noca 0
assert_grep "noca: the failed verification is not said" "$R/noca.err" \
  "push to https://.*certificate.*checked against the system's CA certificates: give the CA certificate that signed it as the push CA file"
assert_no_secret "no CA" "$R/noca.out" "$R/noca.err" "$R/noca.json"

# 6. Refused at start.
port=${GW_URL##*:}
dialsoak_run inurl 10 run --push "https://$PUSH_USER:$PUSH_PASSWORD@127.0.0.1:$port" \
  --cycles 1 --quiet --report "$R/inurl.json"
assert_exit inurl 2 "a password in the URL is a usage error"
assert_grep "inurl: the refusal does not say where the password goes" "$R/inurl.err" \
  "user name or password in the push URL is refused.*--push-auth-file.*DIALSOAK_PUSH_USER and DIALSOAK_PUSH_PASSWORD"
assert_no_secret "the password in the URL" "$R/inurl.out" "$R/inurl.err"
[ ! -e "$R/inurl.json" ] || fail "inurl: a report was written"

dialsoak_run noauth 10 run --push "$GW_URL" --push-ca-file "$R/ca.pem" \
  --push-auth-file "$R/no-such-file" --cycles 1 --quiet
assert_exit noauth 2 "an auth file that cannot be read"
assert_grep "noauth: the error does not name the file" "$R/noauth.err" \
  "push auth file .*no-such-file: cannot be read: No such file"

dialsoak_run httpca 10 run --push "http://127.0.0.1:$port" --push-ca-file "$R/ca.pem" \
  --cycles 1 --quiet
assert_exit httpca 2 "a CA file for a http:// URL"
assert_grep "httpca: no reason" "$R/httpca.err" "--push-ca-file.*is not https://"

DIALSOAK_PUSH_USER=$PUSH_USER dialsoak_run halfenv 10 run --push "$GW_URL" \
  --push-ca-file "$R/ca.pem" --cycles 1 --quiet
assert_exit halfenv 2 "a user without a password"
assert_grep "halfenv: no reason" "$R/halfenv.err" \
  "DIALSOAK_PUSH_USER is set but DIALSOAK_PUSH_PASSWORD is not"

# 7. dialsoak_bench, with its own flags for the same files.
bench() {
  local name=$1
  shift
  spawn "$name" /dev/null "$R/$name.out" "$R/$name.err" "$BENCH" \
    --benchmark_filter='^BM_AtParse/chunk:64$' --benchmark_min_time=0.01 "$@"
  wait_exit "$SPAWNED_PID" 30
  e2e_log "$name exited with $EXIT_STATUS"
}
bench tls_bench --prometheus-push "$GW_URL" --prometheus-push-ca-file "$R/ca.pem" \
  --prometheus-push-auth-file "$R/push-auth" --prometheus-push-job tls_bench
((EXIT_STATUS == 0)) || fail "tls_bench: dialsoak_bench exited with $EXIT_STATUS, expected 0"
assert_grep "tls_bench: no report of the push" "$R/tls_bench.err" \
  "pushed 1 results to $GW_URL \(job tls_bench\)"
bench_error=$(gw_curl -f "$GW_URL/metrics" |
  awk 'index($0, "dialsoak_bench_error{") == 1 && /job="tls_bench"/ && /benchmark="BM_AtParse\/chunk:64"/ { print $NF }')
[ "$bench_error" = 0 ] || fail "the gateway has no dialsoak_bench_error 0 of job tls_bench ('$bench_error')"
bench wrong_bench --prometheus-push "$GW_URL" --prometheus-push-ca-file "$R/ca.pem" \
  --prometheus-push-auth-file "$R/wrong-auth" --prometheus-push-job wrong_bench
((EXIT_STATUS == 3)) || fail "wrong_bench: dialsoak_bench exited with $EXIT_STATUS, expected 3"
assert_grep "wrong_bench: the 401 is not said" "$R/wrong_bench.err" \
  "warning: pushing to the Pushgateway at $GW_URL failed: .*HTTP 401.*the user or password was refused"
bench inurl_bench --prometheus-push "https://$PUSH_USER:$PUSH_PASSWORD@127.0.0.1:$port"
((EXIT_STATUS == 1)) || fail "inurl_bench: dialsoak_bench exited with $EXIT_STATUS, expected 1"
assert_grep "inurl_bench: no reason" "$R/inurl_bench.err" \
  "user name or password in the push URL is refused.*--prometheus-push-auth-file"
assert_no_secret "dialsoak_bench" "$R"/tls_bench.* "$R"/wrong_bench.* "$R"/inurl_bench.*
e2e_log "pushed $cycles cycles over https with basic auth; wrong password, no CA and bad set-ups refused"
