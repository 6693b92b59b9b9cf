#include "dialsoak/analysis/capacity_interval.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dialsoak/analysis/erlang_b.h"
#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

void CheckConfidence(double confidence) {
  if (!(confidence > 0 && confidence < 1)) {
    throw std::invalid_argument(
        fmt::format("confidence: expected a level between 0 and 1, got {}", confidence));
  }
}

// The continued fraction of the incomplete beta function (modified Lentz).
double BetaFraction(double a, double b, double x) {
  constexpr double kTiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m <= 10'000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return h;
}

// The regularized incomplete beta function I_x(a, b), x in [0, 1].
double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front = std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) +
                                a * std::log(x) + b * std::log1p(-x));
  if (x < (a + 1) / (a + b + 2)) return front * BetaFraction(a, b, x) / a;
  return 1 - front * BetaFraction(b, a, 1 - x) / b;
}

}  // namespace

double TwoSidedStudentQuantile(double confidence, int df) {
  CheckConfidence(confidence);
  if (df < 1)
    throw std::invalid_argument(fmt::format("degrees of freedom: expected >= 1, got {}", df));
  // P(|T| > t) = I_x(df/2, 1/2) with x = df / (df + t^2): find x, increasing in it.
  const double a = df / 2.0, target = 1 - confidence;
  double lo = 0, hi = 1;
  for (int i = 0; i < 200 && hi - lo > 0; ++i) {
    const double mid = (lo + hi) / 2;
    if (mid == lo || mid == hi) break;
    if (RegularizedBeta(a, 0.5, mid) < target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double x = (lo + hi) / 2;
  return std::sqrt(df * (1 - x) / x);
}

double BlockingDesignEffect(double offered_erlangs, int ports) {
  if (ports < 1)
    throw std::invalid_argument(fmt::format("ports: expected at least 1, got {}", ports));
  const double p = ErlangB(offered_erlangs, ports);  // checks the load
  if (!(p > 0) || p >= 1) return 1;
  // pi(C) = p, pi(x - 1) = pi(x) x / E: from the top down, so nothing overflows (pi <= 1)
  // and the far tail underflows to 0 harmlessly.
  std::vector<double> pi(static_cast<std::size_t>(ports) + 1);
  pi[static_cast<std::size_t>(ports)] = p;
  for (int x = ports; x >= 1; --x) {
    pi[static_cast<std::size_t>(x - 1)] = pi[static_cast<std::size_t>(x)] * x / offered_erlangs;
  }
  double below = 0, sum = 0;  // below: F(x - 1)
  for (int x = 0; x < ports; ++x) {
    const double px = pi[static_cast<std::size_t>(x)];
    const double f = below + px;
    if (px > 0) sum += f * below / px;
    below = f;
  }
  return 1 + 2 * p / (1 - p) * sum;
}

BlockingInterval BatchMeansInterval(const std::vector<BlockingBatch>& batches, double confidence,
                                    double model_design_effect) {
  CheckConfidence(confidence);
  if (!(model_design_effect >= 1 && std::isfinite(model_design_effect))) {
    throw std::invalid_argument(
        fmt::format("model design effect: expected >= 1, got {}", model_design_effect));
  }
  std::int64_t dialed = 0, blocked = 0;
  int k = 0, bursts = 0;  // batches with calls, with a blocked call
  for (const BlockingBatch& b : batches) {
    if (b.dialed < 0 || b.blocked < 0 || b.blocked > b.dialed) {
      throw std::invalid_argument(fmt::format(
          "a batch's blocked calls must be between 0 and its dialed calls, got {} of {}", b.blocked,
          b.dialed));
    }
    if (b.dialed == 0) continue;
    dialed += b.dialed;
    blocked += b.blocked;
    ++k;
    bursts += b.blocked > 0 ? 1 : 0;
  }
  BlockingInterval out;
  out.batches = k;
  if (dialed == 0) return out;
  const auto n = static_cast<double>(dialed);
  const double p = static_cast<double>(blocked) / n;
  out.estimate = p;
  out.quantile =
      k >= 2 ? TwoSidedStudentQuantile(confidence, k - 1) : TwoSidedNormalQuantile(confidence);
  if (k >= 2 && blocked > 0 && blocked < dialed) {
    double squares = 0;
    for (const BlockingBatch& b : batches) {
      if (b.dialed == 0) continue;
      const double r = static_cast<double>(b.blocked) - p * static_cast<double>(b.dialed);
      squares += r * r;
    }
    const double variance = k / (k - 1.0) * squares / (n * n);
    out.measured_design_effect = variance / (p * (1 - p) / n);
  }
  // Pooled with the model's, weighed as kModelBatches batches: a few bursts say little.
  const double nu = std::clamp(bursts - 1, 0, std::max(0, k - 1));
  out.design_effect =
      std::max(1.0, (nu * out.measured_design_effect + kModelBatches * model_design_effect) /
                        (nu + kModelBatches));
  // Wilson's score interval at the effective number of calls.
  const double m = n / out.design_effect;
  const ProportionInterval w = WilsonScoreInterval(p, m, out.quantile);
  out.lower = w.lower;
  out.upper = w.upper;
  return out;
}

std::int64_t CallsForBatchInterval(double blocking, double half_width, double confidence,
                                   int batches, double design_effect) {
  const double q = batches >= 2 ? TwoSidedStudentQuantile(confidence, batches - 1)
                                : TwoSidedNormalQuantile(confidence);
  const double effective = WilsonCallsForHalfWidth(blocking, half_width, q);  // checks both
  if (!(design_effect >= 1 && std::isfinite(design_effect))) {
    throw std::invalid_argument(fmt::format("design effect: expected >= 1, got {}", design_effect));
  }
  const double calls = std::ceil(effective) * design_effect;
  CheckCallsWithinLimit(calls, blocking, half_width);
  return std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(calls)));
}

int BatchesForWindow(std::chrono::nanoseconds window, std::chrono::nanoseconds mean_hold) {
  if (mean_hold.count() <= 0) return kMaxBatches;
  const double holds = std::chrono::duration<double>(window).count() /
                       std::chrono::duration<double>(mean_hold).count();
  const double k = std::floor(holds / kMinBatchHolds);
  return static_cast<int>(
      std::clamp(k, static_cast<double>(kMinBatches), static_cast<double>(kMaxBatches)));
}

}  // namespace dialsoak::analysis
