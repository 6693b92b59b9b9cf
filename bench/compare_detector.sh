#!/usr/bin/env bash
# bench/compare_detector.sh: how good `dialsoak compare` is, measured on this machine (the
# "How good the comparison is" of docs/running.md comes from it). Every run is a simulator soak of
# --lines lines for --duration, answer delay fixed:20ms, BUSY share 1 %, one seed each:
#   null     pairs of runs with the same settings and different seeds: a pair that
#            compare calls a regression (exit 10) is a false alarm. At the default 99 %
#            there may be at most 1 in 20.
#   delay21, delay22, delay25
#            NEW with answer delay 21, 22 or 25 ms: found when exit 10 and a dial
#            (connected) percentile row is worse;
#   busy2    NEW with BUSY share 2 %: found when the busy share row is worse;
#   leak1000 NEW with --inject-leak 1000 (one descriptor every 1,000 dials): found when
#            the self handles row is worse.
# The BASE of the pairs with a difference is the first run of a null pair, so the
# bench makes 2 x --null + 5 x --pairs runs, one after the other (two runs at once on a
# 2-core machine would each slow the other: a run's own noise is what is measured).
# Prints a Markdown table (also written to --markdown FILE) and each false alarm's rows.
# Usage: bench/compare_detector.sh [options] [BUILD_DIR (default build)]; --help lists them.
# Exit codes: 0 the false alarm rate is within 1 in 20; 1 it is not; 2 bad usage;
# 3 a run or a comparison failed to run. Needs jq. Temp files go at exit.
set -euo pipefail
shopt -s inherit_errexit

root=$(cd "$(dirname "$0")/.." && pwd)

usage() {
  cat <<'EOF'
Usage: bench/compare_detector.sh [options] [BUILD_DIR]
  BUILD_DIR         build directory with bin/dialsoak (default: build, relative to the
                    current directory, else to the source tree)
  --null N          null pairs (default 20)
  --pairs N         pairs of each known difference (default 5; at most --null)
  --duration DUR    length of each run (default 20s)
  --lines N         lines of each run (default 8)
  --confidence C    passed to dialsoak compare (default its own, 0.99)
  --markdown FILE   also write the Markdown table to FILE
  --keep DIR        keep the runs in DIR (created) instead of a temp dir
  -h, --help        this text
EOF
}

die_usage() { echo "compare_detector: $*" >&2; usage >&2; exit 2; }

nulls=20 pairs=5 duration=20s lines=8 confidence='' markdown='' keep='' build=''
while (($# > 0)); do
  case $1 in
    --null) nulls=${2:?}; shift 2 ;;
    --pairs) pairs=${2:?}; shift 2 ;;
    --duration) duration=${2:?}; shift 2 ;;
    --lines) lines=${2:?}; shift 2 ;;
    --confidence) confidence=${2:?}; shift 2 ;;
    --markdown) markdown=${2:?}; shift 2 ;;
    --keep) keep=${2:?}; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    -*) die_usage "unknown option $1" ;;
    *) [ -z "$build" ] || die_usage "one BUILD_DIR only"; build=$1; shift ;;
  esac
done
[[ $nulls =~ ^[1-9][0-9]*$ && $pairs =~ ^[0-9]+$ ]] || die_usage "--null and --pairs take counts"
((pairs <= nulls)) || die_usage "--pairs ($pairs) must be at most --null ($nulls): the null pairs' runs are the BASEs"
command -v jq >/dev/null || die_usage "jq is needed"
if [ -z "$build" ]; then
  if [ -x build/bin/dialsoak ]; then build=build; else build=$root/build; fi
fi
dialsoak=$build/bin/dialsoak
[ -x "$dialsoak" ] || die_usage "no $dialsoak (build first)"

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  work=$(cd "$keep" && pwd)
else
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
fi

base_settings=(--lines "$lines" --duration "$duration" --charts none)
compare_args=()
[ -z "$confidence" ] || compare_args+=(--confidence "$confidence")

# run NAME SEED DELAY BUSY [SETTING...]: one soak into $work/NAME; any exit but a verdict's
# is a failure (1: the BUSY calls are failures beyond --max-failures 0 %, 5: a leak verdict).
run() {
  local name=$1 seed=$2 delay=$3 busy=$4 rc=0
  shift 4
  "$dialsoak" run "${base_settings[@]}" --answer-delay "fixed:$delay" --sim-busy "$busy" \
    --seed "$seed" "$@" \
    --out "$work/$name" >"$work/$name.out" 2>&1 || rc=$?
  case $rc in
    0 | 1 | 5) ;;
    *) echo "compare_detector: run $name (seed $seed $*) exited $rc:" >&2
       tail -5 "$work/$name.out" >&2; exit 3 ;;
  esac
}

