#!/usr/bin/env bash
# packaging: `cmake --install BUILD --prefix TMP/usr` puts every runtime file where
# packaging/CMakeLists.txt says, and the installed programs run.
#   1. bin/dialsoak, bin/modemsim, bin/dialsoak_bench are executables;
#      share/dialsoak/grafana is the source's grafana/ (same files, same bytes);
#      share/doc/dialsoak/examples holds the three examples, unchanged, and README.md;
#      share/doc/dialsoak/docs is the source's docs/ (its *.md and *.png, whatever they
#      are: same files, same bytes); share/man/man1 holds the six man pages as the
#      build's .1.gz (with MAN_PAGES 1; none with 0);
#      lib/systemd/system/dialsoak@.service is the example with ExecStart pointing at
#      the installed dialsoak; nothing else (no headers, no static libraries).
#   2. No installed program has a RUNPATH into the build tree.
#   3. The installed dialsoak says its version and runs a soak on the simulator with
#      /metrics served (exit 0, JSON report with 2 cycles); modemsim and dialsoak_bench
#      start; systemd-analyze verify accepts the installed unit (when systemd-analyze is
#      there: it checks that ExecStart names an executable).
# Usage: install_test.sh BUILD_DIR SOURCE_DIR VERSION [MAN_PAGES (1 or 0; default 1)]
# shellcheck source=packaging_lib.sh
source "$(dirname "$0")/packaging_lib.sh"
build=$1 src=$2 version=$3 with_man=${4:-1}
need_cmd jq jq
need_cmd readelf binutils

prefix=$PKG_TMP/usr
cmake --install "$build" --prefix "$prefix" >"$PKG_TMP/install.log" 2>&1 ||
  { cat "$PKG_TMP/install.log" >&2; fail "cmake --install $build failed"; }

# 1. What went where.
for p in dialsoak modemsim dialsoak_bench; do
  [ -x "$prefix/bin/$p" ] || fail "bin/$p not installed (or not executable)"
done
pass "programs in bin/"

if [ -d "$src/grafana" ]; then
  [ -n "$(find "$src/grafana" -name '*.json')" ] || fail "no dashboards in $src/grafana"
  diff -r "$src/grafana" "$prefix/share/dialsoak/grafana" ||
    fail "share/dialsoak/grafana differs from the source's grafana/"
  pass "grafana/ in share/dialsoak/grafana ($(find "$prefix/share/dialsoak/grafana" -type f | wc -l) files)"
else
  echo "note: $src/grafana does not exist yet; nothing to compare" >&2
fi

examples=(bank.yaml prometheus-fleet.yml prometheus-fleet-tls.yml web.yml 'dialsoak@.service')
for f in "${examples[@]}"; do
  cmp "$src/examples/$f" "$prefix/share/doc/dialsoak/examples/$f" ||
    fail "share/doc/dialsoak/examples/$f missing or not the source's examples/$f"
done
cmp "$src/README.md" "$prefix/share/doc/dialsoak/README.md" || fail "README.md not in share/doc/dialsoak"
pass "examples and README in share/doc/dialsoak"

# docs/: every *.md and *.png of the source, and nothing else.
docs=$prefix/share/doc/dialsoak/docs
(cd "$src/docs" && find . -type f \( -name '*.md' -o -name '*.png' \) | sed 's|^\./||' | sort) \
  >"$PKG_TMP/docs.src"
[ -s "$PKG_TMP/docs.src" ] || fail "no *.md in $src/docs"
(cd "$docs" 2>/dev/null && find . -type f | sed 's|^\./||' | sort) >"$PKG_TMP/docs.installed" || true
diff "$PKG_TMP/docs.src" "$PKG_TMP/docs.installed" ||
  fail "share/doc/dialsoak/docs does not hold the source's docs/*.md and *.png (< source, > installed)"
while IFS= read -r f; do
  cmp "$src/docs/$f" "$docs/$f" || fail "share/doc/dialsoak/docs/$f differs from the source's docs/$f"
done <"$PKG_TMP/docs.src"
pass "docs/ in share/doc/dialsoak/docs ($(wc -l <"$PKG_TMP/docs.src") files)"

# Man pages: the build's .1.gz, as man_test.sh checks them.
if [ "$with_man" = 1 ]; then
  for p in dialsoak dialsoak-run dialsoak-capacity dialsoak-report dialsoak-compare modemsim; do
    cmp "$build/man/$p.1.gz" "$prefix/share/man/man1/$p.1.gz" ||
      fail "share/man/man1/$p.1.gz missing or not the build's man/$p.1.gz"
  done
  pass "6 man pages in share/man/man1 (.1.gz)"
