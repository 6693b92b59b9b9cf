#!/usr/bin/env bash
# The configuration reference cannot rot: docs/configuration.md's reference tables are
# what `dialsoak settings` prints (both come from the settings' declarations), every flag
# `dialsoak run --help` and `dialsoak capacity --help` list is in the reference, and every
# flag the reference lists is taken by one of the two commands.
#   settings_reference_test.sh SOURCE_DIR DIALSOAK
set -euo pipefail
src=$1 dialsoak=$2
doc=$src/docs/configuration.md
fail() { echo "FAIL: $*" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sed -n '/^<!-- settings reference: begin -->$/,/^<!-- settings reference: end -->$/p' "$doc" |
  sed '1d;$d' >"$tmp/doc"
[ -s "$tmp/doc" ] || fail "$doc has no reference between its markers"
"$dialsoak" settings >"$tmp/generated"
diff -u "$tmp/doc" "$tmp/generated" >"$tmp/diff" ||
  { cat "$tmp/diff" >&2; fail "$doc's reference differs from 'dialsoak settings': run scripts/settings-reference"; }
echo "ok: the reference is dialsoak settings' output"

# Flags in the reference: the first column's `--flag` (and `--flag,-x`).
grep -oE '^\| `--[a-z0-9-]+' "$tmp/doc" | sed 's/^| `//' | sort -u >"$tmp/reference"
# Flags in --help: an option line starts with spaces, maybe -x, then --flag.
for command in run capacity; do
  "$dialsoak" "$command" --help | grep -oE '^ +(-[a-z],)?--[a-z0-9-]+' |
    grep -oE -- '--[a-z0-9-]+' | grep -vx -- '--help' >"$tmp/help-$command"
  [ "$(wc -l <"$tmp/help-$command")" -gt 20 ] || fail "dialsoak $command --help lists too few flags"
done
sort -u "$tmp/help-run" "$tmp/help-capacity" >"$tmp/help"
missing=$(comm -23 "$tmp/help" "$tmp/reference")
[ -z "$missing" ] || fail "flags in --help but not in the reference: $missing"
extra=$(comm -13 "$tmp/help" "$tmp/reference")
[ -z "$extra" ] || fail "flags in the reference that neither command takes: $extra"
echo "ok: $(wc -l <"$tmp/help") flags in --help, each in the reference and back"
