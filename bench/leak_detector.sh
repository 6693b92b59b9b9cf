#!/usr/bin/env bash
# bench/leak_detector.sh: how good the leak verdict of `dialsoak run` is, measured on this
# machine (docs/leak-verdict.md's "How good the leak detector is" comes from it):
#   clean   no leak injected: 1 line x 2,000 cycles at seeds 1..N, and 4 lines x 500
#           cycles (--think 8ms --sample-interval 20ms); a run where any check says
#           "leak" is a false alarm, and there must be none. Prints the largest lower
#           bound of the slope seen per resource: the margin to the threshold.
#   1/100   --inject-leak 100, 1 line x 2,000 cycles at seeds 1..N: self handles must be
#           called a leak in every run.
#   fast    full speed, no answer delay, several lines (a run of about 0.1-0.4 s, sampled by
#           cycles): 4 lines x 500 cycles and 64 lines x 100 cycles at seeds 1..F, clean
#           (no check may say leak, exhausted or inconclusive) and with --inject-leak 100
#           (self handles must be called a leak in every run).
#   1/1000  --inject-leak 1000: per seed, the shortest run of a ladder (1,000 to 16,000
#           cycles) whose verdict is "leak"; and one slower run per seed (--think 1ms,
#           6,000 cycles, --leak-window 30s) for the cycle the live estimate first
#           suspected it (first_suspected_cycle).
#   bursts  bench/tools fdburst (bursts of 1 to 40 eventfds/pipes/socket pairs every
#           50 ms, each held 20 ms, and a pool of 16 it keeps) watched with --watch-pid
#           while dialsoak runs 1 line x 2,000 cycles --think 2ms: at N seeds with the pool
#           opened before the run, one such run of 10,000 cycles, and N seeds with the
#           pool opened 0.3-2.3 s into the run (a warm-up step inside the fit). fdburst
#           must never be called leaking.
# Prints a summary and a Markdown table (also written to --markdown FILE).
# Usage: bench/leak_detector.sh [options] [BUILD_DIR (default build)]; --help lists them.
# Exit codes: 0 every requirement met; 1 a requirement failed (a false alarm, a missed
# 1/100 leak, fdburst called leaking; the runs are named with their command and check);
# 2 bad usage or a program missing; 3 a run could not be measured (an unexpected exit
# code, a timeout, too few samples for a verdict, fdburst failing).
# Needs jq and coreutils' timeout. Only local processes; temp files go at exit.
# shellcheck disable=SC2317  # functions run by trap and by submit look unreachable
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
Usage: bench/leak_detector.sh [options] [BUILD_DIR]
  BUILD_DIR            build directory with bin/dialsoak and bin/fdburst (default: build,
                       relative to the current directory, else to the source tree)
  --runs N             clean 1-line runs and 1/100 runs, seeds 1..N (default 20)
  --multi-runs N       clean 4-line runs (default 5)
  --fast-runs N        full-speed multi-line runs of each kind (4 x 500 and 64 x 100,
                       clean and 1/100; default 10)
  --slow-seeds N       seeds of the 1/1000 ladder and of its live runs (default 5)
  --burst-runs N       fdburst runs of 2,000 cycles of each kind (pool before the run,
                       pool during the run; default 10), plus one of 10,000
  --quick              the smoke test: 2 clean, 1 clean 4-line, 2 at 1/100, 1 ladder
                       seed, 1 burst run with the pool opened before it, 1 fast run of
                       each kind (about 20 s)
  --jobs N             runs at once (default: nproc)
  --markdown FILE      also write the Markdown table to FILE
  --dialsoak PATH      the dialsoak binary (default BUILD_DIR/bin/dialsoak)
  --fdburst PATH       the fdburst binary (default BUILD_DIR/bin/fdburst)
  -h, --help           this text
EOF
}

die_usage() {
  echo "leak_detector.sh: $*" >&2
  echo "Run with --help for the options." >&2
  exit 2
}

