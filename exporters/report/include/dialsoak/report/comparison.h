// The comparison of two runs (`dialsoak compare BASE NEW`) as a record, and its renderings:
// the terminal table (worse rows first), Markdown for a pull request or a CI comment, and
// JSON. The numbers come computed from bench/analysis/run_comparison.h; nothing here does
// statistics.
//
// A row is one measure of both runs (throughput, an outcome's share, a latency percentile,
// a leak slope, a capacity answer): each run's value, the difference NEW - BASE with its
// interval, and a verdict. The intervals hold together (simultaneously) at the comparison's
// confidence: each is drawn at 1 - (1 - confidence) / simultaneous (Bonferroni), so that
// "any row worse" is a claim at that confidence, not one per row.
//
// Thread-compatible plain values; rendering is pure and never throws (but std::bad_alloc).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace dialsoak::report {

// What a difference means for a row.
enum class Change { Worse, Better, NoChange, NotCompared };
std::string_view ToString(Change c);  // "worse", "better", "no change", "not compared"

struct ComparisonRow {
  std::string group;   // "throughput", "outcomes", "latency", "leaks", "capacity"
  std::string metric;  // the name --fail-on knows: "dial_p99", "busy_share", "leak:self:handles"
  std::string label;   // for people: "dial p99 (connected)"
  std::string unit;    // "s", "calls/s", "share", "per 1000 cycles", "E"
  std::optional<double> base, next;  // each run's value (unset: the run has none)
  std::optional<double> diff;        // next - base
  std::optional<double> lower, upper;  // the difference's interval
  bool higher_is_worse = true;
  Change change = Change::NotCompared;
  std::string base_verdict, next_verdict;  // leaks: each run's verdict ("ok", "leak")
  std::string note;  // why not compared, or what else to know ("new in NEW")

  // diff / base, when base is not 0.
  std::optional<double> relative() const;
};

struct GateResult {
  std::string expression;  // as given: "dial_p99>10%", or "any worse" for the default
  bool failed = false;
  std::string message;  // "dial_p99 +12.3 % [+8.1 %, +16.5 %]: over +10 %"
};

struct Comparison {
  std::string kind;  // "run" or "capacity"
  std::string base_path, next_path;
  std::string base_id, next_id;  // run ids
  double confidence = 0.99;
  int simultaneous = 1;  // the rows the confidence is shared by
  std::vector<std::string> warnings;  // settings that differ, damaged journals, ...
  std::vector<ComparisonRow> rows;
  std::vector<std::string> new_failures;  // failure texts NEW has and BASE had not
  std::vector<GateResult> gates;
  std::vector<std::string> charts;  // written next to it

  bool regression() const;  // a gate failed
};

// The terminal table: a header naming both runs, the warnings, then the rows, worse first,
// then better, no change and not compared, each group in its order; the new failure
// texts, the gates and the charts.
std::string RenderComparison(const Comparison& c);
// The same as a Markdown document: a heading, a table, lists.
std::string RenderComparisonMarkdown(const Comparison& c);
nlohmann::json ComparisonToJson(const Comparison& c, int exit_code);

// A value in the row's unit, for people: "21.3 ms", "391 calls/s", "1.10 %", "+0.25".
std::string FormatValue(const ComparisonRow& r, double v, bool signed_value = false);

// A row's difference, relative change and interval, as the table has them, after its
// label: "dial (connected) p50 +1.016 ms (+5.0 %) [+977.4 us, +1.054 ms]" (for the gates'
// messages).
std::string DescribeChange(const ComparisonRow& r);

}  // namespace dialsoak::report
