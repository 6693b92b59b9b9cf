# shellcheck shell=bash
# tests/packaging/packaging_lib.sh: helpers of the packaging tests, sourced by
# tests/packaging/*_test.sh.
#   PKG_TMP                  a temp dir, removed at exit (kept when PKG_KEEP_TMP=1)
#   fail MSG...              print MSG and exit 1
#   pass MSG...              print a check that held
#   need_cmd CMD [PACKAGE]   fail unless CMD is on PATH, naming the Debian package
#   start_bg NAME CMD...     run CMD in the background, output in $PKG_TMP/NAME.log; the
#                            pid in BG_PID; killed (by that pid) at exit
#   wait_log NAME REGEX SECS wait until NAME's log matches REGEX; print the first match
set -euo pipefail

PKG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dialsoak-pkg.XXXXXX")
export DIALSOAK_RUNS_DIR=$PKG_TMP/runs  # the runs' directories, not in the build tree
PKG_PIDS=()

pkg_cleanup() {
  local pid
  for pid in "${PKG_PIDS[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${PKG_PIDS[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ "${PKG_KEEP_TMP:-0}" = 1 ]; then
    echo "kept $PKG_TMP" >&2
  else
    rm -rf "$PKG_TMP"
  fi
}
trap pkg_cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

pass() {
  echo "ok: $*"
}

need_cmd() {
  command -v "$1" >/dev/null ||
    fail "$1 not found${2:+ (Debian package $2; scripts/bootstrap should install it)}"
}

start_bg() {
  local name=$1
  shift
  "$@" >"$PKG_TMP/$name.log" 2>&1 &
  BG_PID=$!
  PKG_PIDS+=("$BG_PID")
}

wait_log() {
  local name=$1 regex=$2 secs=$3 i match
  for ((i = 0; i < secs * 20; i++)); do
    if match=$(grep -Eo -m1 "$regex" "$PKG_TMP/$name.log"); then
      echo "$match"
      return 0
    fi
    sleep 0.05
  done
  echo "--- $name.log:" >&2
  tail -n 20 "$PKG_TMP/$name.log" >&2
  fail "$name: no line matching '$regex' within ${secs}s"
}