runs=20 multi_runs=5 fast_runs=10 slow_seeds=5 burst_runs=10 long_burst=1 live_runs=1 step_runs=-1 quick=0
jobs=$(nproc) markdown="" build="" dialsoak="" fdburst=""
count_arg() {  # FLAG VALUE: VALUE must be a whole number
  [[ $2 =~ ^[0-9]+$ ]] || die_usage "$1 needs a whole number, got '$2'"
}
while (($#)); do
  case $1 in
    -h | --help) usage; exit 0 ;;
    --quick) quick=1; shift; continue ;;
    --runs | --multi-runs | --fast-runs | --slow-seeds | --burst-runs | --jobs | --markdown | --dialsoak | --fdburst)
      (($# >= 2)) || die_usage "$1 needs a value" ;;&
    --runs) count_arg "$1" "$2"; runs=$2 ;;
    --multi-runs) count_arg "$1" "$2"; multi_runs=$2 ;;
    --fast-runs) count_arg "$1" "$2"; fast_runs=$2 ;;
    --slow-seeds) count_arg "$1" "$2"; slow_seeds=$2 ;;
    --burst-runs) count_arg "$1" "$2"; burst_runs=$2 ;;
    --jobs) count_arg "$1" "$2"; ((jobs = $2 > 0 ? $2 : 1)) ;;
    --markdown) markdown=$2 ;;
    --dialsoak) dialsoak=$2 ;;
    --fdburst) fdburst=$2 ;;
    -*) die_usage "unknown option '$1'" ;;
    *)
      [ -z "$build" ] || die_usage "one build directory only ('$build', then '$1')"
      build=$1; shift; continue ;;
  esac
  shift 2
done
if ((quick)); then
  runs=2 multi_runs=1 fast_runs=1 slow_seeds=1 burst_runs=1 long_burst=0 live_runs=0 step_runs=0
fi
((step_runs >= 0)) || step_runs=$burst_runs
build=${build:-build}
[ -d "$build" ] || [ ! -d "$root/$build" ] || build=$root/$build
dialsoak=${dialsoak:-$build/bin/dialsoak}
fdburst=${fdburst:-$build/bin/fdburst}
for prog in "$dialsoak" "$fdburst"; do
  [ -x "$prog" ] || die_usage "no program '$prog': build it (ninja -C $build dialsoak fdburst)"
done
for cmd in jq timeout; do
  command -v "$cmd" >/dev/null || die_usage "needs $cmd"
done

