#!/usr/bin/env bash
# Structural check of the Grafana dashboards (grafana/dashboards/*.json): what Grafana's
# file provisioning needs, and this project's conventions for them.
#   - valid JSON; uid (fixed, at most 40 characters, unique across the dashboards), title,
#     schemaVersion; no ${DS_...} placeholders or __inputs (they only work on import, a
#     provisioned dashboard would show "datasource not found");
#   - template variables: `datasource` (type datasource, prometheus), and `job` and
#     `instance` (query variables on that datasource, multi-value with "All");
#   - every panel has a unique id, a type and a gridPos inside the 24-column grid, and no
#     two top-level panels overlap; every panel but a row has a description (what it means,
#     what to do) and targets, each with a refId (unique in the panel), an expr and the
#     datasource ${datasource} (as has the panel);
#   - every dialsoak metric selector filters {job=~"$job",instance=~"$instance"} and range
#     vectors use Grafana's $__rate_interval, $__interval or $__range, not a fixed window;
#   - a query that counts the calls offered from dialsoak_dial_attempts_total (a ratio of
#     dials, a series named "offered", a panel "Offered calls ...") adds dialsoak_calls_dropped_total: an open-loop
#     call dropped at origin was offered too, and did not connect;
#   - every template variable a dashboard uses ($name, ${name}; Grafana's $__... aside) is
#     defined; the only PromQL offset is `offset $compare`, right after every selector or
#     range vector of its query, whose legend ends "$compare ago", with the same query
#     without it in the panel, legend "... now", and those series dashed (an override of
#     ".* ago$"); `compare` is a single-valued custom or interval variable whose default
#     is one of its values, described as the "Compared with" row's offset;
#   - the overview has one row "Compared with $compare ago", `compare` defaults to 1d, and
#     every panel of the row draws something offset $compare.
# Then it checks itself: broken copies (a duplicate panel id, a ${DS_PROMETHEUS} datasource,
# a missing refId, an unfiltered selector, an undefined variable, a selector of the
# "Compared with" row left unoffset, ...) must each be refused.
# Usage: dashboards_test.sh DASHBOARD_DIR
set -euo pipefail

