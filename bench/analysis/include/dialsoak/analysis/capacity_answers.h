// The capacity planner's answers from a sweep's steps (capacity_sweep.h) and Erlang B
// (erlang_b.h): how much load C ports carry at a target blocking, by Erlang B and as
// measured (where the steps' blocking crosses the target); how many ports a load needs for
// that target; how many steps agree with Erlang B; and the highest call setup rate whose
// setup p99 stayed within a limit.
//
// Pure function; thread-compatible. Throws std::invalid_argument for a target outside
// (0, 1), ports outside [1, kMaxPorts], a plan load that is negative or not finite, or a
// limit that is not positive; PortsForBlocking's own limit applies to the plan load.
#pragma once

#include <optional>
#include <vector>

#include "dialsoak/observer/records.h"

namespace dialsoak::analysis {

// A disagreement with Erlang B is beyond chance when at least as many steps would disagree
// by chance in fewer than one sweep in a hundred.
inline constexpr double kChanceLimit = 0.01;

// The chance that at least `disagreeing` of `steps` intervals at `confidence` miss the
// truth: P(X >= disagreeing) for X ~ Binomial(steps, 1 - confidence).
double ChanceOfDisagreements(int disagreeing, int steps, double confidence);

// Steps are taken in the order given (a sweep's: ascending load); only complete steps
// count. plan_load unset: the highest offered load the complete steps measured.
// p99_limit_seconds unset: no setup-rate answer.
// confidence: the intervals' level.
CapacityAnswers AnswerCapacity(const std::vector<CapacityStep>& steps, int ports,
                               double target_blocking, std::optional<double> plan_load,
                               std::optional<double> p99_limit_seconds, double confidence = 0.95);

}  // namespace dialsoak::analysis