work=$(mktemp -d "${TMPDIR:-/tmp}/leak-detector.XXXXXX")
export DIALSOAK_RUNS_DIR=$work/runs  # the runs' journals go with the rest
# Stops what this script started (by pid: the runs in flight, fdburst instances), then
# removes the temp dir.
cleanup() {
  local pid
  for pid in $(jobs -p); do  # a run in flight: its timeout and dialsoak, then itself
    pkill -TERM -P "$pid" 2>/dev/null || true
    kill -TERM "$pid" 2>/dev/null || true
  done
  if [ -f "$work/fdburst.pids" ]; then
    while read -r pid; do kill -TERM "$pid" 2>/dev/null || true; done <"$work/fdburst.pids"
  fi
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

started=${EPOCHREALTIME/[.,]/}
log() { printf '[%5.1fs] %s\n' "$(((${EPOCHREALTIME/[.,]/} - started) / 1000))e-3" "$*" >&2; }

# --- one run -------------------------------------------------------------------------

# run_dialsoak TASK GROUP SEED CYCLES ARGS...: runs `dialsoak run` with ARGS, writes the
# record $work/TASK.rec: group, seed, cycles, the exit code, the command (to reproduce
# it), the run's length and every leak check. Without --allow-leaks: exit 5 must come with
# a "leak" or "exhausted" check, exit 8 with an "inconclusive" one (and neither), exit 0
# without any; anything else is recorded as an error.
run_dialsoak() {
  local task=$1 group=$2 seed=$3 cycles=$4
  shift 4
  local args=(run --seed "$seed" --cycles "$cycles" --charts none --quiet "$@")
  local report=$work/$task.json rc=0
  timeout 300 "$dialsoak" "${args[@]}" --report "$report" >"$work/$task.out" 2>"$work/$task.err" ||
    rc=$?
  local cmd
  cmd=$(printf '%q ' "$dialsoak" "${args[@]}")
  cmd="${cmd}--report REPORT.json"
  local error=""
  if ((rc != 0 && rc != 5 && rc != 8)); then
    error="dialsoak exited with $rc: $(tail -n 3 "$work/$task.err" | tr '\n' ' ')"
  elif [ ! -s "$report" ]; then
    error="no report written"
  fi
  jq -cn --arg task "$task" --arg group "$group" --argjson seed "$seed" \
    --argjson cycles "$cycles" --argjson rc "$rc" --arg cmd "$cmd" --arg error "$error" \
    --slurpfile r "$report" '
      ($r[0].leaks // []) as $checks
      | {task: $task, group: $group, seed: $seed, cycles: $cycles, rc: $rc, cmd: $cmd,
         error: $error, elapsed: $r[0].elapsed_seconds, checks: $checks}
      | (any(.checks[]; .verdict == "leak" or .verdict == "exhausted")) as $leak
      | (any(.checks[]; .verdict == "inconclusive")) as $unsure
      | if .error == "" and ((.rc == 5) != $leak or (.rc == 8) != ($unsure and ($leak | not)))
        then .error = "exit code \(.rc) disagrees with the verdicts" else . end' \
    >"$work/$task.rec" 2>/dev/null ||
    jq -cn --arg task "$task" --arg group "$group" --argjson seed "$seed" \
      --argjson cycles "$cycles" --argjson rc "$rc" --arg cmd "$cmd" \
      --arg error "${error:-report unreadable}" \
      '{task: $task, group: $group, seed: $seed, cycles: $cycles, rc: $rc, cmd: $cmd,
        error: $error, checks: []}' >"$work/$task.rec"
  rm -f "$report" "$work/$task.out"
}

# The verdict of self's handles check in a record file (leak, ok, insufficient_data, none).
self_handles_verdict() {
  jq -r '[.checks[] | select(.process == "self" and .resource == "handles") | .verdict][0]
         // "none"' "$1"
}

# ladder_task SEED: the shortest run of the ladder whose self handles verdict is leak.
ladder=(1000 1500 2000 2500 3000 4000 6000 8000 12000 16000)
ladder_task() {
  local seed=$1 c found=null
  for c in "${ladder[@]}"; do
    run_dialsoak "ladder-s$seed-c$c" ladder "$seed" "$c" --lines 1 --inject-leak 1000
    if [ "$(self_handles_verdict "$work/ladder-s$seed-c$c.rec")" = leak ]; then
      found=$c
      break
    fi
  done
  echo "{\"seed\": $seed, \"detected_at\": $found}" >"$work/ladder-s$seed.res"
}

# burst_task TASK GROUP SEED CYCLES: fdburst started just before dialsoak watches it.
# Group "bursts": its pool is open before the run (in the baseline); group "warmup": the
# pool opens 0.3-2.3 s into the run (by seed), a step inside the fit.
burst_task() {
  local task=$1 group=$2 seed=$3 cycles=$4 pool_delay=0 fb_pid line="" i
  [ "$group" = bursts ] || pool_delay=$((300 + (seed * 700) % 2000))ms
  local fb_args=(--burst 40 --every 50ms --hold 20ms --pool 16 --pool-delay "$pool_delay"
                 --seed "$seed")
  "$fdburst" "${fb_args[@]}" >"$work/$task.fb.out" 2>"$work/$task.fb.err" &
  fb_pid=$!
  echo "$fb_pid" >>"$work/fdburst.pids"
  for ((i = 0; i < 500; i++)); do  # up to 5 s
    { read -r line <"$work/$task.fb.out"; } 2>/dev/null && break
    line=""
    sleep 0.01
  done
  local fb_error=""
  if [ "$line" != "ready $fb_pid" ]; then
    fb_error="fdburst did not print 'ready $fb_pid' (got '$line')"
  else
    run_dialsoak "$task" "$group" "$seed" "$cycles" --lines 1 --think 2ms \
      --watch-pid "$fb_pid" --sample-interval 10ms
  fi
  kill -TERM "$fb_pid" 2>/dev/null || true
  local fb_rc=0
  wait "$fb_pid" || fb_rc=$?
  if [ -z "$fb_error" ] && ((fb_rc != 0)); then
    fb_error="fdburst exited with $fb_rc: $(cat "$work/$task.fb.err")"
  fi
  [ -f "$work/$task.rec" ] ||
    jq -cn --arg task "$task" --arg group "$group" --argjson seed "$seed" \
      --argjson cycles "$cycles" '{task: $task, group: $group, seed: $seed, cycles: $cycles,
                                   rc: null, cmd: "", error: "", checks: []}' >"$work/$task.rec"
  jq -c --arg e "$fb_error" --arg fb "$(printf '%q ' "$fdburst" "${fb_args[@]}")" \
    --arg stopped "$(cat "$work/$task.fb.err")" \
    '.fdburst = $fb | .fdburst_stopped = $stopped
     | if $e != "" then .error = $e else . end' "$work/$task.rec" >"$work/$task.rec.new"
  mv "$work/$task.rec.new" "$work/$task.rec"
}

