#!/usr/bin/env bash
# e2e (issue 20, part 2): /metrics over TLS with basic auth, from a web configuration
# file in exporter-toolkit's format (--web-config), its certificate from a CA made here by
# openssl, its bcrypt hash by the system's crypt (through Python).
#   1. `dialsoak run --listen 0 --web-config web.yml` prints an https:// URL; a real
#      Prometheus scrapes it with scheme https, tls_config ca_file and basic_auth: up = 1
#      and dialsoak_cycles_total > 0;
#   2. curl without credentials: 401 with a Basic challenge; a wrong password: 401; an
#      unknown user: 401; plain http to the TLS port: no HTTP answer; the right password:
#      200 with the metrics;
#      beside 256 silent connections (held in the TLS handshake), an authenticated scrape
#      still takes under 1 s, and the run ends with every self verdict ok (exit 0) and
#      its resident memory within 4 MB of its baseline;
#   3. dialsoak_endpoint_refused_total counted them: auth >= 3 and tls >= 1 (read by
#      Prometheus through its own authenticated scrapes);
#   4. the password and its hash are nowhere in dialsoak's output, report or run
#      directory; the report's config names the web config file;
#   5. refused at start with exit 2 and the reason: a key file that cannot be read (file,
#      line and key named), a key that does not match the certificate, an unknown key,
#      a key of the format dialsoak does not implement, a password in place of a hash,
#      --web-config without --listen; nothing is served then;
#   6. `dialsoak capacity --listen 0 --web-config` serves its sweep over https with auth
#      too (curl: 401 without, 200 with the capacity gauges).
# Usage: dialsoak_endpoint_tls_test.sh <path to dialsoak>
# shellcheck source=dialsoak_lib.sh
source "$(dirname "$0")/dialsoak_lib.sh"
# shellcheck source=prometheus_lib.sh
source "$(dirname "$0")/prometheus_lib.sh"
# shellcheck source=tls_lib.sh
source "$(dirname "$0")/tls_lib.sh"
require_cmd openssl python3

R=$E2E_TMP
USER_NAME=prometheus
PASSWORD='c0rrect-h0rse-Battery'
WRONG='n0t-the-Passw0rd'

# --- Certificates: a CA, and the agent's certificate signed by it. ---
make_signed_cert "$R" agent
openssl req -newkey rsa:2048 -nodes -subj "/CN=other" -keyout "$R/other.key" \
  -out /dev/null 2>>"$R/openssl.err" || fail "openssl: no second key"

# --- The bcrypt hash, by the system's crypt (libxcrypt) through Python. ---
hash=$(bcrypt_hash "$PASSWORD" 6) || fail "no bcrypt hash"
# web_config FILE KEY_FILE [EXTRA LINE]: a web config with the agent's certificate.
web_config() {
  cat >"$1" <<EOF
tls_server_config:
  cert_file: $R/agent.pem
  key_file: $2
${3:-}
basic_auth_users:
  $USER_NAME: '$hash'
EOF
}
web_config "$R/web.yml" "$R/agent.key"

# 1. The agent over https with basic auth, scraped by Prometheus.
dialsoak_start agent run --listen 0 --web-config "$R/web.yml" --lines 2 --duration 20s \
  --cycles unlimited --hold 20ms --think 20ms --quiet --report "$R/run.json"
