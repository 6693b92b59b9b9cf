#!/usr/bin/env bash
# The coverage of `dialsoak capacity`'s blocking intervals, measured: SWEEPS sweeps of the
# embedded simulator (a perfect Erlang B far end of 24 ports, the default seven loads from
# 0.1% to 20% blocking), one seed each, every one with --expect-erlang-b. Prints Markdown:
#   - per step and in all, the share of steps whose 95% interval holds Erlang B for the
#     24 ports at the step's offered load, with the binomial (Wilson) interval of that
#     share: the batch-means interval the sweep reports now; the Wilson interval on
#     independent calls with Erlang B at the window's realized load (the check as it was
#     before: blocked / dialed, and the load the window's own calls made); and the two
#     changes one at a time (which part of the old check's misses was the interval's,
#     which the load's);
#   - how often --expect-erlang-b exited 6 (a correct far end called wrong), against the
#     1% it promises, and how often the old check would have (the same binomial-tail rule
#     on the old agreements);
#   - the design effect (the blocking's variance over the binomial one) the steps used.
# Steps are shortened (by default --precision 0.5 --max-step 6s: about 35 s a sweep, so 50
# sweeps take about 30 minutes); the coverage does not depend on the steps' length.
#
# The simulator is an Erlang B far end only while the machine keeps up with it: a machine
# too busy clumps the calls, and clumped calls block more than Poisson ones. Sweeps run one
# at a time; each waits (up to WAIT_MAX seconds, default 300) for the 1-minute load average
# to fall below MAX_LOAD (default 3 per core); and a sweep with a step that did not keep
# the schedule (start lag p99 over the mean hold, or over 1% of its calls dropped at
# origin: the sweep's own check) measured the machine, not the intervals: it is set apart
# (counted and summarized on its own line) and another seed is run in its place, up to
# 2 x SWEEPS sweeps in all.
#
# Usage: bench/capacity_coverage.sh [SWEEPS, default 50] [BUILD_DIR, default build]
#        [-- extra dialsoak capacity flags, replacing the default shortening]
#        DIALSOAK=path overrides the binary; FIRST_SEED (default 1000); KEEP=DIR keeps
#        each sweep's JSON report there; NICE=-5 runs the sweeps at that niceness (on a
#        machine shared with builds and soaks, a negative one keeps the simulator on time;
#        needs root). Needs jq and awk. Exit 0, or 1 when a sweep did not end with 0 or 6
#        or fewer than SWEEPS sweeps kept the schedule.
set -euo pipefail
cd "$(dirname "$0")/.."
sweeps=${1:-50}
build=${2:-build}
shift $(($# < 2 ? $# : 2))
[ "${1:-}" = "--" ] && shift
extra=("$@")
((${#extra[@]})) || extra=(--precision 0.5 --max-step 6s)
dialsoak=${DIALSOAK:-$build/bin/dialsoak}
first=${FIRST_SEED:-1000}
max_load=${MAX_LOAD:-$((3 * $(nproc)))}
wait_max=${WAIT_MAX:-300}
[ -x "$dialsoak" ] || { echo "build first: scripts/run or scripts/test" >&2; exit 2; }
command -v jq >/dev/null || { echo "needs jq" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/capacity-coverage.XXXXXX")
trap 'rm -rf "$work"' EXIT
keep=${KEEP:-}
[ -z "$keep" ] || mkdir -p "$keep"

# Erlang B(E, C) by the recurrence B(E, k) = E B(E, k-1) / (k + E B(E, k-1)), B(E, 0) = 1.
jq_erlang_b='def erlang_b($e; $c): reduce range(1; $c + 1) as $k (1; $e * . / ($k + $e * .));'
# One row per complete step: seed step exit clean new old new_at_realized wilson_at_offered
# design_effect (clean: every step of the sweep kept the schedule).
rows=$work/rows.tsv
: >"$rows"
failed=0 clean=0 attempts=0 seed=$first
started=$(date +%s)
loads=()
while ((clean < sweeps && attempts < 2 * sweeps)); do
  for ((w = 0; w < wait_max; w += 10)); do
    awk -v m="$max_load" '{ exit !($1 < m) }' /proc/loadavg && break
    sleep 10
  done
  loads+=("$(cut -d' ' -f1 /proc/loadavg)")
  report=$work/sweep-$seed.json
  code=0
  nice -n "${NICE:-0}" "$dialsoak" capacity --quiet --seed "$seed" --expect-erlang-b \
    --charts none "${extra[@]}" --report "$report" >"$work/sweep-$seed.out" 2>&1 || code=$?
  attempts=$((attempts + 1))
  if ((code != 0 && code != 6)) || [ ! -s "$report" ]; then
    echo "sweep with --seed $seed exited $code:" >&2
    tail -5 "$work/sweep-$seed.out" >&2
    failed=1
    seed=$((seed + 1))
    continue
  fi
  [ -z "$keep" ] || cp "$report" "$keep/"
  kept=$(jq '[.steps[] | select(.complete and .dialed > 0) | .schedule_kept] | all | if . then 1 else 0 end' "$report")
  clean=$((clean + kept))
  jq -r --argjson seed "$seed" --argjson code "$code" --argjson kept "$kept" "$jq_erlang_b"'
    .ports as $c | .steps[] | select(.complete and .dialed > 0) |
    erlang_b(.realized_erlangs; $c) as $old_b |
    [$seed, .step, $code, $kept,
     (if .agrees then 1 else 0 end),
     (if $old_b >= .wilson_lower and $old_b <= .wilson_upper then 1 else 0 end),
     (if $old_b >= .blocking_lower and $old_b <= .blocking_upper then 1 else 0 end),
     (if .erlang_b >= .wilson_lower and .erlang_b <= .wilson_upper then 1 else 0 end),
     .design_effect] | @tsv' "$report" >>"$rows"
  printf 'sweep %d (seed %d): exit %d, %s, load average %s at its start\n' "$attempts" "$seed" \
    "$code" "$( ((kept)) && echo "schedule kept ($clean of $sweeps)" || echo "schedule NOT kept: set apart")" \
    "${loads[-1]}" >&2
  seed=$((seed + 1))
done
elapsed=$(($(date +%s) - started))
load_range=$(printf '%s\n' "${loads[@]}" | sort -n | sed -n '1p;$p' | paste -sd- -)
((clean >= sweeps)) || failed=1

any=$(ls "$work"/sweep-*.json | head -1)
confidence=$(jq -r '.confidence' "$any")
echo "dialsoak capacity coverage: $clean sweeps that kept the schedule of $attempts run (seeds $first..$((seed - 1))), $(jq -r '.steps | length' "$any") steps each, ${extra[*]}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -sr); $((elapsed / 60)) min $((elapsed % 60)) s; 1-minute load average $load_range at the sweeps' starts (waited for < $max_load); niceness ${NICE:-0}"
echo
awk -F'\t' -v conf="$confidence" '
  # Wilson score interval of k of n at 95%, as "p% [lo, hi]".
  function wilson(k, n,   z, p, c, h) {
    if (n == 0) return "n/a"
    z = 1.959964; p = k / n
    c = (p + z * z / (2 * n)) / (1 + z * z / n)
    h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return sprintf("%.1f%% [%.1f, %.1f]", 100 * p, 100 * (c - h), 100 * (c + h))
  }
  # P(X >= k) for X ~ Binomial(n, q).
  function tail(k, n, q,   i, term, below) {
    if (k <= 0) return 1
    term = (1 - q) ^ n; below = 0
    for (i = 0; i < k; i++) { below += term; term *= (n - i) / (i + 1) * q / (1 - q) }
    return 1 - below
  }
  {
    sw = $1; s = $2
    if (!(sw in kept)) { kept[sw] = $4; steps[sw] = 0; six[sw] = ($3 == 6) }
    steps[sw]++; out_old[sw] += 1 - $6
    if ($4) {
      n[s]++; N++
      new[s] += $5; old[s] += $6; nr[s] += $7; wo[s] += $8; deff[s] += $9
      NEW += $5; OLD += $6; NREAL += $7; WO += $8
      if (s > last) last = s
    } else {
      BN++; BNEW += $5; BOLD += $6
    }
  }
  END {
    printf "| step | steps | batch means, Erlang B at the offered load (now) | Wilson, Erlang B at the realized load (before) | batch means, realized load | Wilson, offered load | design effect (mean) |\n"
    printf "|---|---|---|---|---|---|---|\n"
    for (s = 1; s <= last; s++) if (n[s])
      printf "| %d | %d | %s | %s | %s | %s | %.2f |\n", s, n[s], wilson(new[s], n[s]),
        wilson(old[s], n[s]), wilson(nr[s], n[s]), wilson(wo[s], n[s]), deff[s] / n[s]
    printf "| all | %d | **%s** | %s | %s | %s | |\n", N, wilson(NEW, N), wilson(OLD, N),
      wilson(NREAL, N), wilson(WO, N)
    for (w in kept) {
      if (kept[w]) {
        S++; SIX += six[w]
        if (tail(out_old[w], steps[w], 1 - conf) < 0.01) OLDSIX++
      } else {
        B++; BSIX += six[w]
      }
    }
    printf "\nnominal coverage %g%%; in brackets the 95%% (Wilson) interval of the share measured\n", 100 * conf
    printf "--expect-erlang-b exited 6 (a correct far end called wrong) in %d of %d sweeps: **%s** (promised: at most 1%%)\n", SIX, S, wilson(SIX, S)
    printf "the old check (Wilson, realized load) would have exited 6 in %d of %d: %s\n", OLDSIX, S, wilson(OLDSIX, S)
    if (B)
      printf "set apart, the machine too busy to keep the schedule: %d sweeps (%d steps; new interval held Erlang B in %s, old in %s; %d exited 6)\n", B, BN, wilson(BNEW, BN), wilson(BOLD, BN), BSIX
  }' "$rows"
exit "$failed"
