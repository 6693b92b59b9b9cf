#include "dialsoak/report/comparison.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "text.h"

namespace dialsoak::report {
namespace {

using nlohmann::json;

int Rank(Change c) {
  switch (c) {
    case Change::Worse: return 0;
    case Change::Better: return 1;
    case Change::NoChange: return 2;
    case Change::NotCompared: return 3;
  }
  return 4;
}

// Rows worse first, then better, no change, not compared; each kind in the groups' order.
std::vector<const ComparisonRow*> Ordered(const Comparison& c) {
  std::vector<const ComparisonRow*> rows;
  for (const ComparisonRow& r : c.rows) rows.push_back(&r);
  std::stable_sort(rows.begin(), rows.end(), [](const ComparisonRow* a, const ComparisonRow* b) {
    return Rank(a->change) < Rank(b->change);
  });
  return rows;
}

std::string Value(const ComparisonRow& r, const std::optional<double>& v) {
  return v ? FormatValue(r, *v) : "-";
}

std::string Difference(const ComparisonRow& r) {
  if (!r.diff) return "-";
  std::string s = FormatValue(r, *r.diff, true);
  if (const auto rel = r.relative(); rel && r.unit != "share" && std::isfinite(*rel)) {
    s += fmt::format(" ({:+.1f} %)", *rel * 100);
  }
  return s;
}

std::string Interval(const ComparisonRow& r) {
  if (!r.lower || !r.upper) return "-";
  return fmt::format("[{}, {}]", FormatValue(r, *r.lower, true), FormatValue(r, *r.upper, true));
}

std::string Verdict(const ComparisonRow& r) {
  std::string s(ToString(r.change));
  if (r.change == Change::Worse) s = "WORSE";
  if (!r.base_verdict.empty() || !r.next_verdict.empty()) {
    s += fmt::format(" ({} -> {})", r.base_verdict.empty() ? "-" : r.base_verdict,
                     r.next_verdict.empty() ? "-" : r.next_verdict);
  }
  return s;
}

std::string Header(const Comparison& c) {
  return fmt::format("dialsoak compare ({})\n  BASE {}  {}\n  NEW  {}  {}\n", c.kind, c.base_id,
                     Printable(c.base_path), c.next_id, Printable(c.next_path));
}

std::string Confidence(const Comparison& c) {
  return fmt::format("intervals of NEW - BASE, together at {:g} % over {} compared row(s) (each at "
                     "{:.4g} %), from {}",
                     c.confidence * 100, c.simultaneous,
                     100 * (1 - (1 - c.confidence) / std::max(c.simultaneous, 1)),
                     c.kind == "capacity" ? "the steps' blocking intervals"
                                          : "the runs' own variation (per-tick batches)");
}

std::string MarkdownCell(std::string s) {
  std::string out;
  for (char ch : Printable(s)) {
    if (ch == '|') out += "\\|";
    else out += ch;
  }
  return out;
}

json Optional(const std::optional<double>& v) {
  return v && std::isfinite(*v) ? json(*v) : json(nullptr);
}

}  // namespace

std::string_view ToString(Change c) {
  switch (c) {
    case Change::Worse: return "worse";
    case Change::Better: return "better";
    case Change::NoChange: return "no change";
    case Change::NotCompared: return "not compared";
  }
  return "unknown";
}

std::optional<double> ComparisonRow::relative() const {
  if (!diff || !base || *base == 0) return std::nullopt;
  return *diff / std::abs(*base);
}

bool Comparison::regression() const {
  return std::any_of(gates.begin(), gates.end(), [](const GateResult& g) { return g.failed; });
}

std::string FormatValue(const ComparisonRow& r, double v, bool signed_value) {
  const std::string sign = signed_value && v >= 0 ? "+" : "";
  if (r.unit == "s") {
    const double a = std::abs(v);
    if (a != 0 && a < 1e-3) return fmt::format("{}{:.1f} us", sign, v * 1e6);
    if (a < 1) return fmt::format("{}{:.3f} ms", sign, v * 1e3);
    return fmt::format("{}{:.3f} s", sign, v);
  }
  if (r.unit == "share") {
    return signed_value ? fmt::format("{}{:.2f} pp", sign, v * 100) : fmt::format("{:.2f} %", v * 100);
  }
  if (r.unit == "ports") return fmt::format("{}{:.1f}", sign, v);  // fractional: see run_comparison
  if (r.unit == "B per 1000 cycles") {
    const double a = std::abs(v);
    if (a >= 1024 * 1024) return fmt::format("{}{:.2f} MiB", sign, v / (1024 * 1024));
    if (a >= 1024) return fmt::format("{}{:.1f} KiB", sign, v / 1024);
    return fmt::format("{}{:.0f} B", sign, v);
  }
  return fmt::format("{}{:.3g}", sign, v);
}

std::string DescribeChange(const ComparisonRow& r) {
  std::string s = r.label + " " + Difference(r);
  if (r.lower && r.upper) s += " " + Interval(r);
  return s;
}

std::string RenderComparison(const Comparison& c) {
  std::string out = Header(c);
  for (const std::string& w : c.warnings) out += "warning: " + Printable(w) + "\n";
  out += "\n";
  std::vector<std::vector<std::string>> rows{
      {"measure", "unit", "BASE", "NEW", "NEW - BASE", "interval", "verdict", "note"}};
  for (const ComparisonRow* r : Ordered(c)) {
    rows.push_back({r->label, r->unit, Value(*r, r->base), Value(*r, r->next), Difference(*r),
                    Interval(*r), Verdict(*r), Printable(r->note)});
  }
  out += AlignRows(rows, "llrrrrll");
  out += Confidence(c) + "\n";
  if (!c.new_failures.empty()) {
    out += "\nfailure texts new in NEW:\n";
    for (const std::string& f : c.new_failures) out += "  " + Printable(f) + "\n";
  }
  out += "\ngates:\n";
  for (const GateResult& g : c.gates) {
    out += fmt::format("  {}  {}: {}\n", g.failed ? "FAIL" : "pass", Printable(g.expression),
                       Printable(g.message));
  }
  for (const std::string& chart : c.charts) out += "chart: " + Printable(chart) + "\n";
  return out;
}

std::string RenderComparisonMarkdown(const Comparison& c) {
  std::string out = fmt::format("## dialsoak compare: {}\n\n", c.regression() ? "REGRESSION" : "no regression");
  out += fmt::format("- BASE `{}` ({})\n- NEW `{}` ({})\n", MarkdownCell(c.base_id),
                     MarkdownCell(c.base_path), MarkdownCell(c.next_id), MarkdownCell(c.next_path));
  for (const std::string& w : c.warnings) out += "- **warning**: " + MarkdownCell(w) + "\n";
  out += "\n| measure | BASE | NEW | NEW - BASE | interval | verdict |\n|---|--:|--:|--:|--:|---|\n";
  for (const ComparisonRow* r : Ordered(c)) {
    std::string verdict = Verdict(*r);
    if (r->change == Change::Worse) verdict = "**" + verdict + "**";
    if (!r->note.empty()) verdict += " (" + r->note + ")";
    out += fmt::format("| {} | {} | {} | {} | {} | {} |\n", MarkdownCell(r->label),
                       MarkdownCell(Value(*r, r->base)), MarkdownCell(Value(*r, r->next)),
                       MarkdownCell(Difference(*r)), MarkdownCell(Interval(*r)),
                       MarkdownCell(verdict));
  }
  out += "\n" + Confidence(c) + ".\n";
  if (!c.new_failures.empty()) {
    out += "\nFailure texts new in NEW:\n\n";
    for (const std::string& f : c.new_failures) out += "- `" + MarkdownCell(f) + "`\n";
  }
  out += "\nGates:\n\n";
  for (const GateResult& g : c.gates) {
    out += fmt::format("- {} `{}`: {}\n", g.failed ? "**FAIL**" : "pass", MarkdownCell(g.expression),
                       MarkdownCell(g.message));
  }
  return out;
}

json ComparisonToJson(const Comparison& c, int exit_code) {
  json rows = json::array();
  for (const ComparisonRow& r : c.rows) {
    json row{{"group", r.group},        {"metric", r.metric},
             {"label", r.label},        {"unit", r.unit},
             {"base", Optional(r.base)}, {"new", Optional(r.next)},
             {"diff", Optional(r.diff)}, {"relative", Optional(r.relative())},
             {"lower", Optional(r.lower)}, {"upper", Optional(r.upper)},
             {"higher_is_worse", r.higher_is_worse}, {"change", std::string(ToString(r.change))},
             {"note", r.note}};
    if (!r.base_verdict.empty() || !r.next_verdict.empty()) {
      row["base_verdict"] = r.base_verdict;
      row["new_verdict"] = r.next_verdict;
    }
    rows.push_back(std::move(row));
  }
  json gates = json::array();
  for (const GateResult& g : c.gates) {
    gates.push_back({{"gate", g.expression}, {"failed", g.failed}, {"message", g.message}});
  }
  return json{{"report_format", 1},
              {"tool", "dialsoak"},
              {"kind", "comparison"},
              {"compared", c.kind},
              {"base", {{"path", c.base_path}, {"run_id", c.base_id}}},
              {"new", {{"path", c.next_path}, {"run_id", c.next_id}}},
              {"confidence", c.confidence},
              {"simultaneous", c.simultaneous},
              {"warnings", c.warnings},
              {"rows", rows},
              {"new_failures", c.new_failures},
              {"gates", gates},
              {"regression", c.regression()},
              {"charts", c.charts},
              {"exit_code", exit_code}};
}

}  // namespace dialsoak::report
