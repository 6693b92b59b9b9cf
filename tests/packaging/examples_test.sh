#!/usr/bin/env bash
# packaging: the examples in examples/ do what their comments say.
#   1. prometheus-fleet.yml passes `promtool check config`, has a job dialsoak with
#      targets on port 9779, and its relabelling works: a real Prometheus running that
#      file (targets replaced by one local agent, scrape interval 1 s) records
#      up{job="dialsoak"} with instance = the host name without the port and the
#      target's site label.
#   2. bank.yaml is a valid `dialsoak run --config` file: its check command from its
#      own comment (--backend sim --cycles 1) exits 0, and the report shows its settings
#      reached the run (4 lines from the modems list, the third line's number, the fourth
#      line's escape hang-up, max_failures 2, 12 h duration). A copy with a misspelt key
#      exits 2, so the check can fail.
#   3. dialsoak@.service: systemd-analyze verify accepts it (when systemd-analyze is
#      there), with ExecStart pointed at the built dialsoak. Its ExecStart, with %i,
#      /etc/dialsoak, /var/lib/dialsoak and its environment variables filled in as
#      systemd would (DIALSOAK_ARGS=--backend sim ...), runs a soak serving /metrics
#      (scraped by the Prometheus of 1.); the unit's KillSignal stops it with an exit
#      code in the unit's SuccessExitStatus (or 0), within TimeoutStopSec (a clean run
#      stopped by SIGTERM: 143), and the report is written to the state directory. The
#      unit's SuccessExitStatus counts no verdict's code (1 to 8) as success, so stopping
#      a failing soak shows a failed unit.
#   4. web.yml and prometheus-fleet-tls.yml as written: an agent with web.yml (its hash
#      unchanged; the certificate and key beside it made here by openssl) is scraped by
#      Prometheus running prometheus-fleet-tls.yml (targets, CA file and password file
#      replaced) over https with basic auth (up == 1); curl without a password gets 401.
# Usage: examples_test.sh SOURCE_DIR DIALSOAK
# shellcheck source=packaging_lib.sh
source "$(dirname "$0")/packaging_lib.sh"
src=$1 dialsoak=$(realpath "$2")
ex=$src/examples
need_cmd promtool prometheus
need_cmd prometheus prometheus
need_cmd curl curl
need_cmd jq jq

# 1a. promtool.
promtool check config "$ex/prometheus-fleet.yml" >"$PKG_TMP/promtool.log" 2>&1 ||
  { cat "$PKG_TMP/promtool.log" >&2; fail "promtool check config prometheus-fleet.yml"; }
grep -Eq '^  - job_name: dialsoak$' "$ex/prometheus-fleet.yml" || fail "no job dialsoak"
grep -Eq '^ +- bank1\.example:9779$' "$ex/prometheus-fleet.yml" || fail "no target on port 9779"
pass "promtool check config prometheus-fleet.yml"

# 3a. The unit, verified.
unit=$ex/dialsoak@.service
if command -v systemd-analyze >/dev/null; then
  mkdir "$PKG_TMP/unit"
  sed "s|^ExecStart=/usr/bin/dialsoak |ExecStart=$dialsoak |" "$unit" >"$PKG_TMP/unit/dialsoak@.service"
  (cd "$PKG_TMP/unit" && systemd-analyze verify --man=no ./dialsoak@bank1.service) \
    >"$PKG_TMP/verify.log" 2>&1 || { cat "$PKG_TMP/verify.log" >&2; fail "systemd-analyze verify"; }
  [ ! -s "$PKG_TMP/verify.log" ] || { cat "$PKG_TMP/verify.log" >&2; fail "systemd-analyze verify warned"; }
  pass "systemd-analyze verify dialsoak@.service"
else
  echo "note: systemd-analyze not found; the unit was not verified" >&2
fi

