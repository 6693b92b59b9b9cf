#!/usr/bin/env bash
# Measures how long a scrape of dialsoak's /metrics takes while slow clients hold
# connections open: `dialsoak run --listen 127.0.0.1:0` on the simulator, then for 0, 10
# and 256 slow clients (half of them send `GET /metrics HTTP/1.1\r\nHost: x\r\n` and
# nothing more, half send nothing at all), 20 scrapes with curl, and prints a Markdown
# table of the scrape time (p50 and max, and how many of the 20 failed). The slow
# connections are opened just before the scrapes and held through them; the endpoint
# closes each after its 3 s request timeout, so they are reopened before each round of
# scrapes. docs/performance.md quotes it (see docs/fleet.md#the-endpoint-under-load).
# Usage: bench/endpoint_slow_clients.sh [BUILD_DIR, default build] (DIALSOAK=path
# overrides the binary). Needs curl. Takes about 30 s.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
dialsoak=${DIALSOAK:-$build/bin/dialsoak}
work=$(mktemp -d)
export DIALSOAK_RUNS_DIR=$work/runs
agent=
cleanup() {
  [ -z "$agent" ] || kill "$agent" 2>/dev/null || true
  [ -z "$agent" ] || wait "$agent" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
command -v curl >/dev/null || { echo "needs curl" >&2; exit 2; }

"$dialsoak" run --listen 127.0.0.1:0 --cycles unlimited --duration 120s --quiet \
  --charts none --report "$work/run.json" >/dev/null 2>"$work/agent.err" &
agent=$!
url=
for _ in $(seq 100); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*/metrics' "$work/agent.err" | head -n 1) && break
  sleep 0.1
done
[ -n "$url" ] || { echo "dialsoak printed no metrics URL: $(cat "$work/agent.err")" >&2; exit 1; }
hostport=${url#http://}
hostport=${hostport%/metrics}
host=${hostport%:*} port=${hostport##*:}

fds=()
open_slow() {  # open_slow N: N slow connections, half with half a request, half silent
  local i fd
  for ((i = 0; i < $1; i++)); do
    exec {fd}<>"/dev/tcp/$host/$port"
    ((i % 2)) || printf 'GET /metrics HTTP/1.1\r\nHost: x\r\n' >&"$fd"
    fds+=("$fd")
  done
}
close_slow() {
  local fd
  for fd in "${fds[@]}"; do exec {fd}>&-; done
  fds=()
}

echo "scrape time of $url with slow clients, $(nproc) cores, $(uname -r)"
echo
echo "| slow clients | scrapes | p50 | max | failed (5 s) |"
echo "|---|---|---|---|---|"
for n in 0 10 256; do
  : >"$work/times"
  failed=0
  for round in 1 2 3 4; do
    open_slow "$n"
    for _ in 1 2 3 4 5; do
      curl -sS -o /dev/null --max-time 5 -w '%{time_total}\n' "$url" >>"$work/times" 2>/dev/null ||
        failed=$((failed + 1))
    done
    close_slow
  done
  sort -g "$work/times" | awk -v n="$n" -v failed="$failed" '
    { t[NR] = $1 }
    END { printf "| %d | %d | %.1f ms | %.1f ms | %d |\n", n, NR + failed,
          NR ? t[int((NR + 1) / 2)] * 1000 : 0, NR ? t[NR] * 1000 : 0, failed }'
done
