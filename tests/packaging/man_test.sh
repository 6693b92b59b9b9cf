#!/usr/bin/env bash
# packaging: the man pages that man/CMakeLists.txt writes with help2man at build time.
#   1. BUILD/man holds PAGE.1 and PAGE.1.gz for each of dialsoak, dialsoak-run,
#      dialsoak-capacity, dialsoak-report, dialsoak-compare and modemsim; the .gz (what is
#      installed and packaged) is PAGE.1 compressed, without name or time stamp (gzip -n).
#   2. Each renders with `man --warnings -l` (as lintian runs it) without a single warning,
#      the .1 and the .1.gz.
#   3. Each rendered page has its title and NAME line, a SYNOPSIS naming the program, and
#      an OPTIONS section with a few flags the program has (so that a page help2man wrote
#      from an empty or failed --help fails), an EXIT STATUS and SEE ALSO. The flags
#      checked are few and stable on purpose: the wording of --help changes, the pages
#      follow it.
#   4. EXIT STATUS of dialsoak(1) lists every code of bench/cli/exit_codes.h, and that of
#      dialsoak-run(1) every code but compare's (kRegression): a new exit code needs a line
#      in man/dialsoak.h2m and man/dialsoak-run.h2m.
# Usage: man_test.sh BUILD_DIR SOURCE_DIR
# shellcheck source=packaging_lib.sh
source "$(dirname "$0")/packaging_lib.sh"
build=$1 src=$2
need_cmd man man-db
need_cmd nroff groff-base
need_cmd gzip gzip
export LC_ALL=C.UTF-8 MANWIDTH=80
unset MANPAGER PAGER MANOPT MAN_KEEP_FORMATTING

# PAGE and the flags its OPTIONS section must show.
declare -A flags=(
  [dialsoak]='--log-level --version'
  [dialsoak-run]='--cycles --leak-window --lines --out'
  [dialsoak-capacity]='--load --ports'
  [dialsoak-report]='--junit --charts'
  [dialsoak-compare]='--fail-on --out'
  [modemsim]='--ports --link-dir --inject-leak'
)
pages=(dialsoak dialsoak-run dialsoak-capacity dialsoak-report dialsoak-compare modemsim)

# The text of section NAME of a rendered page: from its heading to the next one.
section() {
  awk -v name="$1" '/^[A-Z][A-Z ]*$/ { on = ($0 == name); next } on' "$2"
}

# 1. The files.
for p in "${pages[@]}"; do
  page=$build/man/$p.1
  [ -s "$page" ] || fail "$page missing or empty (help2man writes it when building target dialsoak_man_pages)"
  [ -s "$page.gz" ] || fail "$page.gz missing or empty"
  gzip -t "$page.gz" || fail "$page.gz is not a valid gzip file"
  cmp -s <(gzip -dc "$page.gz") "$page" || fail "$page.gz is not $page compressed"
  # Bytes 4-7 of a gzip header are the time stamp: 0 with gzip -n (Debian policy, reproducible).
  [ "$(od -An -tx1 -j4 -N4 "$page.gz" | tr -d ' \n')" = 00000000 ] ||
    fail "$page.gz has a time stamp (not gzip -n)"
done
pass "${#pages[@]} pages in $build/man, each also as .1.gz (gzip -n)"

for p in "${pages[@]}"; do
  page=$build/man/$p.1
  # 2. No warning, from the source or the compressed page. As lintian: -Tutf8 -Z checks
  # the whole of troff's run without formatting for a terminal.
  for f in "$page" "$page.gz"; do
    man --warnings -E UTF-8 -l -Tutf8 -Z "$f" >/dev/null 2>"$PKG_TMP/$p.warnings" ||
      { cat "$PKG_TMP/$p.warnings" >&2; fail "man -l $f failed"; }
    [ ! -s "$PKG_TMP/$p.warnings" ] ||
      { cat "$PKG_TMP/$p.warnings" >&2; fail "man --warnings -l $f warned"; }
  done
  # The text as a reader sees it at 80 columns, without hyphenation or justification, so
  # that no flag is split across lines.
  man --nh --nj -l "$page.gz" >"$PKG_TMP/$p.txt" 2>"$PKG_TMP/$p.warnings" ||
    { cat "$PKG_TMP/$p.warnings" >&2; fail "man -l $page.gz failed"; }

  # 3. What is in it.
  title=${p^^}
  head -n1 "$PKG_TMP/$p.txt" | grep -q "^$title(1) " ||
    fail "$p.1: title is '$(head -n1 "$PKG_TMP/$p.txt")', expected $title(1)"
  section NAME "$PKG_TMP/$p.txt" | grep -Eq "^ +$p - [a-z]" ||
    fail "$p.1: NAME is not '$p - what it does': $(section NAME "$PKG_TMP/$p.txt")"
  program=${p%%-*}
  section SYNOPSIS "$PKG_TMP/$p.txt" | grep -Eq "^ +$program( |$)" ||
    fail "$p.1: SYNOPSIS does not start with $program: $(section SYNOPSIS "$PKG_TMP/$p.txt")"
  if [ "$p" != "$program" ]; then
    section SYNOPSIS "$PKG_TMP/$p.txt" | grep -Eq " ${p#*-}( |$)" ||
      fail "$p.1: SYNOPSIS does not name the subcommand ${p#*-}"
  fi
  section OPTIONS "$PKG_TMP/$p.txt" >"$PKG_TMP/$p.options"
  for flag in ${flags[$p]}; do
    grep -Eq "^ +(-[a-z],)?$flag( |$)" "$PKG_TMP/$p.options" ||
      fail "$p.1: OPTIONS has no $flag (an empty or failed --help?); OPTIONS: $(head -c 600 "$PKG_TMP/$p.options")"
  done
  for s in DESCRIPTION 'EXIT STATUS' EXAMPLES 'SEE ALSO'; do
    [ -n "$(section "$s" "$PKG_TMP/$p.txt" | tr -d ' \n')" ] || fail "$p.1: no $s section"
  done
  pass "$p(1): no warning; NAME, SYNOPSIS, OPTIONS with ${flags[$p]}, EXIT STATUS, EXAMPLES, SEE ALSO"
done

# The subcommands in dialsoak(1), as its --help lists them.
for sub in run capacity report compare; do
  section OPTIONS "$PKG_TMP/dialsoak.txt" | grep -Eq "^ +$sub( |$)" ||
    fail "dialsoak.1 does not list the subcommand $sub"
done
pass "dialsoak(1) lists run, capacity, report and compare"

# 4. Exit codes: those declared in exit_codes.h, as NAME=CODE.
mapfile -t codes < <(sed -nE 's/^ *(k[A-Za-z]+) *= *([0-9]+),.*/\1=\2/p' "$src/bench/cli/exit_codes.h")
[ "${#codes[@]}" -ge 10 ] || fail "read only ${#codes[@]} exit codes from $src/bench/cli/exit_codes.h: ${codes[*]}"
for p in dialsoak dialsoak-run; do
  section 'EXIT STATUS' "$PKG_TMP/$p.txt" >"$PKG_TMP/$p.exit"
  for c in "${codes[@]}"; do
    [ "$p" = dialsoak-run ] && [ "${c%=*}" = kRegression ] && continue
    grep -Eq "^ +${c#*=}( |$)" "$PKG_TMP/$p.exit" ||
      fail "$p.1: EXIT STATUS lacks ${c#*=} (${c%=*} of bench/cli/exit_codes.h): add it to man/$p.h2m"
  done
done
pass "EXIT STATUS of dialsoak(1) and dialsoak-run(1) list the ${#codes[@]} codes of exit_codes.h"