# 2. bank.yaml: its own check command, then a misspelt copy.
mkdir -p "$PKG_TMP/etc" "$PKG_TMP/state"
cp "$ex/bank.yaml" "$PKG_TMP/etc/bank1.yaml"
grep -q -- '--backend sim --cycles 1 --hold 0 --think 0$' "$ex/bank.yaml" ||
  fail "bank.yaml's comment no longer gives the check command this test runs"
(cd "$PKG_TMP" && "$dialsoak" run --config etc/bank1.yaml --backend sim --cycles 1 --hold 0 \
  --think 0 --quiet --report bank.json >bank.log 2>&1) ||
  { cat "$PKG_TMP/bank.log" >&2; fail "dialsoak run --config bank.yaml --backend sim failed"; }
check() {
  jq -e "$2" "$PKG_TMP/bank.json" >/dev/null || fail "bank.yaml: $1 ($2 is false)"
}
check "4 lines, one per modems entry" '.config.lines == 4 and .cycles == 4'
check "the third modem's own number" '.config.modems[2].number == "5551235"'
check "the fourth modem hangs up with +++" '.hangups.methods.escape == 1'
check "max_failures 2" '.config.max_failures_percent == 2'
check "duration 12h" '.config.duration_seconds == 43200'
sed 's/^hold:/hodl:/' "$ex/bank.yaml" >"$PKG_TMP/etc/typo.yaml"
set +e
"$dialsoak" run --config "$PKG_TMP/etc/typo.yaml" --backend sim --cycles 1 --quiet \
  >"$PKG_TMP/typo.log" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || fail "a misspelt key in bank.yaml: exit $rc, expected 2"
grep -q "typo.yaml:.*'hodl'" "$PKG_TMP/typo.log" || fail "the misspelt key was not named"
pass "bank.yaml runs on the simulator with its settings; a misspelt copy exits 2"

