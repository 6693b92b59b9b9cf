#include "dialsoak/analysis/theil_sen.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <stdexcept>
#include <vector>

namespace dialsoak::analysis {
namespace {

// Points taken evenly by index, first and last included.
std::vector<Point> Thin(std::span<const Point> points, std::size_t max_points) {
  if (points.size() <= max_points) return {points.begin(), points.end()};
  std::vector<Point> out;
  out.reserve(max_points);
  const double step = static_cast<double>(points.size() - 1) / static_cast<double>(max_points - 1);
  for (std::size_t i = 0; i < max_points; ++i) {
    const auto idx = static_cast<std::size_t>(std::llround(static_cast<double>(i) * step));
    out.push_back(points[std::min(idx, points.size() - 1)]);
  }
  return out;
}

// The k-th smallest (0-based) of v[first, last), which nth_element may reorder.
double KthSmallest(std::vector<double>& v, std::size_t first, std::size_t last, std::size_t k) {
  auto b = v.begin() + static_cast<std::ptrdiff_t>(first);
  auto e = v.begin() + static_cast<std::ptrdiff_t>(last);
  auto nth = v.begin() + static_cast<std::ptrdiff_t>(k);
  std::nth_element(b, nth, e);
  return *nth;
}

double Median(std::vector<double>& v) {
  const std::size_t n = v.size();
  const double hi = KthSmallest(v, 0, n, n / 2);
  if (n % 2 == 1) return hi;
  // After nth_element, everything before n/2 is <= hi: the other middle value is their max.
  const double lo = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(n / 2));
  return lo + (hi - lo) / 2;
}

// Var S of Kendall's statistic with the correction for groups of tied x.
double KendallVariance(const std::vector<Point>& pts) {
  const auto n = static_cast<double>(pts.size());
  double var = n * (n - 1) * (2 * n + 5);
  std::map<double, std::size_t> groups;
  for (const Point& p : pts) ++groups[p.x];
  for (const auto& [x, count] : groups) {
    const auto t = static_cast<double>(count);
    var -= t * (t - 1) * (2 * t + 5);
  }
  return var / 18;
}

}  // namespace

double TwoSidedNormalQuantile(double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument("confidence must be between 0 and 1 (exclusive), e.g. 0.95");
  }
  // Solve Phi(z) = 1 - (1 - confidence) / 2, i.e. erfc(z / sqrt 2) = 1 - confidence.
  const double target = 1 - confidence;
  double lo = 0, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = (lo + hi) / 2;
    if (std::erfc(mid / std::sqrt(2.0)) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return (lo + hi) / 2;
}

SlopeEstimate TheilSen(std::span<const Point> points, const SlopeOptions& options) {
  const double z = TwoSidedNormalQuantile(options.confidence);
  if (options.max_points < 3) throw std::invalid_argument("max_points must be at least 3");
  SlopeEstimate est;
  est.confidence = options.confidence;
  if (points.size() < 3) return est;

  const std::vector<Point> pts = Thin(points, options.max_points);
  std::vector<double> slopes;
  slopes.reserve(pts.size() * (pts.size() - 1) / 2);
  for (std::size_t i = 0; i < pts.size(); ++i) {
    for (std::size_t j = i + 1; j < pts.size(); ++j) {
      const double dx = pts[j].x - pts[i].x;
      if (dx != 0) slopes.push_back((pts[j].y - pts[i].y) / dx);
    }
  }
  if (slopes.empty()) return est;  // every x the same

  est.valid = true;
  est.points_used = pts.size();
  est.pairs = slopes.size();
  est.slope = Median(slopes);

  std::vector<double> residuals;
  residuals.reserve(pts.size());
  for (const Point& p : pts) residuals.push_back(p.y - est.slope * p.x);
  est.intercept = Median(residuals);

  const auto n_pairs = static_cast<double>(slopes.size());
  const double c = z * std::sqrt(KendallVariance(pts));
  const double m1 = std::floor((n_pairs - c) / 2);
  if (m1 < 1) {
    est.lower = -std::numeric_limits<double>::infinity();
    est.upper = std::numeric_limits<double>::infinity();
    return est;
  }
  const auto k = static_cast<std::size_t>(m1);  // 1-based rank of the lower bound
  const std::size_t n = slopes.size();
  // Lower: the k-th smallest (0-based k-1); upper: the (N+1-k)-th smallest (0-based N-k).
  // k <= N/2, so N-k >= k: the upper one lies above the lower one's position, where
  // nth_element left only values not below the lower bound.
  est.lower = KthSmallest(slopes, 0, n, k - 1);
  est.upper = KthSmallest(slopes, k, n, n - k);
  return est;
}

}  // namespace dialsoak::analysis