else
  [ ! -e "$prefix/share/man" ] || fail "share/man installed with DIALSOAK_MAN_PAGES off"
fi

unit=$prefix/lib/systemd/system/dialsoak@.service
[ -f "$unit" ] || fail "lib/systemd/system/dialsoak@.service not installed"
grep -qx "ExecStart=$prefix/bin/dialsoak run --config /etc/dialsoak/%i.yaml \\\\" "$unit" ||
  fail "the installed unit's ExecStart does not start $prefix/bin/dialsoak: $(grep ExecStart= "$unit")"
diff <(sed "s|^ExecStart=$prefix/bin/|ExecStart=/usr/bin/|" "$unit") "$src/examples/dialsoak@.service" ||
  fail "the installed unit differs from examples/dialsoak@.service in more than ExecStart"
pass "unit in lib/systemd/system, ExecStart=$prefix/bin/dialsoak"

unexpected=$(cd "$PKG_TMP" && find usr -type f | grep -Ev \
  -e '^usr/bin/(dialsoak|modemsim|dialsoak_bench)$|^usr/share/dialsoak/grafana/|^usr/lib/systemd/system/dialsoak@\.service$' \
  -e '^usr/share/doc/dialsoak/(README\.md|examples/[^/]+|docs/.+\.(md|png))$' \
  -e '^usr/share/man/man1/(dialsoak|dialsoak-(run|capacity|report|compare)|modemsim)\.1\.gz$' || true)
[ -z "$unexpected" ] || fail "unexpected files installed: $unexpected"
pass "nothing else installed (no headers, no static libraries)"

# 2. No RUNPATH into the build tree.
for p in dialsoak modemsim dialsoak_bench; do
  if readelf -d "$prefix/bin/$p" | grep -E 'RPATH|RUNPATH' | grep -F "$(cd "$build" && pwd -P)"; then
    fail "bin/$p has a RUNPATH into the build tree"
  fi
done
pass "no RUNPATH into the build tree"

# 3. The installed programs run.
out=$("$prefix/bin/dialsoak" --version) || fail "installed dialsoak --version failed"
[ "$out" = "dialsoak $version" ] || fail "installed dialsoak --version said '$out', expected 'dialsoak $version'"
(cd "$PKG_TMP" && "$prefix/bin/dialsoak" run --lines 2 --cycles 1 --quiet --listen 127.0.0.1:0 \
  --report run.json >run.log 2>&1) || { cat "$PKG_TMP/run.log" >&2; fail "installed dialsoak run failed"; }
grep -q 'metrics on http://127.0.0.1:' "$PKG_TMP/run.log" || fail "installed dialsoak served no /metrics"
cycles=$(jq -r .cycles "$PKG_TMP/run.json") || fail "installed dialsoak wrote no readable report"
[ "$cycles" = 2 ] || fail "installed dialsoak's report says $cycles cycles, expected 2"
pass "installed dialsoak --version, run on the simulator with /metrics (2 cycles)"

"$prefix/bin/modemsim" --help >/dev/null || fail "installed modemsim --help failed"
"$prefix/bin/dialsoak_bench" --benchmark_list_tests >"$PKG_TMP/bench.txt" ||
  fail "installed dialsoak_bench --benchmark_list_tests failed"
grep -q '^BM_' "$PKG_TMP/bench.txt" || fail "installed dialsoak_bench lists no benchmark"
pass "installed modemsim and dialsoak_bench start"

if command -v systemd-analyze >/dev/null; then
  # Unknown keys and bad values are only warnings (exit 0): any output is a failure.
  (cd "$PKG_TMP" && cp "$unit" . && systemd-analyze verify --man=no "./dialsoak@bank1.service") \
    >"$PKG_TMP/verify.log" 2>&1 || { cat "$PKG_TMP/verify.log" >&2; fail "systemd-analyze verify failed"; }
  [ ! -s "$PKG_TMP/verify.log" ] || { cat "$PKG_TMP/verify.log" >&2; fail "systemd-analyze verify warned"; }
  pass "systemd-analyze verify accepts the installed unit"
else
  echo "note: systemd-analyze not found; the installed unit was not verified" >&2
fi
