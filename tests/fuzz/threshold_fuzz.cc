// Fuzz target: the threshold expressions of `dialsoak run --threshold` and YAML
// `thresholds:` (bench/analysis/thresholds.h). Input: expressions, one per line; each is
// parsed, and those that parse are checked against an empty run and a finished soak.
// Checks, beyond not crashing:
//   - a parsed threshold has a known metric, a known unit, a finite limit >= 0 (<= 1 for a
//     ratio), keeps the expression as given, and parses alike with spaces around it;
//   - a parse error names the expression;
//   - CheckThresholds gives one check per threshold, in order, whose verdict agrees with
//     the observed value, the operator and the limit, and whose message ends in ok,
//     breached or failed accordingly; with no run, only `cycles` has a value.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/analysis/thresholds.h"
#include "fuzz/fuzz_check.h"

namespace {

using dialsoak::CallResult;
using dialsoak::LeakCheck;
using dialsoak::analysis::Threshold;
using namespace std::chrono_literals;

constexpr std::string_view kUnits[] = {"", "%", "us", "ms", "s", "m", "h", "B", "KiB", "MiB"};

// A finished soak as RunSummary would sum it up: 1000 cycles in 10 s, 990 connected.
dialsoak::report::Summary Soak() {
  dialsoak::report::Summary s;
  s.ended = true;
  s.elapsed = 10s;
  s.cycles = 1000;
  s.cycles_per_second = 100;
  s.outcomes[static_cast<std::size_t>(CallResult::Connect)] = 990;
  s.outcomes[static_cast<std::size_t>(CallResult::Busy)] = 10;
  s.hangups = 990;
  s.hangup_failures = 5;
  // count, min, p50, p90, p99, p99.9, p99.99, max, mean
  s.dial = {1000, 1ms, 500ms, 900ms, 990ms, 999ms, 1000ms, 1000ms, 500ms};
  s.dial_all = s.dial;
  s.hangup = {990, 1ms, 25ms, 45ms, 50ms, 50ms, 50ms, 50ms, 25ms};
  s.hangup_all = s.hangup;
  return s;
}

std::vector<LeakCheck> Leaks() {
  std::vector<LeakCheck> leaks(3);
  leaks[0].resource = "handles";
  leaks[0].verdict = "ok";
  leaks[0].slope_per_1000_cycles = 0.25;
  leaks[1].resource = "threads";
  leaks[1].verdict = "insufficient_data";
  leaks[2].resource = "resident_memory";
  leaks[2].verdict = "leak";
  leaks[2].slope_per_1000_cycles = 4096;
  return leaks;
}

bool SameThreshold(const Threshold& a, const Threshold& b) {
  return a.metric == b.metric && a.op == b.op && a.limit == b.limit && a.unit == b.unit;
}

void CheckParsed(std::string_view expression, const Threshold& t) {
  const auto metrics = dialsoak::analysis::ThresholdMetricNames();
  FUZZ_CHECK(std::find(metrics.begin(), metrics.end(), t.metric) != metrics.end(),
             "unknown metric '" + t.metric + "' parsed");
  FUZZ_CHECK(std::find(std::begin(kUnits), std::end(kUnits), t.unit) != std::end(kUnits),
             "unknown unit '" + t.unit + "' parsed");
  FUZZ_CHECK(std::isfinite(t.limit) && t.limit >= 0, "limit not finite or below zero");
  FUZZ_CHECK(!t.metric.ends_with("_ratio") || t.limit <= 1, "ratio limit above 1");
  FUZZ_CHECK(t.expression == expression, "expression not kept as given");
  FUZZ_CHECK(expression.find(t.metric) != std::string_view::npos, "metric not in the expression");
  const std::string padded = " \t" + std::string(expression) + "  ";
  const auto again = dialsoak::analysis::ParseThreshold(padded);
  FUZZ_CHECK(again && SameThreshold(*again, t), "spaces around the expression changed it");
}

void CheckChecks(const std::vector<Threshold>& thresholds, const dialsoak::report::Summary& s,
                 const std::vector<LeakCheck>& leaks, bool empty_run) {
  const auto checks = dialsoak::analysis::CheckThresholds(thresholds, s, leaks);
  FUZZ_CHECK(checks.size() == thresholds.size(), "not one check per threshold");
  for (std::size_t i = 0; i < checks.size(); ++i) {
    const Threshold& t = thresholds[i];
    const dialsoak::ThresholdCheck& c = checks[i];
    FUZZ_CHECK(c.expression == t.expression && c.metric == t.metric, "checks out of order");
    FUZZ_CHECK(c.message.starts_with(t.metric + " "), "message does not name the metric");
    FUZZ_CHECK(c.message.find('\n') == std::string::npos, "message of more than one line");
    if (empty_run) {
      FUZZ_CHECK(c.has_value == (t.metric == "cycles"), "a value without a run: " + c.message);
    }
    if (!c.has_value) {
      FUZZ_CHECK(!c.passed && c.message.ends_with(": failed"), "no value, yet " + c.message);
      continue;
    }
    FUZZ_CHECK(std::isfinite(c.observed), "observed value not finite");
    FUZZ_CHECK(c.message.ends_with(c.passed ? ": ok" : ": breached"),
               "verdict and message disagree: " + c.message);
    // Away from the limit (values within 1e-12 of it count as equal), the operator decides.
    const double tolerance = 1e-9 * std::max(std::fabs(c.observed), std::fabs(t.limit));
    const bool below = t.op == Threshold::Op::Lt || t.op == Threshold::Op::Le;
    if (c.observed < t.limit - tolerance) FUZZ_CHECK(c.passed == below, c.message);
    if (c.observed > t.limit + tolerance) FUZZ_CHECK(c.passed == !below, c.message);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::vector<Threshold> thresholds;
  for (std::size_t start = 0; start <= input.size();) {
    const std::size_t end = std::min(input.find('\n', start), input.size());
    const std::string_view expression = input.substr(start, end - start);
    start = end + 1;
    auto t = dialsoak::analysis::ParseThreshold(expression);
    if (!t) {
      FUZZ_CHECK(t.error().starts_with("threshold \"" + std::string(expression) + "\": "),
                 "a parse error that does not name the expression: " + t.error());
      continue;
    }
    CheckParsed(expression, *t);
    thresholds.push_back(std::move(*t));
  }
  CheckChecks(thresholds, dialsoak::report::Summary{}, {}, true);
  CheckChecks(thresholds, Soak(), Leaks(), false);
  return 0;
}
