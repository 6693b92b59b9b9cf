// Pass/fail thresholds on a finished run, k6-style: `dialsoak run --threshold EXPR`
// (repeatable; YAML key `thresholds:`). An expression is METRIC OP NUMBER[UNIT], spaces
// allowed around the operator and before the unit: "success_ratio>=0.99",
// "dial_p99 <= 30s", "hangup_p99<=500ms", "leak_per_1000<1".
//
// Operators: <  <=  >  >=.
//
// Metrics, each in its base unit:
//   success_ratio      CONNECTs / calls, the calls being the dials plus the open-loop
//                      arrivals dropped at origin (never dialed: every line busy). ratio
//   failure_ratio      failed calls / calls, failed as --max-failures counts them:
//                      every dial that did not CONNECT, every call dropped during
//                      its hold, every failed hang-up and every arrival dropped at
//                      origin (so failure_ratio<=0.005 is --max-failures 0.5).    ratio
//   dial_p50 dial_p90 dial_p99 dial_p99_9 dial_p99_99 dial_max dial_mean
//                      call setup time: the dial latency of the dials that
//                      CONNECTed (nearest rank within the histogram's 0.1 %).     seconds
//   dial_all_p50 ... dial_all_mean (the same statistics)
//                      dial latency over every dial, whatever its outcome.        seconds
//   hangup_p50 hangup_p90 hangup_p99 hangup_p99_9 hangup_p99_99 hangup_max hangup_mean
//                      hang-up latency of the hang-ups the modem confirmed.       seconds
//   hangup_all_p99 hangup_all_max hangup_all_mean
//                      over every hang-up attempted, failed ones included.        seconds
//   cycles_per_second  cycles / elapsed.                                          per second
//   cycles             cycles completed by all lines.                             count
//   leak_per_1000      the largest slope_per_1000_cycles over every LeakCheck whose
//                      resource is "handles" and whose verdict is not
//                      "insufficient_data" (ok and leak both count; a negative
//                      slope stays negative).                      handles per 1000 cycles
//   threads_per_1000   the same over resource "threads".           threads per 1000 cycles
//   memory_per_1000    the same over resource "resident_memory".   bytes per 1000 cycles
//   connect_rate_p10 connect_rate_p50 connect_rate_min
//                      the rate connected calls' modems said (CONNECT 33600, +MRR),
//                      nearest rank over the calls that said one: p10 >= 28800 fails
//                      a run where more than a tenth fell back below 28800.   bit/s
//
// Units: durations take us, ms, s, m or h (a bare number is seconds); ratios a bare number in
// [0, 1] or a percent in [0%, 100%] ("99%" is 0.99); memory_per_1000 takes B, KiB or MiB
// (a bare number is bytes); the other metrics a bare number only. Numbers are decimal
// (digits, optionally a point and more digits): no sign, no exponent, no inf or NaN, so
// no negative limit either.
//
// Checking: a metric with nothing to measure (no connected dial for dial_*, no dial
// for dial_all_*, no confirmed hang-up for hangup_*, no hang-up for hangup_all_*, no call for the ratios, zero elapsed time for cycles_per_second, no such
// LeakCheck with data for the *_per_1000 metrics, no connected call that said its rate
// for connect_rate_*) has no value, and a check without a
// value fails. `cycles` always has a value. Values that agree to 12 significant digits
// count as equal, so "100ms" and "0.1s" compare alike.
//
// Thread safety: pure functions. Errors: ParseThreshold returns a message naming the
// expression, what is wrong and what is allowed; CheckThresholds never fails.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <vector>

#include "dialsoak/observer/records.h"
#include "dialsoak/report/summary.h"

namespace dialsoak::analysis {

struct Threshold {
  std::string expression;  // as given
  std::string metric;      // "dial_p99"
  enum class Op { Lt, Le, Gt, Ge } op = Op::Le;
  double limit = 0;  // in the metric's base unit: seconds, ratio, count, bytes
  std::string unit;  // as written ("ms", "%", "KiB"), empty for a bare number; used to
                     // show the observed value in the same unit
};

// "<", "<=", ">", ">=".
std::string_view OpSymbol(Threshold::Op op);

// Every metric name, in the order documented above.
std::span<const std::string_view> ThresholdMetricNames();

tl::expected<Threshold, std::string> ParseThreshold(std::string_view expression);

// One check per threshold, in order. The message reads
// "dial_p99 = 0.412 s, limit <= 30 s: ok", "dial_p99 = 41 s, limit <= 30 s: breached", or
// "dial_p99 has no value (no dial was made), limit <= 30 s: failed". The observed value is
// shown in the unit the limit was written in.
std::vector<ThresholdCheck> CheckThresholds(std::span<const Threshold> thresholds,
                                            const report::Summary& summary,
                                            std::span<const LeakCheck> leaks);

}  // namespace dialsoak::analysis
