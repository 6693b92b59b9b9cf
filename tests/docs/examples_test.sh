#!/usr/bin/env bash
# The documentation's runnable examples run, and exit as documented. A fenced block of
# README.md or docs/*.md is runnable when the line just before its opening fence is
#   <!-- runnable -->             run it (sh, bash, shell or no language); it must exit 0
#   <!-- runnable exit=N -->      the same, and it must exit N
#   <!-- runnable file=NAME -->   not run: written to NAME for the page's later runnable blocks
# Each runnable block runs with `bash -e` (the first failing command's code, else the last
# one's, is the block's) in a fresh temporary directory, with BIN_DIR first on PATH,
# DIALSOAK_RUNS_DIR in that directory, stdin from /dev/null, a time limit
# ($DOCS_EXAMPLES_TIMEOUT, 60 s), in a process group of its own; whatever it leaves
# running is stopped after it. The convention is documented in docs/development.md.
#
# Before the repository's pages, the runner is tried on a page of its own with a block
# that exits other than it says and a misplaced marker, so it cannot pass vacuously.
#
# Usage: examples_test.sh REPO BIN_DIR [PAGE.md...]   (pages relative to REPO; default:
#        README.md and every docs/*.md)
# Exit codes: 0 every block exited as documented; 1 one did not, or a marker is misplaced
# (each named as PAGE:LINE, with the block and the end of its output); 2 bad usage.
set -euo pipefail

usage() { echo "usage: $0 REPO BIN_DIR [PAGE.md...]" >&2; exit 2; }
(($# >= 2)) || usage
repo=$1
bin=$2
shift 2
[[ -d $repo ]] || { echo "examples_test: $repo is not a directory" >&2; exit 2; }
repo=$(cd "$repo" && pwd)
[[ -d $bin ]] || { echo "examples_test: $bin is not a directory" >&2; exit 2; }
bin=$(cd "$bin" && pwd)
for program in dialsoak modemsim; do
  [[ -x $bin/$program ]] || { echo "examples_test: no $program in $bin (build it first)" >&2; exit 2; }
done
limit=${DOCS_EXAMPLES_TIMEOUT:-60}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# extract PAGE OUTDIR: writes each marked block's body to OUTDIR/N and prints
#   N<TAB>LINE<TAB>run<TAB>EXIT      a block to run (LINE: its opening fence)
#   N<TAB>LINE<TAB>file<TAB>NAME     a file to write
#   -<TAB>LINE<TAB>error<TAB>WHY     a marker that cannot be used
extract() {
  awk -v out="$2" '
    function error(line, why) { printf "-\t%d\terror\t%s\n", line, why }
    fence != "" {  # inside a fenced block
      if ($0 ~ ("^" fence "[ \t]*$")) {
        if (block) { close(body); block = 0 }
        fence = ""
        next
      }
      if (block) print > body
      next
    }
    marker_line && /^```/ {  # the fence right after a marker
      lang = $0
      sub(/^`+/, "", lang)
      sub(/[ \t].*$/, "", lang)
      fence = $0
      sub(/[^`].*$/, "", fence)
      n++
      body = out "/" n
      printf "" > body
      block = 1
      if (kind == "file") {
        printf "%d\t%d\tfile\t%s\n", n, NR, name
      } else if (lang == "" || lang == "sh" || lang == "bash" || lang == "shell") {
        printf "%d\t%d\trun\t%d\n", n, NR, code
      } else {
        error(NR, "a runnable block in " lang ": only sh, bash or shell blocks run (file=NAME writes others)")
      }
      marker_line = 0
      next
    }
    marker_line {
      error(marker_line, "<!-- runnable --> must be the line just before an opening ``` fence")
      marker_line = 0
    }
    /^ *```/ { fence = $0; sub(/^ */, "", fence); sub(/[^`].*$/, "", fence); block = 0; next }
    /^<!-- *runnable[ >-]/ {
      attrs = $0
      if (attrs !~ /-->[ \t]*$/) { error(NR, "the runnable marker must end on its line with -->"); next }
      sub(/^<!-- *runnable/, "", attrs)
      sub(/ *-->[ \t]*$/, "", attrs)
      kind = "run"; code = 0; name = ""; bad = ""
      count = split(attrs, words, /[ \t]+/)
      for (i = 1; i <= count; i++) {
        w = words[i]
        if (w == "") continue
        if (w ~ /^exit=[0-9]+$/) { code = substr(w, 6) + 0 }
        else if (w ~ /^file=[A-Za-z0-9._-]+$/ && w !~ /^file=\.\.?$/) { kind = "file"; name = substr(w, 6) }
        else bad = bad " " w
      }
      if (bad != "") { error(NR, "unknown in the runnable marker:" bad " (exit=N or file=NAME)"); next }
      marker_line = NR
      next
    }
    END {
      if (marker_line) error(marker_line, "<!-- runnable --> must be the line just before an opening ``` fence")
      if (fence != "") error(NR, "a fenced block that does not end")
    }
  ' "$1"
}

# alive PID...: whether one of the processes is alive (a zombie is not).
alive() {
  local p state
  for p in "$@"; do
    state=$(sed 's/.*) //' "/proc/$p/stat" 2>/dev/null) || continue
    [[ ${state%% *} != Z ]] && return 0
  done
  return 1
}