# --- the job pool --------------------------------------------------------------------

# submit CMD...: runs CMD in the background, at most $jobs at once.
submit() {
  while (($(jobs -rp | wc -l) >= jobs)); do wait -n || true; done
  "$@" &
}

# --- the runs ------------------------------------------------------------------------

log "dialsoak: $dialsoak, fdburst: $fdburst, $jobs runs at once"
log "clean: $runs x (1 line, 2000 cycles), $multi_runs x (4 lines, 500 cycles)"
for ((s = 1; s <= runs; s++)); do
  submit run_dialsoak "clean1-s$s" clean1 "$s" 2000 --lines 1
done
for ((s = 1; s <= multi_runs; s++)); do
  submit run_dialsoak "clean4-s$s" clean4 "$s" 500 --lines 4 --think 8ms --sample-interval 20ms
done
log "fast: $fast_runs x (4 lines, 500 cycles) and (64 lines, 100 cycles), clean and --inject-leak 100"
for ((s = 1; s <= fast_runs; s++)); do
  submit run_dialsoak "fast4-s$s" fast4 "$s" 500 --lines 4
  submit run_dialsoak "fast64-s$s" fast64 "$s" 100 --lines 64
  submit run_dialsoak "fastleak4-s$s" fastleak4 "$s" 500 --lines 4 --inject-leak 100
  submit run_dialsoak "fastleak64-s$s" fastleak64 "$s" 100 --lines 64 --inject-leak 100
done
log "1/100: $runs x (1 line, 2000 cycles, --inject-leak 100)"
for ((s = 1; s <= runs; s++)); do
  submit run_dialsoak "leak100-s$s" leak100 "$s" 2000 --lines 1 --inject-leak 100
done
log "1/1000: ladder ${ladder[*]} cycles at $slow_seeds seeds$( ((live_runs)) && echo ", and live runs")"
for ((s = 1; s <= slow_seeds; s++)); do
  submit ladder_task "$s"
  if ((live_runs)); then
    submit run_dialsoak "live1000-s$s" live1000 "$s" 6000 --lines 1 --inject-leak 1000 \
      --think 1ms --leak-window 30s
  fi
done
log "bursts: $burst_runs x 2000 cycles$( ((long_burst)) && echo " and 1 x 10000 cycles") watching fdburst, its pool open before the run"
for ((s = 1; s <= burst_runs; s++)); do
  submit burst_task "burst-s$s" bursts "$s" 2000
done
if ((long_burst)); then
  submit burst_task "burst-long" bursts 101 10000
fi
if ((step_runs)); then
  log "bursts: $step_runs x 2000 cycles watching fdburst, its pool opened during the run"
fi
for ((s = 1; s <= step_runs; s++)); do
  submit burst_task "warmup-s$s" warmup "$s" 2000
done
wait
elapsed=$(((${EPOCHREALTIME/[.,]/} - started) / 1000000))
log "all runs done in ${elapsed}s"

# --- the summary ---------------------------------------------------------------------

