// The regression gates of `dialsoak compare` (--fail-on, repeatable):
//
//   METRIC>LIMIT   fails when the metric rose, and by more than LIMIT
//   METRIC<LIMIT   fails when it fell, and by more than LIMIT (a negative LIMIT: "<-5%")
//   leak           fails when NEW has a leak verdict (leak or exhausted), whatever BASE had
//   any            fails when any row is worse (the default when no gate is given)
//   none           never fails: report only
//
// LIMIT is a change, not a level: "10%" relative to BASE, "0.5pp" percentage points (of a
// share), "5ms" / "0.2s" / "300us" (of a latency), or a bare number in the metric's unit.
// "Rose" and "fell" are the comparison's own: the difference's interval wholly above (below)
// 0, so a gate never fails on noise the test cannot tell from nothing. A metric with
// several rows (blocking at each load, leak_per_1000 of each process) fails when any row
// does. A metric neither run has passes and says so.
//
// METRIC is a row's metric (report::ComparisonRow): cycles_per_second, carried_per_second,
// <result>_share (connect, busy, no_carrier, no_dialtone, no_answer, error, timeout,
// io_error), hangup_failure_share, dropped_share, dropped_at_origin_share,
// dial_/hangup_/start_lag_ + p50, p90, p99, p99_9, leak_per_1000, blocking,
// load_at_target.
//
// Pure; thread-compatible. Parse errors are io::Error with a message naming the gate.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/io/error.h"
#include "dialsoak/report/comparison.h"

namespace dialsoak::analysis {

struct Gate {
  enum class Kind { Limit, Leak, Any, None };
  enum class Unit { Relative, Points, Seconds, Plain };
  Kind kind = Kind::Any;
  std::string expression;  // as given
  std::string metric;
  bool above = true;  // '>' (else '<')
  double limit = 0;   // relative as a fraction, points as a fraction, seconds, or plain
  Unit unit = Unit::Plain;
};

// The metrics a gate may name.
const std::vector<std::string>& GateMetrics();

io::Result<Gate> ParseGate(std::string_view text);

// One result per gate, in order; no gates: the default ("any").
std::vector<report::GateResult> EvaluateGates(const std::vector<Gate>& gates,
                                              const report::Comparison& c);

}  // namespace dialsoak::analysis
