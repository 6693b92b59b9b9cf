// The confidence interval of a capacity sweep step's blocking ratio (capacity_sweep.h),
// made for blocked calls that come in bursts: batch means over consecutive sub-windows,
// a Student t quantile, and Wilson's score interval at the effective number of calls
// (docs/capacity-intervals.md has the why, and the coverage measured).
//
// Why not Wilson's interval on the calls. A call is blocked when every port is busy, and
// every port stays busy for a while: the arrivals of one busy period are blocked one after
// the other, and a busy period is followed by others soon after. The calls are not
// independent trials, and the variance of the blocking ratio is several times the binomial
// p(1-p)/n that Wilson's interval assumes (its *design effect*: about 3 to 5.5 for 24 ports
// between 0.1% and 20% blocking). A 95% Wilson interval covered Erlang B's blocking in
// about 65% of the default sweep's steps.
//
// The method. The step's window is cut by arrival time into k equal batches (up to
// kMaxBatches, each at least kMinBatchHolds mean holds long, so that a batch is long
// compared with a busy period and batches are nearly independent). The blocking ratio is
// the ratio estimator p = sum b_j / sum n_j (b_j blocked of n_j calls in batch j) and its
// variance the batch (cluster) variance V = k/(k-1) sum (b_j - p n_j)^2 / n^2, and the
// measured design effect d = V / (p(1-p)/n). A variance from a few bursts is itself
// uncertain (at 0.1% a window's blocked calls come in one burst or none, and a burst makes
// an empty window far likelier than independent calls would), so the design effect used
// pools the measured one with the one Erlang's model gives at the step's load
// (BlockingDesignEffect, passed in), as if the model were kModelBatches batches' worth of
// evidence: D = (nu d + kModelBatches D_model) / (nu + kModelBatches), nu = the batches
// with a blocked call less one (at most k - 1), and at least 1 (blocking is never less
// correlated than independent calls). The interval is Wilson's score interval for p at
// the effective number of calls n / D, with the Student t quantile of k-1 degrees of
// freedom in place of the normal one (Korn and Graubard, Survey Methodology 24(2), 1998).
// So:
//   - with many blocked calls it is about the batch-means t interval, widened by the
//     bursts the batches measured;
//   - with few or none (most batches empty) it is Wilson's interval widened by the bursts
//     Erlang's model expects: at 0 blocked of n it is [0, t^2 D / (n + t^2 D)], not [0, 0];
//   - it is never narrower than Wilson's, stays inside [0, 1] and is asymmetric where the
//     ratio is near 0, like Wilson's.
//
// The plan. A step's precision-driven length uses the same interval: the effective calls
// for the asked half-width times the design effect Erlang's own model gives
// (BlockingDesignEffect: exact for exponential holds), with k = kMaxBatches.
//
// Thread safety: pure functions. Errors: std::invalid_argument for a confidence outside
// (0, 1), degrees of freedom below 1, ports below 1, a load that is negative or not finite,
// a batch with blocked outside [0, dialed], a half-width outside (0, 0.5].
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace dialsoak::analysis {

inline constexpr int kMaxBatches = 30;       // batches of a step's window
inline constexpr int kMinBatches = 10;       // when the window is short (fewer are shorter)
inline constexpr double kMinBatchHolds = 5;  // mean holds a batch should last at least
inline constexpr double kModelBatches = 10;  // the model's design effect's weight, in batches

// The t quantile t with P(|T| <= t) = confidence for T ~ Student(df), df >= 1 (df = 1:
// 12.706 at 95%; df = 29: 2.045; the normal's 1.960 as df grows).
double TwoSidedStudentQuantile(double confidence, int df);

// The variance of the blocking ratio measured over n Poisson arrivals at `offered_erlangs`
// to `ports` ports (M/M/C/C: Poisson arrivals, exponential holds, blocked calls lost),
// as a multiple of the binomial p(1-p)/n, for n large:
//   1 + 2p/(1-p) sum_{x=0}^{C-1} F(x) F(x-1) / pi(x),
// with pi the Erlang distribution of busy ports, F its distribution function (F(-1) = 0)
// and p = pi(C) = B(E, C) (from the martingale decomposition of the blocked arrivals'
// count with the Poisson equation of the birth-death chain). 1 for one port (a blocked
// call leaves the state as an accepted one does) and for a load of 0.
double BlockingDesignEffect(double offered_erlangs, int ports);

// The calls of one batch.
struct BlockingBatch {
  std::int64_t dialed = 0;
  std::int64_t blocked = 0;
};

struct BlockingInterval {
  double estimate = 0;  // blocked / dialed (0 when none dialed)
  double lower = 0;
  double upper = 1;
  // Measured variance over the binomial one (1 when it cannot be measured: fewer than two
  // batches with calls, none blocked or all); design_effect is what the interval used,
  // pooled with the model's (at least 1).
  double measured_design_effect = 1;
  double design_effect = 1;
  int batches = 0;      // batches with calls
  double quantile = 0;  // t (k-1 degrees of freedom), or z with fewer than two batches
};

// The interval of the ratio sum blocked / sum dialed over the batches (empty ones are
// left out) at `confidence`. No call: estimate 0 and [0, 1]. model_design_effect (>= 1):
// the design effect the measured one is pooled with (the sweep: BlockingDesignEffect at
// the step's offered load; 1: independent calls).
BlockingInterval BatchMeansInterval(const std::vector<BlockingBatch>& batches,
                                    double confidence = 0.95, double model_design_effect = 1);

// The calls a step needs so that its interval, at the blocking `blocking` with
// `design_effect` and `batches` batches, has a half-width of at most `half_width`:
// n_eff for Wilson's interval with the t quantile, times the design effect. Throws when
// the answer exceeds 1e15 calls.
std::int64_t CallsForBatchInterval(double blocking, double half_width, double confidence,
                                   int batches, double design_effect);

// Batches for a window: one per kMinBatchHolds mean holds, at least kMinBatches (then
// shorter), at most kMaxBatches.
int BatchesForWindow(std::chrono::nanoseconds window, std::chrono::nanoseconds mean_hold);

}  // namespace dialsoak::analysis