agent=$SPAWNED_PID
tls_url() { grep -o 'https://127\.0\.0\.1:[0-9]*/metrics' "$R/agent.err" | head -n 1; }
wait_for "the https metrics URL on dialsoak's stderr" 10 eval 'tls_url >/dev/null'
URL=$(tls_url)
target=${URL#https://}
target=${target%/metrics}
PROM_JOBS="  - job_name: dialsoak
    scheme: https
    tls_config:
      ca_file: $R/ca.pem
    basic_auth:
      username: $USER_NAME
      password: '$PASSWORD'
    static_configs:
      - targets: ['$target']
"
prometheus_start
prometheus_wait_up 1
prom_wait_true "Prometheus to scrape the soak over https with auth" 10 'dialsoak_cycles_total > 0'

# 2. Refusals, and the one way in.
printf 'user = "%s:%s"\n' "$USER_NAME" "$PASSWORD" >"$R/curl.cfg"
printf 'user = "%s:%s"\n' "$USER_NAME" "$WRONG" >"$R/curl-wrong.cfg"
printf 'user = "%s:%s"\n' "nobody" "$PASSWORD" >"$R/curl-nobody.cfg"
code() { curl -sS --max-time 5 --cacert "$R/ca.pem" -o "$R/body" -D "$R/headers" -w '%{http_code}' "$@"; }
got=$(code "$URL") || fail "curl without credentials got no answer"
[ "$got" = 401 ] || fail "curl without credentials got HTTP $got, expected 401"
grep -qi '^WWW-Authenticate: Basic' "$R/headers" || fail "the 401 has no Basic challenge: $(cat "$R/headers")"
got=$(code -K "$R/curl-wrong.cfg" "$URL") || fail "curl with a wrong password got no answer"
[ "$got" = 401 ] || fail "curl with a wrong password got HTTP $got, expected 401"
got=$(code -K "$R/curl-nobody.cfg" "$URL") || fail "curl as an unknown user got no answer"
[ "$got" = 401 ] || fail "curl as an unknown user got HTTP $got, expected 401"
! curl -sS --max-time 5 -K "$R/curl.cfg" -o /dev/null "http://$target/metrics" 2>"$R/plain.err" ||
  fail "plain http to the TLS port was answered"
e2e_log "plain http to the TLS port: $(cat "$R/plain.err")"
got=$(code -K "$R/curl.cfg" "$URL") || fail "curl with the password got no answer"
[ "$got" = 200 ] || fail "curl with the password got HTTP $got, expected 200"
grep -q '^dialsoak_cycles_total ' "$R/body" || fail "the authenticated scrape has no dialsoak_cycles_total"

# 2b. 256 silent connections (each holds a worker in the TLS handshake for up to the 3 s
# request timeout) do not delay an authenticated scrape by a second; the memory their
# handshakes took is given back (checked at the end of the run).
fds=()
for ((i = 0; i < 256; i++)); do
  exec {fd}<>"/dev/tcp/127.0.0.1/${target##*:}" || fail "silent connection $i refused"
  fds+=("$fd")
done
t=$(curl -fsS --max-time 5 --cacert "$R/ca.pem" -K "$R/curl.cfg" -o /dev/null -w '%{time_total}' "$URL") ||
  fail "an authenticated scrape beside 256 silent connections failed"
for fd in "${fds[@]}"; do exec {fd}>&-; done
awk -v t="$t" 'BEGIN { exit !(t < 1.0) }' || fail "an authenticated scrape beside 256 silent connections took ${t}s"
e2e_log "an authenticated https scrape beside 256 silent connections took ${t}s"

# 3. The refusals counted, as Prometheus scrapes them.
sel='job="dialsoak"'
prom_wait_true "the auth refusals counted" 10 "dialsoak_endpoint_refused_total{$sel,reason=\"auth\"} >= 3"
prom_wait_true "the TLS refusal counted" 10 "dialsoak_endpoint_refused_total{$sel,reason=\"tls\"} >= 1"

wait_exit "$agent" 40
# Exit 0: no leak verdict. The workers were warmed up before the baseline (each served
# one request over TLS) and the burst's memory was given back (malloc_trim).
assert_exit agent 0 "the slow TLS clients' memory must not look like a leak"
if [ -n "${DIALSOAK_E2E_SANITIZED:-}" ]; then
  e2e_log "self verdicts and resident memory not checked: an ASan build keeps freed memory in its quarantine"
else
  assert_jq "a self verdict other than ok" "$R/run.json" \
    '[.leaks[] | select(.process == "self") | .verdict] == ["ok", "ok", "ok"]'
  assert_jq "the TLS handshakes' memory was not given back" "$R/run.json" \
    '.processes.self.resident_bytes.end - .processes.self.resident_bytes.baseline < 4e6'
fi
e2e_log "self at the end: $(jq -c '.processes.self | {threads, resident_bytes}' "$R/run.json")"
# 4. No secret anywhere; the config names the file.
[ "$(jq_get "$R/run.json" .config.web_config)" = "$R/web.yml" ] ||
  fail "the report's config does not name the web config file"
! grep -rqF -e "$PASSWORD" -e "$WRONG" -e "$hash" "$R/agent.out" "$R/agent.err" "$R/run.json" "$DIALSOAK_RUNS_DIR" ||
  fail "a password or the hash is in $(grep -rlF -e "$PASSWORD" -e "$WRONG" -e "$hash" "$R/agent.out" "$R/agent.err" "$R/run.json" "$DIALSOAK_RUNS_DIR" | head -n 3)"

# 5. Refused at start.
refused() {  # NAME WHY REGEX ARGS...: exit 2, REGEX on stderr, no metrics URL
  local name=$1 why=$2 regex=$3
  shift 3
  dialsoak_run "$name" 10 run --cycles 1 --quiet "$@"
  assert_exit "$name" 2 "$why"
  assert_grep "$name: the reason is not said" "$R/$name.err" "$regex"
  assert_no_grep "$name: it served metrics" "$R/$name.err" "metrics on"
}
web_config "$R/nokey.yml" "$R/no-such.key"
refused nokey "a key file that cannot be read" \
  "nokey\.yml:3: tls_server_config\.key_file: cannot read .*no-such\.key: No such file or directory" \
  --listen 0 --web-config "$R/nokey.yml"
web_config "$R/otherkey.yml" "$R/other.key"
refused otherkey "a key that does not match the certificate" \
  "otherkey\.yml:[0-9]+: tls_server_config\.key_file: .*other\.key does not match the certificate" \
  --listen 0 --web-config "$R/otherkey.yml"
web_config "$R/garbage.yml" "$R/ca.srl"
refused garbage "a key file that is not a key" \
  "garbage\.yml:3: tls_server_config\.key_file: .*ca\.srl is not a PEM private key" \
  --listen 0 --web-config "$R/garbage.yml"
web_config "$R/unknown.yml" "$R/agent.key" "  key_flie: x"
refused unknown "an unknown key" "unknown\.yml:4: tls_server_config\.key_flie: unknown key" \
  --listen 0 --web-config "$R/unknown.yml"
web_config "$R/ciphers.yml" "$R/agent.key" "  cipher_suites: [TLS_AES_128_GCM_SHA256]"
refused ciphers "a key dialsoak does not implement" \
  "ciphers\.yml:4: tls_server_config\.cipher_suites: not supported by dialsoak" \
  --listen 0 --web-config "$R/ciphers.yml"
printf 'basic_auth_users:\n  %s: %s\n' "$USER_NAME" "$PASSWORD" >"$R/plainpw.yml"
refused plainpw "a password in place of a hash" \
  "plainpw\.yml:2: basic_auth_users\.$USER_NAME: not a bcrypt hash" \
  --listen 0 --web-config "$R/plainpw.yml"
assert_no_grep "plainpw: the password is repeated" "$R/plainpw.err" "$PASSWORD"
refused nolisten "--web-config without --listen" "--web-config .* needs --listen" \
  --web-config "$R/web.yml"

# 6. capacity shares the endpoint.
dialsoak_start cap capacity --listen 0 --web-config "$R/web.yml" --linger 20s --ports 5 \
  --load 1,2 --hold-dist exp:5ms --step-calls 200 --charts none --report "$R/cap.json"
cap=$SPAWNED_PID
cap_url() { grep -o 'https://127\.0\.0\.1:[0-9]*/metrics' "$R/cap.err" | head -n 1; }
wait_for "capacity's https metrics URL" 10 eval 'cap_url >/dev/null'
CAP_URL=$(cap_url)
got=$(code "$CAP_URL") || fail "capacity: curl without credentials got no answer"
[ "$got" = 401 ] || fail "capacity: curl without credentials got HTTP $got, expected 401"
cap_ports() { code -K "$R/curl.cfg" "$CAP_URL" >/dev/null && grep -q '^dialsoak_capacity_ports 5' "$R/body"; }
wait_for "capacity's sweep to publish its ports over https" 20 cap_ports
kill -INT "$cap"
wait_exit "$cap" 20
e2e_log "TLS and basic auth on /metrics: Prometheus up over https, 401s and the plain-http refusal counted"