# judge BASE NEW: prints compare's JSON into $work/BASE-NEW.json and its exit code.
judge() {
  local rc=0
  "$dialsoak" compare --json "${compare_args[@]}" "$work/$1" "$work/$2" >"$work/$1-$2.json" \
    2>"$work/$1-$2.err" || rc=$?
  case $rc in
    0 | 10) echo "$rc" ;;
    *) echo "compare_detector: dialsoak compare $1 $2 exited $rc:" >&2
       cat "$work/$1-$2.err" >&2; exit 3 ;;
  esac
}

# worse_rows FILE: the rows called worse, comma-separated: their metric, or for a leak row
# its process and resource ("self_handles").
worse_rows() {
  jq -r '[.rows[] | select(.change == "worse")
          | if .group == "leaks" then .label | gsub(" "; "_") else .metric end] | join(",")' "$1"
}

start=$SECONDS
echo "compare_detector: $((2 * nulls + 5 * pairs)) runs of $duration at $lines lines, one after the other" >&2
false_alarms=0 better=0 alarms=()
for ((i = 1; i <= nulls; i++)); do
  run "null$i-a" "$((2 * i - 1))" 20ms 0.01
  run "null$i-b" "$((2 * i))" 20ms 0.01
  rc=$(judge "null$i-a" "null$i-b")
  if [ "$rc" = 10 ]; then
    false_alarms=$((false_alarms + 1))
    alarms+=("null pair $i: $(worse_rows "$work/null$i-a-null$i-b.json")")
  fi
  [ "$(jq '[.rows[] | select(.change == "better")] | length' "$work/null$i-a-null$i-b.json")" = 0 ] ||
    better=$((better + 1))
  echo "  null pair $i: exit $rc ($((SECONDS - start)) s)" >&2
done

# kind LABEL WANT_REGEX DELAY BUSY [SETTING...]: --pairs NEW runs with SETTING against the null BASEs;
# found when compare exits 10 with a worse row whose metric matches WANT_REGEX.
declare -A found
kind() {
  local label=$1 want=$2 rc rows hits=0
  shift 2
  for ((i = 1; i <= pairs; i++)); do
    run "$label-$i" "$((1000 + i))" "$@"
    rc=$(judge "null$i-a" "$label-$i")
    rows=$(worse_rows "$work/null$i-a-$label-$i.json")
    if [ "$rc" = 10 ] && [[ ,$rows, =~ ,($want), ]]; then hits=$((hits + 1)); fi
    echo "  $label pair $i: exit $rc, worse: ${rows:-none} ($((SECONDS - start)) s)" >&2
  done
  found[$label]=$hits
}
kind delay21 'dial_p[0-9_]+' 21ms 0.01
kind delay22 'dial_p[0-9_]+' 22ms 0.01
kind delay25 'dial_p[0-9_]+' 25ms 0.01
kind busy2 busy_share 20ms 0.02
kind leak1000 self_handles 20ms 0.01 --inject-leak 1000

conf=${confidence:-0.99}
table=$(
  echo "| pairs | difference in NEW | compared | called a regression |"
  echo "|---|---|---|---|"
  echo "| null | none (same settings, another seed) | $nulls | $false_alarms false alarm(s) ($(jq -n "100 * $false_alarms / $nulls" | xargs printf '%.0f') %) |"
  for k in delay21:"answer delay 21 ms (+5 %)" delay22:"answer delay 22 ms (+10 %)" \
    delay25:"answer delay 25 ms (+25 %)" busy2:"BUSY share 2 % (BASE 1 %)" \
    leak1000:"a leak of 1 descriptor in 1,000 dials"; do
    echo "| ${k%%:*} | ${k#*:} | $pairs | ${found[${k%%:*}]} found |"
  done
)
echo
echo "dialsoak compare at $conf, runs of $duration x $lines lines, $(nproc) cores, $((SECONDS - start)) s:"
echo "$table"
echo "null pairs with a row called better: $better of $nulls"
for a in "${alarms[@]}"; do echo "false alarm: $a"; done
[ -z "$markdown" ] || printf '%s\n' "$table" >"$markdown"
# At most 1 in 20: the bound scales with the number of null pairs.
if ((false_alarms * 20 > nulls)); then
  echo "compare_detector: $false_alarms false alarms in $nulls null pairs: more than 1 in 20" >&2
  exit 1
fi