# 1b and 3b. The unit's ExecStart as systemd would run it, scraped by Prometheus
# running the fleet example.
exec_start=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$unit" | sed 's/\\$//' | tr '\n' ' ')
exec_start=${exec_start#ExecStart=}
unit_value() { sed -n "s/^$1=//p" "$unit"; }
env_line=$(unit_value Environment)
[ -n "$env_line" ] || fail "the unit sets no Environment="
declare -A unit_env=()
for kv in $env_line; do unit_env[${kv%%=*}]=${kv#*=}; done
[[ "${unit_env[DIALSOAK_LISTEN]:-}" == *:9779 ]] ||
  fail "the unit's DIALSOAK_LISTEN '${unit_env[DIALSOAK_LISTEN]:-}' is not on port 9779"
unit_env[DIALSOAK_LISTEN]=127.0.0.1:0       # as an /etc/dialsoak/bank1.env would
unit_env[DIALSOAK_LINGER]=0s
unit_env[DIALSOAK_ARGS]="--backend sim --hold 0 --think 20ms"
argv=()
for word in $exec_start; do
  word=${word//\/usr\/bin\/dialsoak/$dialsoak}
  word=${word//\/etc\/dialsoak/$PKG_TMP/etc}
  word=${word//\/var\/lib\/dialsoak/$PKG_TMP/state}
  word=${word//%i/bank1}
  if [[ "$word" =~ ^\$\{([A-Z_]+)\}$ ]]; then
    argv+=("${unit_env[${BASH_REMATCH[1]}]}")
  elif [[ "$word" =~ ^\$([A-Z_]+)$ ]]; then
    read -ra split <<<"${unit_env[${BASH_REMATCH[1]}]}"  # $VAR: split at whitespace
    argv+=("${split[@]}")
  else
    argv+=("$word")
  fi
done
[ "${argv[0]}" = "$dialsoak" ] || fail "ExecStart does not start /usr/bin/dialsoak: $exec_start"
start_bg agent "${argv[@]}"
agent=$BG_PID
agent_addr=$(wait_log agent 'metrics on http://127\.0\.0\.1:[0-9]+' 10)
agent_port=${agent_addr##*:}

sed -e "s/scrape_interval: 15s/scrape_interval: 1s/; s/scrape_timeout: 10s/scrape_timeout: 1s/" \
  -e "s/- bank1\.example:9779/- 127.0.0.1:$agent_port/" \
  -e "/- bank[2-9]\.example:9779/d" "$ex/prometheus-fleet.yml" >"$PKG_TMP/prom.yml"
# The other groups are left without targets, which Prometheus accepts: checked here.
promtool check config "$PKG_TMP/prom.yml" >/dev/null 2>&1 || fail "the local copy of the example is invalid"
start_bg prometheus prometheus --config.file="$PKG_TMP/prom.yml" \
  --storage.tsdb.path="$PKG_TMP/tsdb" --web.listen-address=127.0.0.1:0
prom_addr=$(wait_log prometheus 'msg="Listening on" address=127\.0\.0\.1:[0-9]+' 15)
prom=http://${prom_addr##*address=}
result=
for ((i = 0; i < 200; i++)); do
  result=$(curl -fsS --max-time 2 "$prom/api/v1/query" --data-urlencode 'query=up{job="dialsoak"} == 1' |
    jq -c '.data.result[].metric' 2>/dev/null || true)
  [ -n "$result" ] && break
  sleep 0.1
done
[ -n "$result" ] || fail "Prometheus never scraped the agent (up{job=\"dialsoak\"} == 1)"
jq -e '.instance == "127.0.0.1" and .site == "lab-a"' <<<"$result" >/dev/null ||
  fail "relabelling: the agent's series are labelled $result, expected instance=127.0.0.1, site=lab-a"
pass "Prometheus with the fleet example scraped the agent as instance=127.0.0.1, site=lab-a"

# 3b. Stop it as systemd would, and find its report in the state directory.
signal=$(unit_value KillSignal)
signal=${signal:-SIGTERM}
success=" 0 $(unit_value SuccessExitStatus) "
for code in 1 2 3 4 5 6 7 8; do
  [[ "$success" != *" $code "* ]] ||
    fail "the unit's SuccessExitStatus ($success) counts exit $code, a verdict or an error, as success"
done
stop_secs=$(unit_value TimeoutStopSec)
stop_secs=${stop_secs%s}
kill -s "${signal#SIG}" "$agent"
for ((i = 0; i < stop_secs * 20; i++)); do
  kill -0 "$agent" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$agent" 2>/dev/null && fail "the agent did not stop within TimeoutStopSec=${stop_secs}s of $signal"
set +e
wait "$agent"
rc=$?
set -e
[[ "$success" == *" $rc "* ]] ||
  fail "$signal made dialsoak exit $rc, which the unit counts as a failure (SuccessExitStatus:$success)"
[ "$signal" != SIGTERM ] || ((rc == 143)) ||
  fail "SIGTERM stopped a clean soak with exit $rc, expected 143 (128 + SIGTERM)"
jq -e --argjson rc "$rc" '.cycles > 0 and .exit_code == $rc and .stop.reason == "interrupted"' \
  "$PKG_TMP/state/bank1.json" >/dev/null ||
  fail "no report of the stopped run in the state directory (/var/lib/dialsoak/bank1.json):" \
    "$(jq -c '{cycles, exit_code, stop}' "$PKG_TMP/state/bank1.json" 2>&1)"
pass "$signal stopped the unit's dialsoak with exit $rc; report in the state directory"

# 4. web.yml and prometheus-fleet-tls.yml as written: an agent with the example web.yml
# (beside it, as in the unit's credentials directory: a certificate and key made here by
# openssl, signed by a CA of the test's own), scraped by Prometheus running the TLS
# example (targets, CA and password file replaced) over https with basic auth. The
# example's hash is of the password its comment names.
need_cmd openssl openssl
grep -q "the hash of 'change-me'" "$ex/web.yml" ||
  fail "web.yml's comment no longer names the password of its hash, which this test uses"
cred=$PKG_TMP/credentials
mkdir -p "$cred"
cp "$ex/web.yml" "$cred/web.yml"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=fleet test CA" \
  -keyout "$PKG_TMP/ca.key" -out "$PKG_TMP/ca.crt" 2>"$PKG_TMP/openssl.log" || fail "openssl: no CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$cred/agent.key" \
  -out "$PKG_TMP/agent.csr" 2>>"$PKG_TMP/openssl.log" || fail "openssl: no CSR"
printf 'subjectAltName=IP:127.0.0.1\n' >"$PKG_TMP/san.ext"
openssl x509 -req -in "$PKG_TMP/agent.csr" -CA "$PKG_TMP/ca.crt" -CAkey "$PKG_TMP/ca.key" \
  -CAcreateserial -days 2 -extfile "$PKG_TMP/san.ext" -out "$cred/agent.crt" \
  2>>"$PKG_TMP/openssl.log" || fail "openssl: no agent certificate"
chmod 600 "$cred/agent.key"
start_bg tls_agent "$dialsoak" run --backend sim --listen 127.0.0.1:0 \
  --web-config "$cred/web.yml" --cycles unlimited --duration 60s --think 20ms --quiet
tls_agent=$BG_PID
tls_addr=$(wait_log tls_agent 'metrics on https://127\.0\.0\.1:[0-9]+' 10)
tls_port=${tls_addr##*:}
printf 'change-me' >"$PKG_TMP/dialsoak-password"
promtool check config "$ex/prometheus-fleet-tls.yml" >"$PKG_TMP/promtool-tls.log" 2>&1 ||
  { cat "$PKG_TMP/promtool-tls.log" >&2; fail "promtool check config prometheus-fleet-tls.yml"; }
sed -e "s/scrape_interval: 15s/scrape_interval: 1s/; s/scrape_timeout: 10s/scrape_timeout: 1s/" \
  -e "s/- bank1\.example:9779/- 127.0.0.1:$tls_port/" -e "/- bank[2-9]\.example:9779/d" \
  -e "s|ca_file: /etc/prometheus/dialsoak-ca.crt|ca_file: $PKG_TMP/ca.crt|" \
  -e "s|password_file: /etc/prometheus/dialsoak-password|password_file: $PKG_TMP/dialsoak-password|" \
  "$ex/prometheus-fleet-tls.yml" >"$PKG_TMP/prom-tls.yml"
grep -q "ca_file: $PKG_TMP/ca.crt" "$PKG_TMP/prom-tls.yml" && grep -q "password_file: $PKG_TMP/" "$PKG_TMP/prom-tls.yml" ||
  fail "prometheus-fleet-tls.yml no longer has the ca_file and password_file this test replaces"
start_bg prometheus_tls prometheus --config.file="$PKG_TMP/prom-tls.yml" \
  --storage.tsdb.path="$PKG_TMP/tsdb-tls" --web.listen-address=127.0.0.1:0
prom_addr=$(wait_log prometheus_tls 'msg="Listening on" address=127\.0\.0\.1:[0-9]+' 15)
prom=http://${prom_addr##*address=}
result=
for ((i = 0; i < 200; i++)); do
  result=$(curl -fsS --max-time 2 "$prom/api/v1/query" --data-urlencode 'query=up{job="dialsoak"} == 1' |
    jq -c '.data.result[].metric' 2>/dev/null || true)
  [ -n "$result" ] && break
  sleep 0.1
done
[ -n "$result" ] || fail "Prometheus with prometheus-fleet-tls.yml never scraped the agent with web.yml (up == 1)"
code=$(curl -sS --max-time 5 --cacert "$PKG_TMP/ca.crt" -o /dev/null -w '%{http_code}' \
  "https://127.0.0.1:$tls_port/metrics") || fail "curl to the TLS agent got no answer"
[ "$code" = 401 ] || fail "the agent with web.yml answered HTTP $code without a password, expected 401"
kill "$tls_agent"
pass "Prometheus with prometheus-fleet-tls.yml scraped an agent with web.yml over https with basic auth; 401 without"