cat "$work"/*.rec >"$work/records.jsonl"
if compgen -G "$work/ladder-s*.res" >/dev/null; then
  jq -s . "$work"/ladder-s*.res >"$work/ladder.json"
else
  echo '[]' >"$work/ladder.json"
fi
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
machine="$(nproc) CPUs, ${cpu:-unknown CPU}, $(uname -sr)"

summary=$(jq -s --slurpfile ladder "$work/ladder.json" --arg machine "$machine" \
  --argjson elapsed "$elapsed" --argjson quick "$quick" '
  def median: sort | if length == 0 then null
    elif length % 2 == 1 then .[length / 2 | floor]
    else (.[length / 2 - 1] + .[length / 2]) / 2 end;
  def stats: map(select(. != null)) | if length == 0 then null
    else {min: min, median: median, max: max, n: length} end;
  def group($g): map(select(.group == $g));
  def selfc($r): .checks[] | select(.process == "self" and .resource == $r);
  def watched: .checks[] | select(.process != "self");
  def alarm: .verdict == "leak" or .verdict == "exhausted" or .verdict == "inconclusive";
  def anyleak: any(.checks[]; alarm);
  def maxlower($recs; $r): [$recs[] | selfc($r) | .lower_per_cycle // empty] | max;
  def failing($recs; cond): [$recs[] | select(cond)
    | {cmd, fdburst, rc, error, checks: [.checks[] | select(.verdict != "ok")]}];
  . as $all
  | {machine: $machine, elapsed: $elapsed, quick: ($quick == 1),
     errors: [$all[] | select(.error != "") | {task, cmd, error}],
     clean: ([group("clean1"), group("clean4")] | map(. as $g | {
       runs: length,
       false_alarms: failing($g; anyleak),
       insufficient: failing($g; any(.checks[]; .process == "self"
                                    and .resource == "handles" and .verdict != "ok"
                                    and .verdict != "leak")),
       max_lower: {handles: maxlower($g; "handles"), threads: maxlower($g; "threads"),
                   resident_memory: maxlower($g; "resident_memory")},
       points: [$g[] | selfc("handles") | .points] | stats})),
     fast: ([["fast4", "fastleak4"], ["fast64", "fastleak64"]] | map(
       . as [$cg, $lg] | ($all | group($cg)) as $c | ($all | group($lg)) as $l | {
       clean_runs: ($c | length),
       false_alarms: failing($c; anyleak),
       max_lower: {handles: maxlower($c; "handles"), threads: maxlower($c; "threads"),
                   resident_memory: maxlower($c; "resident_memory")},
       leak_runs: ($l | length),
       detected: [$l[] | select(any(selfc("handles"); .verdict == "leak"))] | length,
       missed: failing($l; any(selfc("handles"); .verdict != "leak")),
       slope: [$l[] | selfc("handles") | .slope_per_cycle] | stats,
       lower: [$l[] | selfc("handles") | .lower_per_cycle] | stats,
       points: [$c[], $l[] | selfc("handles") | .points] | stats,
       elapsed: [$c[], $l[] | .elapsed] | stats})),
     leak100: (group("leak100") as $g | {
       runs: ($g | length),
       detected: [$g[] | select(any(selfc("handles"); .verdict == "leak"))] | length,
       missed: failing($g; any(selfc("handles"); .verdict != "leak")),
       slope: [$g[] | selfc("handles") | .slope_per_cycle] | stats,
       lower: [$g[] | selfc("handles") | .lower_per_cycle] | stats,
       first_suspected: [$g[] | selfc("handles") | .first_suspected_cycle] | stats}),
     leak1000: {
       seeds: ($ladder[0] | length),
       detected_at: [$ladder[0][] | .detected_at] | stats,
       not_detected: [$ladder[0][] | select(.detected_at == null) | .seed],
       per_seed: $ladder[0],
       live: (group("live1000") as $g | {
         runs: ($g | length),
         first_suspected: [$g[] | selfc("handles") | .first_suspected_cycle] | stats,
         never: [$g[] | select(any(selfc("handles"); .first_suspected_cycle == null)) | .seed],
         verdicts: [$g[] | selfc("handles") | .verdict]})},
     bursts: ([group("bursts"), group("warmup")] | map(. as $g | {
       runs: length,
       cycles: [$g[] | .cycles] | unique,
       called_leaking: failing($g; any(watched; alarm)),
       other_alarms: failing($g; any(.checks[]; .process == "self" and alarm)),
       insufficient: failing($g; any(watched; .resource == "handles"
                                    and .verdict == "insufficient_data")),
       verdicts: [$g[] | watched | select(.resource == "handles") | .verdict]
                 | group_by(.) | map({(.[0]): length}) | add,
       max_lower: [$g[] | watched | select(.resource == "handles") | .lower_per_cycle
                   // empty] | max,
       growth: [$g[] | watched | select(.resource == "handles") | .growth] | stats,
       points: [$g[] | watched | select(.resource == "handles") | .points] | stats,
       live_suspected: [$g[] | watched | select(.resource == "handles"
                        and .first_suspected_cycle != null)] | length}))}
  ' "$work/records.jsonl")
echo "$summary" >"$work/summary.json"

# --- the table -----------------------------------------------------------------------

table=$(jq -r --argjson runs "$runs" '
  def n: if . == null then "n/a" elif (. | type) == "number" and . != (. | floor)
    then (. * 1e6 | round / 1e6 | tostring) else tostring end;
  def bytes: if . == null then "n/a" else (. * 10 | round / 10 | tostring) end;
  def secs: if . == null then "n/a" else (. * 100 | round / 100 | tostring) end;
  def range3: if . == null then "n/a" else "\(.min | n) / \(.median | n) / \(.max | n)" end;
  def okfail(c): if c then "**pass**" else "**FAIL**" end;
  "| check | runs | requirement | measured | result |",
  "|---|---|---|---|---|",
  (.clean[0] as $c | "| clean: 1 line x 2,000 cycles, seeds 1-\($c.runs) | \($c.runs) | no check says leak | \($c.false_alarms | length) false alarms; largest lower bound per cycle: handles \($c.max_lower.handles | n), threads \($c.max_lower.threads | n), memory \($c.max_lower.resident_memory | bytes) B (thresholds 0, 0, 64 B) | \(okfail($c.false_alarms == [] and $c.insufficient == [])) |"),
  (.clean[1] as $c | select($c.runs > 0) | "| clean: 4 lines x 500 cycles, --think 8ms --sample-interval 20ms | \($c.runs) | no check says leak | \($c.false_alarms | length) false alarms; largest lower bound: handles \($c.max_lower.handles | n), threads \($c.max_lower.threads | n), memory \($c.max_lower.resident_memory | bytes) B; \($c.points.median | n) samples (median) | \(okfail($c.false_alarms == [] and $c.insufficient == [])) |"),
  (.fast | to_entries[] | .value as $f | select($f.clean_runs > 0)
   | (if .key == 0 then "4 lines x 500" else "64 lines x 100" end) as $shape
   | "| clean, full speed: \($shape) cycles (runs of \($f.elapsed.min | secs)-\($f.elapsed.max | secs) s, \($f.points.median | n) samples each, median) | \($f.clean_runs) | no check says leak, exhausted or inconclusive | \($f.false_alarms | length) false alarms; largest lower bound: handles \($f.max_lower.handles | n), threads \($f.max_lower.threads | n), memory \($f.max_lower.resident_memory | bytes) B | \(okfail($f.false_alarms == [])) |",
     "| 1 eventfd leaked per 100 cycles, full speed: \($shape) cycles | \($f.leak_runs) | detected in every run | \($f.detected)/\($f.leak_runs) detected; slope \($f.slope.median | n)/cycle (median), lower bound min \($f.lower.min | n) | \(okfail($f.detected == $f.leak_runs and $f.leak_runs > 0)) |"),
  (.leak100 as $l | "| 1 eventfd leaked per 100 cycles, 1 line x 2,000 cycles | \($l.runs) | detected in every run | \($l.detected)/\($l.runs) detected; slope \($l.slope.median | n)/cycle (median), lower bound min \($l.lower.min | n) | \(okfail($l.detected == $l.runs and $l.runs > 0)) |"),
  (.leak1000 as $l | select($l.seeds > 0) | "| 1 per 1,000 cycles: shortest run (ladder 1,000-16,000) called leak | \($l.seeds) seed\(if $l.seeds == 1 then "" else "s" end) | reported | min / median / max \($l.detected_at | range3) cycles\(if $l.not_detected != [] then "; not by 16,000 at seeds \($l.not_detected | map(tostring) | join(", "))" else "" end) | measured |"),
  (.leak1000.live as $v | select($v.runs > 0) | "| 1 per 1,000, live estimate (--think 1ms, 6,000 cycles, --leak-window 30s): first suspected | \($v.runs) | reported | min / median / max \($v.first_suspected | range3) cycles\(if $v.never != [] then "; never at seeds \($v.never | map(tostring) | join(", "))" else "" end) | measured |"),
  (.bursts | to_entries[] | .key as $k | .value as $b | select($b.runs > 0)
   | "| fdburst (bursts of 1-40 fds every 50 ms, held 20 ms; a pool of 16 \(if $k == 0 then "opened before the run" else "opened 0.3-2.3 s into the run" end)) watched, 1 line x \($b.cycles | map(n) | join(" or ")) cycles --think 2ms | \($b.runs) | fdburst never called leaking | \($b.called_leaking | length) called leaking; fdburst verdicts: \($b.verdicts | to_entries | map("\(.key) \(.value)") | join(", ")); largest lower bound \($b.max_lower | n)/cycle | \(okfail($b.called_leaking == [] and $b.other_alarms == [] and $b.insufficient == [])) |")
  ' "$work/summary.json")

# --- the report ----------------------------------------------------------------------

print_failures() {  # TITLE JQ-PATH
  local list
  list=$(jq -c "$2 | .[]" "$work/summary.json")
  [ -n "$list" ] || return 0
  echo "$1:"
  jq -r "$2 | .[] | (if .fdburst then \"  \(.fdburst)&\n\" else \"\" end) + \"  \(.cmd)\n    exit \(.rc)\(if .error != \"\" then \", \" + .error else \"\" end)\n\" +
         (.checks | map(\"    \" + tojson) | join(\"\n\"))" "$work/summary.json"
}

{
  echo
  echo "Leak detector quality$( ((quick)) && echo " (quick)") on $machine, in ${elapsed}s"
  jq -r '
    def n: if . == null then "n/a" else tostring end;
    def runs: "\(.) run\(if . == 1 then "" else "s" end)";
    "  clean, 1 line:   \(.clean[0].runs | runs), \(.clean[0].false_alarms | length) false alarms, \(.clean[0].insufficient | length) without a verdict",
    "  clean, 4 lines:  \(.clean[1].runs | runs), \(.clean[1].false_alarms | length) false alarms, \(.clean[1].insufficient | length) without a verdict",
    "  1/100:           \(.leak100.detected)/\(.leak100.runs) detected",
    (.fast | to_entries[] | "  fast, \(if .key == 0 then "4 x 500: " else "64 x 100:" end) \(.value.clean_runs | runs), \(.value.false_alarms | length) false alarms; 1/100: \(.value.detected)/\(.value.leak_runs) detected"),
    "  1/1000:          detected at \(.leak1000.per_seed | map("seed \(.seed): \(.detected_at | n)") | join(", ")) cycles",
    (select(.leak1000.live.runs > 0) | "  1/1000 live:     first suspected at \(.leak1000.live.first_suspected // {} | [.min, .median, .max] | map(n) | join(" / ")) cycles (min / median / max)"),
    "  bursts:          \(.bursts[0].runs | runs) (pool before the run), fdburst called leaking \(.bursts[0].called_leaking | length) times",
    (select(.bursts[1].runs > 0) | "  warm-up step:    \(.bursts[1].runs | runs) (pool opened during the run), fdburst called leaking \(.bursts[1].called_leaking | length) times")
  ' "$work/summary.json"
  echo
  echo "$table"
  echo
} 

if [ -n "$markdown" ]; then
  {
    echo "Measured on $machine; the whole bench took ${elapsed}s."
    echo
    echo "$table"
  } >"$markdown"
fi

status=0
if [ "$(jq '.errors | length' "$work/summary.json")" != 0 ]; then
  echo "Runs that could not be measured:"
  jq -r '.errors[] | "  \(.cmd)\n    \(.error)"' "$work/summary.json"
  status=3
fi
if [ "$(jq '[.clean[], .bursts[] | .insufficient | length] | add' "$work/summary.json")" != 0 ]; then
  print_failures "Clean runs without a verdict (too few samples)" '[.clean[].insufficient[]]'
  print_failures "Burst runs without a verdict for fdburst" '[.bursts[].insufficient[]]'
  status=3
fi
if [ "$(jq '[.clean[].false_alarms, .leak100.missed, .fast[].false_alarms, .fast[].missed,
             .bursts[].called_leaking, .bursts[].other_alarms | length] | add' "$work/summary.json")" != 0 ]; then
  print_failures "FALSE ALARMS (clean runs with a leak verdict)" '[.clean[].false_alarms[]]'
  print_failures "FALSE ALARMS (clean full-speed runs)" '[.fast[].false_alarms[]]'
  print_failures "MISSED (1/100 runs without a leak verdict)" '.leak100.missed'
  print_failures "MISSED (1/100 full-speed runs without a leak verdict)" '[.fast[].missed[]]'
  print_failures "FDBURST CALLED LEAKING (pool opened before the run)" '.bursts[0].called_leaking'
  print_failures "FDBURST CALLED LEAKING (pool opened during the run)" '.bursts[1].called_leaking'
  print_failures "FALSE ALARMS in dialsoak itself during the burst runs" '[.bursts[].other_alarms[]]'
  status=1
fi
if ((status == 0)); then
  echo "Every requirement met."
fi
exit "$status"