dir=${1:?usage: $0 DASHBOARD_DIR}
command -v jq >/dev/null || { echo "jq not found (run scripts/bootstrap)" >&2; exit 1; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dialsoak-dashboards.XXXXXX")
trap 'rm -rf -- "$tmp"' EXIT

# Prints one line per problem of the dashboard on stdin (nothing when it is fine).
read -r -d '' problems <<'JQ' || true
def panels: .panels[]? | ., (.panels[]? );
def where: "panel \(.id // "?") \"\(.title // "")\"";
def ds_ok: type == "object" and .uid == "${datasource}";
def vars: [.templating.list[]?];
def qvar($n): vars | map(select(.name == $n)) | first;
(if (.uid | type) != "string" or (.uid | test("^[A-Za-z0-9_-]{1,40}$") | not)
   then "uid missing or not 1-40 of [A-Za-z0-9_-]" else empty end),
(if (.title | type) != "string" or .title == "" then "title missing" else empty end),
(if (.schemaVersion | type) != "number" then "schemaVersion missing" else empty end),
(if has("__inputs") then "__inputs present (import-only, fails under provisioning)" else empty end),
(if ([panels] | length) == 0 then "no panels" else empty end),
(qvar("datasource") | if . == null or .type != "datasource" or .query != "prometheus"
   then "no template variable `datasource` of type datasource (query prometheus)" else empty end),
(["job", "instance"][] as $n | qvar($n)
   | if . == null or .type != "query" or (.datasource | ds_ok | not) or .multi != true
        or .includeAll != true or ((.query | tostring) | test("dialsoak_") | not)
     then "template variable `\($n)` missing, or not a multi/All query variable on ${datasource}"
     else empty end),
([panels | .id] | group_by(.) | map(select(length > 1) | .[0]) | .[]
   | "panel id \(.) used more than once"),
(panels | select((.id | type) != "number") | "\(where): no numeric id"),
(panels | select((.type | type) != "string") | "\(where): no type"),
(panels | select(.gridPos | (type != "object") or ([.h, .w, .x, .y] | map(type == "number") | all | not)
                 or (.x + .w > 24))
   | "\(where): gridPos missing or outside the 24-column grid"),
([.panels[]? | select(.gridPos | type == "object")] as $ps
   | range(0; $ps | length) as $i | range($i + 1; $ps | length) as $j | $ps[$i] as $a | $ps[$j] as $b
   | select($a.gridPos as $g | $b.gridPos as $h | $g.x < $h.x + $h.w and $h.x < $g.x + $g.w
            and $g.y < $h.y + $h.h and $h.y < $g.y + $g.h)
   | "\($a | where) and \($b | where) overlap"),
(panels | select(.type != "row") | (
   (select(.datasource | ds_ok | not) | "\(where): panel datasource is not ${datasource}"),
   (select((.description | type) != "string" or .description == "") | "\(where): no description"),
   (select((.targets | type) != "array" or (.targets | length) == 0) | "\(where): no targets"),
   ([.targets[]?.refId] | group_by(.) | map(select(length > 1) | .[0]) | .[]
      | "duplicate refId \(.)" ) as $m | "\(where): \($m)"),
   (. as $p | .targets[]? | (
      (select((.refId | type) != "string" or .refId == "") | "\($p | where): a target has no refId"),
      (select((.expr | type) != "string" or .expr == "") | "\($p | where): target \(.refId) has no expr"),
      (select(.datasource | ds_ok | not)
         | "\($p | where): target \(.refId) datasource is not ${datasource}"),
      (select((.expr | type) == "string") | .refId as $r | .expr
         | ([scan("dialsoak_[a-z_]+(?![a-z_{])")] | .[] | "\($p | where): target \($r): \(.) without {job,instance} filter"),
           ([scan("dialsoak_[a-z_]+\\{(?!job=~\"\\$job\",instance=~\"\\$instance\")")] | .[]
              | "\($p | where): target \($r): selector \(.)... does not start with job=~\"$job\",instance=~\"$instance\""),
           ([scan("\\[[^\\]]*\\]")] | map(select(test("^\\[\\$__(rate_interval|interval|range)\\]$") | not)) | .[]
              | "\($p | where): target \($r): range \(.) is not $__rate_interval, $__interval or $__range"))
   )),
   (. as $p | .targets[]? | select((.expr | type) == "string")
      | select((.expr | test("dialsoak_dial_attempts_total"))
               and ((.expr | test(" / ")) or ((.legendFormat // "") | test("offered"))
                    or (($p.title // "") | test("^Offered calls"))))
      | select(.expr | test("dialsoak_calls_dropped_total") | not)
      | "\($p | where): target \(.refId): counts the calls offered without dialsoak_calls_dropped_total (calls dropped at origin)")
),
((vars | map(.name)) as $defined
  | [.. | strings | scan("\\$\\{?([A-Za-z_][A-Za-z0-9_]*)") | .[0] | select(startswith("__") | not)]
  | unique | .[] | select(. as $n | $defined | any(.[]; . == $n) | not)
  | "template variable $\(.) is used but not defined"),
(if [.. | strings | select(test("\\$\\{?compare\\b"))] | length == 0 then empty
 else qvar("compare") | select(. != null)
   | (.query | tostring | split(",") | map(gsub("^\\s+|\\s+$"; ""))) as $opts
   | if (.type != "custom" and .type != "interval") or .multi == true or .includeAll == true
     then "template variable `compare` is not a single-valued custom or interval variable"
     elif (.current.value as $c | any($opts[]; . == $c) | not) or ([.options[]?.value] != $opts)
     then "template variable `compare`: its default (current) or options are not its query's values"
     elif (.description | type) != "string" or (.description | test("Compared with") | not)
     then "template variable `compare`: no description naming the \"Compared with\" row"
     else empty end
 end),
(panels | select(.type != "row") | . as $p | .targets[]? | select((.expr | type) == "string")
   | .refId as $r | .expr as $e | "\($p | where): target \($r)" as $at | (
      ([$e | scan("offset\\s+[^)\\s]*")] | map(select(. != "offset $compare")) | .[]
         | "\($at): \(.): the only offset is the variable's, offset $compare"),
      (select($e | test("offset \\$compare"))
         | ([$e | scan("offset \\$compare")] | length) as $n
         | ($e | gsub(" offset \\$compare"; "")) as $now
         | (if ([$e | scan("dialsoak_[a-z_]+\\{")] | length) != $n
              then "\($at): not every selector is offset $compare (\($n) offsets)" else empty end),
           (if ([$e | scan("[}\\]] offset \\$compare")] | length) != $n
              then "\($at): offset $compare is not right after a selector or range vector" else empty end),
           ((.legendFormat // "") | sub("\\$compare ago$"; "now")) as $legend
           | (if [$p.targets[] | select(.expr == $now and .legendFormat == $legend)] | length == 0
              then "\($at): no target of the panel draws the same query now, legend \"\($legend)\" (\($now))"
              else empty end),
           (if (.legendFormat // "") | test("\\$compare ago$") | not
              then "\($at): its legend does not end in \"$compare ago\"" else empty end),
           (if [$p.fieldConfig.overrides[]? | select(.matcher.id == "byRegexp" and .matcher.options == ".* ago$")
                | .properties[]? | select(.id == "custom.lineStyle" and .value.fill == "dash")] | length == 0
              then "\($at): the \"$compare ago\" series are not dashed (an override of \".* ago$\")" else empty end))
   )),
([.panels[]? | select(.type == "row" and ((.title // "") | startswith("Compared with")))] as $cmp
 | if ($cmp | length) == 0 then empty else
   (if ($cmp | length) > 1 or $cmp[0].title != "Compared with $compare ago"
      then "the \"Compared with\" row is not one row titled \"Compared with $compare ago\"" else empty end),
   (qvar("compare") | select(. != null and .current.value != "1d")
      | "template variable `compare`: the default is \(.current.value), not 1d"),
   ($cmp[0].gridPos.y as $y0
    | ([.panels[]? | select(.type == "row" and .gridPos.y > $y0) | .gridPos.y] | min // 1e9) as $y1
    | [.panels[]? | select(.type != "row" and .gridPos.y > $y0 and .gridPos.y < $y1), $cmp[0].panels[]?] as $in
    | (if ($in | length) == 0 then "the \"Compared with\" row has no panels" else empty end),
      ($in[] | select([.targets[]?.expr | strings | select(test("offset \\$compare"))] | length == 0)
         | "\(where): in the \"Compared with\" row but draws nothing offset $compare"))
 end)
JQ

# check FILE: prints the problems of FILE, prefixed with its name; false when there are any.
check() {
  local file=$1 out
  if ! jq -e . "$file" >/dev/null 2>"$tmp/err"; then
    echo "$file: not valid JSON: $(cat "$tmp/err")"
    return 1
  fi
  if grep -q '\${DS_' "$file"; then
    echo "$file: contains a \${DS_...} placeholder (import-only, fails under provisioning)"
    return 1
  fi
  out=$(jq -r "$problems" "$file") || { echo "$file: jq failed"; return 1; }
  [ -z "$out" ] || { sed "s|^|$file: |" <<<"$out"; return 1; }
}

shopt -s nullglob
files=("$dir"/*.json)
((${#files[@]} >= 2)) || { echo "FAIL: expected the dashboards in $dir, found ${#files[@]}" >&2; exit 1; }
status=0
for f in "${files[@]}"; do
  check "$f" >&2 || status=1
done
# The overview has the "Compared with" row (its panels and the compare variable checked above).
overview=$dir/dialsoak-overview.json
jq -e '[.panels[] | select(.type == "row" and .title == "Compared with $compare ago")] | length == 1' \
  "$overview" >/dev/null || { echo "FAIL: $overview has no row \"Compared with \$compare ago\"" >&2; status=1; }
dups=$(jq -r .uid "${files[@]}" | sort | uniq -d)
[ -z "$dups" ] || { echo "FAIL: uid used by more than one dashboard: $dups" >&2; status=1; }
((status == 0)) || { echo "FAIL: the dashboards above have problems" >&2; exit 1; }
echo "checked ${#files[@]} dashboards: $(jq -s '[.[].panels[]] | length' "${files[@]}") panels," \
  "$(jq -s '[.[].panels[].targets[]?] | length' "${files[@]}") queries"

# The checker itself: each of these breakages of a good dashboard must be refused.
good=${files[0]}
breakages=(
  'del(.uid)'
  '.schemaVersion = null'
  '.panels[1].id = .panels[2].id'
  'del(.panels[1].gridPos)'
  '.panels[1].gridPos.x = 20 | .panels[1].gridPos.w = 8'
  '.panels[2].gridPos = .panels[1].gridPos'
  '(.panels[] | select(.type != "row")) |= del(.description)'
  '(.panels[] | select(.type != "row") | .targets[0].datasource) = {"type":"prometheus","uid":"${DS_PROMETHEUS}"}'
  '. + {"__inputs": []}'
  '(.panels[] | select(.type != "row") | .targets[0]) |= del(.refId)'
  '(.panels[] | select(.type != "row") | .targets[0].expr) = ""'
  '(.panels[] | select(.type != "row")) |= (.targets = [])'
  '(.panels[] | select(.type != "row") | .datasource) = null'
  '(.panels[] | select(.type != "row") | .targets[0].expr) |= sub("instance=~\"\\$instance\""; "instance=~\".*\"")'
  '(.panels[] | select(.type != "row") | .targets[0].expr) = "sum(dialsoak_cycles_total)"'
  '(.panels[] | select(.type != "row") | .targets[0].expr) = "rate(dialsoak_cycles_total{job=~\"$job\",instance=~\"$instance\"}[5m])"'
  '.templating.list |= map(select(.name != "datasource"))'
  '.templating.list |= map(select(.name != "instance"))'
  '(.templating.list[] | select(.name == "job")).multi = false'
  '(.panels[] | select(.type != "row") | .targets[0].expr) |= . + " * $nosuch"'
)
for b in "${breakages[@]}"; do
  jq "$b" "$good" >"$tmp/broken.json" || { echo "FAIL: jq could not apply: $b" >&2; exit 1; }
  if check "$tmp/broken.json" >"$tmp/why"; then
    echo "FAIL: the checker accepted a dashboard broken by: $b" >&2
    exit 1
  fi
done
# The capacity dashboard's offered load and blocking without the calls dropped at origin.
capacity=$dir/dialsoak-capacity.json
only_dials='sum(rate(dialsoak_dial_attempts_total{job=~"$job",instance=~"$instance"}[$__rate_interval]))'
capacity_breakages=(
  "(.panels[] | select(.title == \"Offered vs carried calls/s\") | .targets[0].expr) = \$e"
  "(.panels[] | select(.title == \"Blocking ratio\") | .targets[0].expr) |= sub(\" \\\\+ sum\\\\(rate\\\\(dialsoak_calls_dropped_total[^)]*\\\\)\\\\)\"; \"\"; \"g\")"
)
for b in "${capacity_breakages[@]}"; do
  jq --arg e "$only_dials" "$b" "$capacity" >"$tmp/broken.json" ||
    { echo "FAIL: jq could not apply: $b" >&2; exit 1; }
  cmp -s "$capacity" "$tmp/broken.json" && { echo "FAIL: no change made by: $b" >&2; exit 1; }
  if check "$tmp/broken.json" >"$tmp/why"; then
    echo "FAIL: the checker accepted a capacity dashboard broken by: $b" >&2
    exit 1
  fi
done
# The overview's "Compared with" row and its variable `compare`, broken one way at a time.
overview_breakages=(
  '.templating.list |= map(select(.name != "compare"))'
  '(.templating.list[] | select(.name == "compare")).current = {"text": "2d", "value": "2d"}'
  '(.templating.list[] | select(.name == "compare")) |= (.current = {"text": "7d", "value": "7d"}
     | .options[].selected = (.value == "7d"))'
  '(.templating.list[] | select(.name == "compare")).multi = true'
  '(.templating.list[] | select(.name == "compare")).type = "query"'
  '(.templating.list[] | select(.name == "compare")) |= del(.description)'
  '(.panels[] | select(.title == "Success ratio vs $compare ago") | .targets[1].expr) |= sub(" offset \\$compare"; "")'
  '(.panels[] | select(.title == "Cycles/s vs $compare ago") | .targets[1].expr) |= sub("\\$compare"; "1d")'
  '(.panels[] | select(.title == "Cycles/s vs $compare ago") | .targets[1].expr)
     |= sub("\\] offset \\$compare\\)\\)"; "])) offset $compare")'
  '(.panels[] | select(.title == "Cycles/s vs $compare ago") | .targets[1].legendFormat) = "before"'
  '(.panels[] | select(.title == "Open handles vs $compare ago") | .targets) |= map(select(.refId != "A"))'
  '(.panels[] | select(.title == "Hang-up latency vs $compare ago") | .targets[1].expr) |= sub("0\\.5,"; "0.9,")'
  '(.panels[] | select(.title == "Open handles vs $compare ago") | .targets) |= map(select(.refId != "B"))'
  '(.panels[] | select(.title == "Open handles vs $compare ago") | .fieldConfig.overrides) = []'
  '(.panels[] | select(.title == "Compared with $compare ago")).title = "Compared with yesterday"'
)
for b in "${overview_breakages[@]}"; do
  jq "$b" "$overview" >"$tmp/broken.json" || { echo "FAIL: jq could not apply: $b" >&2; exit 1; }
  cmp -s "$overview" "$tmp/broken.json" && { echo "FAIL: no change made by: $b" >&2; exit 1; }
  if check "$tmp/broken.json" >"$tmp/why"; then
    echo "FAIL: the checker accepted an overview dashboard broken by: $b" >&2
    exit 1
  fi
done
printf '{"uid": "x", oops}\n' >"$tmp/broken.json"
! check "$tmp/broken.json" >/dev/null || { echo "FAIL: the checker accepted invalid JSON" >&2; exit 1; }
echo "the checker refused all $((${#breakages[@]} + ${#capacity_breakages[@]} + ${#overview_breakages[@]} + 1)) broken copies"