# stop PGID: stops what a block left running in its process group.
stop() {
  local pgid=$1 i
  kill -TERM -- "-$pgid" 2>/dev/null || return 0
  for ((i = 0; i < 50; i++)); do
    # shellcheck disable=SC2046  # pgrep's pids, one word each
    alive $(pgrep -g "$pgid") || return 0
    sleep 0.1
  done
  kill -KILL -- "-$pgid" 2>/dev/null || true
}

# run_page ROOT PAGE: runs the page's runnable blocks; returns how many failed.
blocks_run=0
run_page() {
  local root=$1 page=$2 blocks n line kind arg dir name rc start took pid
  local -i failures=0
  local -A files=()
  blocks=$(mktemp -d "$tmp/blocks.XXXXXX")
  while IFS=$'\t' read -r n line kind arg; do
    case $kind in
      error)
        echo "FAIL $page:$line: $arg"
        failures+=1
        ;;
      file)
        files[$arg]=$blocks/$n
        ;;
      run)
        blocks_run=$((blocks_run + 1))
        dir=$(mktemp -d "$tmp/run.XXXXXX")
        for name in "${!files[@]}"; do cp "${files[$name]}" "$dir/$name"; done
        start=$EPOCHREALTIME
        # timeout makes a process group of its own, which the block's background programs
        # stay in: after the block, what it left running is stopped by that group's id.
        (
          cd "$dir"
          export PATH="$bin:$PATH" DIALSOAK_RUNS_DIR="$dir/runs"
          exec timeout -k 5 "$limit" bash -e "$blocks/$n"
        ) </dev/null >"$dir.log" 2>&1 &
        pid=$!
        wait "$pid" && rc=0 || rc=$?
        stop "$pid"
        took=$(awk -v a="$start" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
        if [[ $rc == "$arg" ]]; then
          echo "ok   $page:$line (exit $rc, $took s)"
        else
          if [[ $rc == 124 ]]; then
            echo "FAIL $page:$line: still running after ${limit} s (expected exit $arg)"
          else
            echo "FAIL $page:$line: exited $rc, expected $arg ($took s)"
          fi
          sed 's/^/  | /' "$blocks/$n"
          echo "  output (last 40 lines):"
          tail -n 40 "$dir.log" | sed 's/^/  > /'
          failures+=1
        fi
        ;;
    esac
  done < <(extract "$root/$page" "$blocks")
  ((failures < 255)) || failures=255
  return "$failures"
}

# 1. The runner itself, on a page whose outcome is known: three blocks that pass (one
# exiting 3 as it says, one using a file block, the build's programs on PATH and the runs
# directory, and leaving a program running), one that exits 1 where it says 0, and a marker
# that is not before a fence.
fixture=$tmp/fixture
mkdir -p "$fixture"
cat >"$fixture/page.md" <<'EOF'
# A page

<!-- runnable -->
```sh
true
```

<!-- runnable exit=3 -->
```sh
echo three
exit 3
```

<!-- runnable file=a.yaml -->
```yaml
key: value
```

<!-- runnable -->
```sh
grep -q '^key: value$' a.yaml
test "$DIALSOAK_RUNS_DIR" = "$PWD/runs"
command -v dialsoak >/dev/null
sleep 300 &
echo $! >"$DOCS_EXAMPLES_SELF_TEST/sleep.pid"
```

<!-- runnable -->
```sh
false
echo not reached
```

<!-- runnable -->

```sh
echo a marker with a blank line after it
```
EOF
mkdir -p "$tmp/self"
export DOCS_EXAMPLES_SELF_TEST=$tmp/self
run_page "$fixture" page.md >"$tmp/self/out" 2>&1 && self_rc=0 || self_rc=$?
unset DOCS_EXAMPLES_SELF_TEST
self_ok=1
((self_rc == 2)) || self_ok=0
grep -q '^FAIL page.md:29: exited 1, expected 0' "$tmp/self/out" || self_ok=0
grep -q '^FAIL page.md:34: <!-- runnable --> must be the line just before' "$tmp/self/out" || self_ok=0
(($(grep -c '^ok ' "$tmp/self/out") == 3)) || self_ok=0
if [[ -s $tmp/self/sleep.pid ]] && alive "$(cat "$tmp/self/sleep.pid")"; then
  kill "$(cat "$tmp/self/sleep.pid")"
  echo "examples_test: a program a block left running was not stopped" >&2
  self_ok=0
fi
if ((!self_ok)); then
  echo "examples_test: the runner does not tell its own test page's blocks apart" >&2
  echo "expected: 3 blocks ok, page.md:29 exited 1 (expected 0), page.md:34 a misplaced marker; got ($self_rc failed):" >&2
  cat "$tmp/self/out" >&2
  exit 2
fi
blocks_run=0

# 2. The repository's pages.
pages=("$@")
if ((${#pages[@]} == 0)); then
  pages=(README.md)
  for f in "$repo"/docs/*.md; do pages+=("${f#"$repo"/}"); done
fi
total=0
for page in "${pages[@]}"; do
  [[ -f $repo/$page ]] || { echo "examples_test: no $page in $repo" >&2; exit 2; }
  run_page "$repo" "$page" && rc=0 || rc=$?
  total=$((total + rc))
done
if ((blocks_run == 0)); then
  echo "examples_test: no runnable block in ${pages[*]} (is the <!-- runnable --> marker spelt right?)" >&2
  exit 1
fi
if ((total > 0)); then
  echo "examples_test: $total of the runnable examples failed (see FAIL above)" >&2
  exit 1
fi
echo "examples_test: $blocks_run runnable block(s) in ${#pages[@]} page(s), every one exited as documented"
