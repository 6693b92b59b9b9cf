#include "dialsoak/analysis/compare_gates.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "dialsoak/observer/records.h"

namespace dialsoak::analysis {
namespace {

using report::Change;
using report::ComparisonRow;
using report::GateResult;

io::Error GateError(std::string_view text, std::string_view why) {
  return io::Error{0, fmt::format("--fail-on '{}': {}", text, why)};
}

bool IsShare(std::string_view metric) {
  return metric.size() > 6 && metric.substr(metric.size() - 6) == "_share";
}

bool IsLatency(std::string_view metric) {
  return metric.rfind("dial_p", 0) == 0 || metric.rfind("hangup_p", 0) == 0 ||
         metric.rfind("start_lag_p", 0) == 0;
}

// The row's change in the gate's unit.
std::optional<double> ChangeIn(const Gate& g, const ComparisonRow& r) {
  if (!r.diff) return std::nullopt;
  if (g.unit == Gate::Unit::Relative) return r.relative();
  return *r.diff;
}

std::string LimitText(const Gate& g) {
  const double v = g.limit;
  switch (g.unit) {
    case Gate::Unit::Relative: return fmt::format("{:+g} %", v * 100);
    case Gate::Unit::Points: return fmt::format("{:+g} pp", v * 100);
    case Gate::Unit::Seconds: return fmt::format("{:+g} ms", v * 1000);
    case Gate::Unit::Plain: return fmt::format("{:+g}", v);
  }
  return "";
}

GateResult Limit(const Gate& g, const report::Comparison& c) {
  GateResult out{g.expression, false, ""};
  std::vector<std::string> over, seen, unjudged;
  for (const ComparisonRow& r : c.rows) {
    if (r.metric != g.metric) continue;
    seen.push_back(r.label);
    const auto change = ChangeIn(g, r);
    if (!change || !r.lower || !r.upper) {
      unjudged.push_back(r.note.empty() ? r.label : r.label + ": " + r.note);
      continue;
    }
    const bool moved = g.above ? *r.lower > 0 : *r.upper < 0;
    const bool beyond = g.above ? *change > g.limit : *change < g.limit;
    if (moved && beyond) over.push_back(report::DescribeChange(r));
  }
  if (seen.empty()) {
    out.message = fmt::format("{}: neither run has it", g.metric);
  } else if (!over.empty()) {
    out.failed = true;
    out.message = fmt::format("{}: beyond {}", fmt::join(over, "; "), LimitText(g));
  } else if (unjudged.size() == seen.size()) {
    // A gate asked for must not pass unseen: with no row of its metric judged, it fails.
    out.failed = true;
    out.message = fmt::format("not compared, so not passed: {}", fmt::join(unjudged, "; "));
  } else {
    out.message = fmt::format("{}: within {} (or not told from noise)", g.metric, LimitText(g));
  }
  return out;
}

GateResult Leak(const Gate& g, const report::Comparison& c) {
  GateResult out{g.expression, false, ""};
  std::vector<std::string> leaking;
  for (const ComparisonRow& r : c.rows) {
    if (r.group == "leaks" && IsLeakingVerdict(r.next_verdict)) {
      leaking.push_back(fmt::format("{} {} in NEW (BASE: {})", r.label, r.next_verdict,
                                    r.base_verdict.empty() ? "not watched" : r.base_verdict));
    }
  }
  out.failed = !leaking.empty();
  out.message = leaking.empty() ? "no leak verdict in NEW" : fmt::format("{}", fmt::join(leaking, "; "));
  return out;
}

GateResult Any(const Gate& g, const report::Comparison& c) {
  GateResult out{g.expression, false, ""};
  std::vector<std::string> worse;
  for (const ComparisonRow& r : c.rows) {
    if (r.change == Change::Worse) worse.push_back(report::DescribeChange(r));
  }
  out.failed = !worse.empty();
  out.message = worse.empty()
                    ? fmt::format("no row worse at {:g} %", c.confidence * 100)
                    : fmt::format("worse at {:g} %: {}", c.confidence * 100, fmt::join(worse, "; "));
  return out;
}

}  // namespace

const std::vector<std::string>& GateMetrics() {
  static const std::vector<std::string> kMetrics = [] {
    std::vector<std::string> m = {"cycles_per_second", "carried_per_second"};
    for (const char* r : {"connect", "busy", "no_carrier", "no_dialtone", "no_answer", "error",
                          "timeout", "io_error", "hangup_failure", "dropped", "dropped_at_origin"}) {
      m.push_back(std::string(r) + "_share");
    }
    for (const char* k : {"dial", "hangup", "start_lag"}) {
      for (const char* p : {"p50", "p90", "p99", "p99_9"}) m.push_back(fmt::format("{}_{}", k, p));
    }
    for (const char* x : {"leak_per_1000", "blocking", "load_at_target", "ports_for_plan_load"}) m.push_back(x);
    return m;
  }();
  return kMetrics;
}

io::Result<Gate> ParseGate(std::string_view text) {
  Gate g;
  g.expression = std::string(text);
  if (text == "leak" || text == "any" || text == "none") {
    g.kind = text == "leak" ? Gate::Kind::Leak : text == "any" ? Gate::Kind::Any : Gate::Kind::None;
    return g;
  }
  const std::size_t op = text.find_first_of("<>");
  if (op == std::string_view::npos || op == 0) {
    return io::Fail(GateError(text, "want METRIC>LIMIT, METRIC<LIMIT, leak, any or none"));
  }
  g.kind = Gate::Kind::Limit;
  g.metric = std::string(text.substr(0, op));
  g.above = text[op] == '>';
  const auto& known = GateMetrics();
  if (std::find(known.begin(), known.end(), g.metric) == known.end()) {
    return io::Fail(GateError(text, fmt::format("unknown metric '{}' (known: {})", g.metric,
                                                fmt::join(known, ", "))));
  }
  std::string value(text.substr(op + 1));
  if (!value.empty() && value[0] == '=') {
    return io::Fail(GateError(text, "use > or < (a gate fails beyond its limit)"));
  }
  struct Suffix {
    const char* text;
    Gate::Unit unit;
    double scale;
  };
  static const Suffix kSuffixes[] = {{"pp", Gate::Unit::Points, 0.01},  {"%", Gate::Unit::Relative, 0.01},
                                     {"ms", Gate::Unit::Seconds, 1e-3}, {"us", Gate::Unit::Seconds, 1e-6},
                                     {"s", Gate::Unit::Seconds, 1}};
  double scale = 1;
  for (const Suffix& s : kSuffixes) {
    const std::string_view sfx = s.text;
    if (value.size() > sfx.size() && value.compare(value.size() - sfx.size(), sfx.size(), sfx) == 0) {
      g.unit = s.unit;
      scale = s.scale;
      value.resize(value.size() - sfx.size());
      break;
    }
  }
  char* end = nullptr;
  const double v = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size() || !std::isfinite(v)) {
    return io::Fail(GateError(text, fmt::format("'{}' is not a number", value)));
  }
  g.limit = v * scale;
  if (g.unit == Gate::Unit::Points && !IsShare(g.metric) && g.metric != "blocking") {
    return io::Fail(GateError(text, "pp (percentage points) is for shares and blocking"));
  }
  if (g.unit == Gate::Unit::Seconds && !IsLatency(g.metric)) {
    return io::Fail(GateError(text, "a time is for latencies"));
  }
  return g;
}

std::vector<GateResult> EvaluateGates(const std::vector<Gate>& gates, const report::Comparison& c) {
  std::vector<GateResult> out;
  if (gates.empty()) {
    Gate any;
    any.expression = "any (default)";
    out.push_back(Any(any, c));
    return out;
  }
  for (const Gate& g : gates) {
    switch (g.kind) {
      case Gate::Kind::Limit: out.push_back(Limit(g, c)); break;
      case Gate::Kind::Leak: out.push_back(Leak(g, c)); break;
      case Gate::Kind::Any: out.push_back(Any(g, c)); break;
      case Gate::Kind::None: out.push_back({g.expression, false, "report only"}); break;
    }
  }
  return out;
}

}  // namespace dialsoak::analysis
