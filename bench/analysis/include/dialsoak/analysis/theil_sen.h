// Theil-Sen slope: a robust fit of a count against completed cycles, with Sen's (1968)
// distribution-free confidence interval for the slope. This is the estimator under the
// leak verdict (leak_verdict.h): a handle count that grows by one per dial/hang-up cycle
// has slope 1, a flat one slope 0, whatever a few outliers or a one-time step do.
//
// Method. The slope is the median of the pairwise slopes (y_j - y_i) / (x_j - x_i) over all
// pairs i < j with x_i != x_j (pairs with equal x are skipped); the intercept is the median
// of y - slope * x. The interval is the rank interval of Sen (1968), from Kendall's tau:
// with N pairwise slopes sorted ascending, C = z * sqrt(Var S), where
// Var S = [n(n-1)(2n+5) - sum over groups of t tied x values of t(t-1)(2t+5)] / 18
// (no correction for ties in y, which only widens the interval), M1 = (N - C) / 2, and the
// interval is [slope_(k), slope_(N+1-k)] with k = floor(M1) (1-based ranks; rounding down
// keeps at least the asked confidence). When k < 1 the data cannot bound the slope at that
// confidence and the bounds are -inf / +inf (n <= 5 at 95%). z is the two-sided normal
// quantile of the confidence level (1.96 for the default 95%).
//
// Cost. All pairs are formed, so the work is quadratic: a series longer than
// SlopeOptions::max_points (default 2,000, about 2 million pairs, 70-110 ms) is first
// thinned to max_points points taken evenly by index (first and last kept), and n in the
// variance is the thinned count. 1e5 samples therefore cost the same as 2,000.
//
// Thread safety: pure functions, no shared state. Errors: a series that cannot be fitted
// (fewer than 3 points, or fewer than 2 distinct x) gives valid=false, never an exception;
// TheilSen throws std::invalid_argument only for bad options (confidence outside (0, 1),
// max_points < 3).
#pragma once

#include <cstddef>
#include <span>

namespace dialsoak::analysis {

struct Point {
  double x = 0;  // completed cycles
  double y = 0;  // the count (handles, threads, bytes)
};

struct SlopeOptions {
  double confidence = 0.95;       // two-sided level of the slope interval
  std::size_t max_points = 2000;  // longer series are thinned evenly to this many points
};

struct SlopeEstimate {
  bool valid = false;    // false: fewer than 3 points or fewer than 2 distinct x; rest is 0
  double slope = 0;      // median pairwise slope, per unit of x (per cycle)
  double intercept = 0;  // median of y - slope * x: the fitted line is intercept + slope * x
  double lower = 0;      // confidence bounds of the slope; -inf / +inf when unbounded
  double upper = 0;
  double confidence = 0;        // the level the bounds are for
  std::size_t points_used = 0;  // after thinning
  std::size_t pairs = 0;        // pairwise slopes (pairs with distinct x)
};

// Fits points (any order; a time series is thinned in its own order).
SlopeEstimate TheilSen(std::span<const Point> points, const SlopeOptions& options = {});

// The two-sided standard normal quantile for a confidence level: 1.959964 for 0.95.
// Throws std::invalid_argument unless 0 < confidence < 1.
double TwoSidedNormalQuantile(double confidence);

}  // namespace dialsoak::analysis
