#!/usr/bin/env bash
# The documentation's links: every relative link in README.md, docs/*.md, bench/README.md
# and every other Markdown file git tracks (build trees left out) resolves. The file or
# directory it names exists, and its #anchor, if any, is made by a heading of the target
# Markdown file (GitHub's way: lower case, punctuation dropped, spaces to '-', '-1', '-2'
# for repeated headings) or by an HTML id or name. Same-file links (#anchor) too. Links
# in fenced code blocks, code spans and HTML comments are not links; http(s), mailto and
# other URLs with a scheme are not fetched.
#
# Before the repository, the checker is run on a small page with known broken links, so
# it cannot pass by finding nothing.
#
# Usage: links_test.sh [REPO]          (default: the checkout this script is in)
# Exit codes: 0 every link resolves; 1 a broken link (each named as FILE:LINE: LINK: why);
# 2 bad usage or a checker that does not find the broken links it is shown.
set -euo pipefail
export LC_ALL=C

usage() { echo "usage: $0 [REPO]" >&2; exit 2; }
(($# <= 1)) || usage
repo=${1:-$(dirname "$0")/../..}
[[ -d $repo ]] || { echo "links_test: $repo is not a directory" >&2; exit 2; }
repo=$(cd "$repo" && pwd)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# links FILE: "LINE<TAB>TARGET" for each link of a Markdown file: inline links and images
# [text](target "title"), reference definitions [label]: target, and HTML href/src.
links() {
  awk '
    function find_run(s, n,   off, i, m) {  # where a run of exactly n backticks starts
      off = 0
      while ((i = index(s, "`")) > 0) {
        m = 0
        while (substr(s, i + m, 1) == "`") m++
        if (m == n) return off + i
        off += i + m - 1
        s = substr(s, i + m)
      }
      return 0
    }
    function strip_code(s,   out, i, n, rest, pos) {  # drop code spans
      out = ""
      while ((i = index(s, "`")) > 0) {
        out = out substr(s, 1, i - 1)
        s = substr(s, i)
        n = 0
        while (substr(s, n + 1, 1) == "`") n++
        rest = substr(s, n + 1)
        pos = find_run(rest, n)
        if (pos == 0) { out = out substr(s, 1, n); s = rest; continue }
        s = substr(rest, pos + n)
      }
      return out s
    }
    function emit(t) {
      sub(/^[ \t]+/, "", t)
      if (substr(t, 1, 1) == "<") { t = substr(t, 2); sub(/>.*$/, "", t) }
      else sub(/[ \t].*$/, "", t)
      print NR "\t" t
    }
    fence == "" && /^ *```/ { fence = "```"; next }
    fence == "" && /^ *~~~/ { fence = "~~~"; next }
    fence == "```" { if ($0 ~ /^ *```+[ \t]*$/) fence = ""; next }
    fence == "~~~" { if ($0 ~ /^ *~~~+[ \t]*$/) fence = ""; next }
    /^    / && prev_blank { next }  # an indented code block
    {
      prev_blank = ($0 ~ /^[ \t]*$/)
      s = strip_code($0)
      gsub(/<!--.*-->/, "", s)
      if (match(s, /^ *\[[^]]+\]:[ \t]/)) { emit(substr(s, RSTART + RLENGTH)); next }
      while (match(s, /\]\([^)]*\)/)) {
        emit(substr(s, RSTART + 2, RLENGTH - 3))
        s = substr(s, RSTART + RLENGTH)
      }
      while (match(s, /(href|src)="[^"]*"/)) {
        t = substr(s, RSTART, RLENGTH)
        sub(/^[a-z]+="/, "", t)
        sub(/"$/, "", t)
        print NR "\t" t
        s = substr(s, RSTART + RLENGTH)
      }
    }
  ' "$1"
}

# anchors FILE: the anchors a Markdown file's headings (and HTML ids and names) make.
anchors() {
  awk '
    fence == "" && /^ *```/ { fence = "```"; next }
    fence == "" && /^ *~~~/ { fence = "~~~"; next }
    fence == "```" { if ($0 ~ /^ *```+[ \t]*$/) fence = ""; next }
    fence == "~~~" { if ($0 ~ /^ *~~~+[ \t]*$/) fence = ""; next }
    {
      s = $0
      while (match(s, /(id|name)="[^"]*"/)) {
        t = substr(s, RSTART, RLENGTH)
        sub(/^[a-z]+="/, "", t)
        sub(/"$/, "", t)
        print t
        s = substr(s, RSTART + RLENGTH)
      }
    }
    /^ *#+[ \t]/ || /^ *#+$/ {
      h = $0
      sub(/^ *#+[ \t]*/, "", h)
      sub(/[ \t]+#+[ \t]*$/, "", h)
      # A link or image counts by its text; HTML tags by nothing.
      while (match(h, /!?\[[^]]*\]\([^)]*\)/)) {
        t = substr(h, RSTART, RLENGTH)
        sub(/^!?\[/, "", t)
        sub(/\]\(.*$/, "", t)
        h = substr(h, 1, RSTART - 1) t substr(h, RSTART + RLENGTH)
      }
      gsub(/<[^>]*>/, "", h)
      h = tolower(h)
      # Punctuation goes, letters and digits stay (bytes past ASCII: UTF-8 letters stay,
      # the common punctuation among them goes).
      gsub(/\342\200[\223\224\230\231\234\235\246]|\302[\247\267]|\303\227/, "", h)
      gsub(/[^a-z0-9 _\200-\377-]/, "", h)
      gsub(/ /, "-", h)
      if (h in seen) { seen[h]++; print h "-" seen[h] } else { seen[h] = 0; print h }
    }
  ' "$1"
}

declare -A anchor_cache=()

# check REPO FILE...: prints each broken link, returns how many there were (at most 255).
check() {
  local root=$1 file lineno target path anchor dest rel list
  local -i broken=0 count=0
  shift
  for file in "$@"; do
    while IFS=$'\t' read -r lineno target; do
      count+=1
      [[ -z $target ]] && { echo "$file:$lineno: (empty link)"; broken+=1; continue; }
      # A URL with a scheme (http:, https:, mailto:, ...) is not checked.
      [[ $target =~ ^[A-Za-z][A-Za-z0-9+.-]*: ]] && continue
      path=${target%%#*}
      anchor=
      [[ $target == *'#'* ]] && anchor=${target#*#}
      path=${path%%\?*}
      path=${path//%20/ }
      if [[ -z $path ]]; then
        dest=$root/$file
      elif [[ $path == /* ]]; then
        dest=$root$path
      else
        dest=$(dirname "$root/$file")/$path
      fi
      rel=$(realpath -m --relative-to="$root" "$dest")
      if [[ ! -e $dest ]]; then
        echo "$file:$lineno: $target: $rel does not exist"
        broken+=1
        continue
      fi
      [[ -n $anchor && -f $dest && $dest == *.md ]] || continue
      dest=$(realpath "$dest")
      if [[ -z ${anchor_cache[$dest]+set} ]]; then
        list=$(anchors "$dest")
        anchor_cache[$dest]=$'\n'$list$'\n'
      fi
      if [[ ${anchor_cache[$dest]} != *$'\n'"$anchor"$'\n'* ]]; then
        echo "$file:$lineno: $target: no heading of $rel makes the anchor #$anchor"
        broken+=1
      fi
    done < <(links "$root/$file")
  done
  echo "checked $count link(s) in $# file(s)" >&2
  ((broken < 255)) || broken=255
  return "$broken"
}

# 1. The checker itself, on a page whose broken links are known.
fixture=$tmp/fixture
mkdir -p "$fixture/sub"
cat >"$fixture/page.md" <<'EOF'
# A page

## Set up
## Open-loop load (`--rate`, `--stage`)
## Set up
### The run directory and `dialsoak report`

[ok: a file](sub/other.md) and [ok: an anchor](sub/other.md#windows-ras).
[ok: same page](#set-up), [ok: repeated](#set-up-1), [ok](#open-loop-load---rate---stage).
[ok](#the-run-directory-and-dialsoak-report) ![ok: an image](sub/pic.png) [ok](https://example.invalid/x)
[broken: no file](sub/missing.md)
[broken: no anchor](sub/other.md#windows)
[broken: same page](#set-up-2)
`[not a link: code](nowhere.md)` and <!-- [not a link](nowhere.md) -->
<a href="sub/gone.html">broken: html</a>

```sh
[not a link: code block](nowhere.md)
```

[ref]: sub/other.md#tests
EOF
cat >"$fixture/sub/other.md" <<'EOF'
# Windows (RAS)

```
# not a heading
```
## Tests
EOF
: >"$fixture/sub/pic.png"
check "$fixture" page.md >"$tmp/fixture.out" 2>/dev/null && fixture_rc=0 || fixture_rc=$?
expected='page.md:11: sub/missing.md: sub/missing.md does not exist
page.md:12: sub/other.md#windows: no heading of sub/other.md makes the anchor #windows
page.md:13: #set-up-2: no heading of page.md makes the anchor #set-up-2
page.md:15: sub/gone.html: sub/gone.html does not exist'
if [[ $fixture_rc != 4 || $(cat "$tmp/fixture.out") != "$expected" ]]; then
  echo "links_test: the checker does not find the broken links of its own test page" >&2
  echo "expected (4 broken):" >&2
  echo "$expected" >&2
  echo "got ($fixture_rc broken):" >&2
  cat "$tmp/fixture.out" >&2
  exit 2
fi

# 2. The repository's Markdown.
declare -A listed=()
files=()
add() {
  [[ -f $repo/$1 && -z ${listed[$1]+set} ]] || return 0
  listed[$1]=1
  files+=("$1")
}
add README.md
for f in "$repo"/docs/*.md; do add "${f#"$repo"/}"; done
add bench/README.md
if git -C "$repo" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  while IFS= read -r f; do
    case /$f in */build/* | */build-*/*) continue ;; esac
    add "$f"
  done < <(git -C "$repo" ls-files -- '*.md')
fi
((${#files[@]} > 0)) || { echo "links_test: no Markdown files in $repo" >&2; exit 2; }

check "$repo" "${files[@]}" >"$tmp/broken" && rc=0 || rc=$?
if ((rc != 0)); then
  echo "links_test: $rc broken link(s):" >&2
  cat "$tmp/broken" >&2
  exit 1
fi
echo "links_test: every relative link resolves (${#files[@]} files: ${files[*]})"
