#include "dialsoak/analysis/erlang_b.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

constexpr double kMaxCalls = 1e15;

void CheckLoad(double offered_erlangs) {
  if (!std::isfinite(offered_erlangs) || offered_erlangs < 0) {
    throw std::invalid_argument(
        fmt::format("offered load must be a finite number of Erlangs >= 0 (arrival rate times mean "
                    "holding time), got {}",
                    offered_erlangs));
  }
}

void CheckPorts(int ports) {
  if (ports < 0) {
    throw std::invalid_argument(fmt::format("ports must be >= 0, got {}", ports));
  }
}

void CheckTarget(double target_blocking) {
  if (!(target_blocking > 0 && target_blocking < 1)) {
    throw std::invalid_argument(fmt::format(
        "target blocking must be a ratio between 0 and 1 (exclusive), e.g. 0.01 for 1%, "
        "got {}",
        target_blocking));
  }
}

}  // namespace

double WilsonHalfWidth(double p, double n, double z) {
  return z * std::sqrt(p * (1 - p) * n + z * z / 4) / (n + z * z);
}

ProportionInterval WilsonScoreInterval(double p, double n, double z) {
  const double z2 = z * z;
  const double center = (p + z2 / (2 * n)) / (1 + z2 / n);
  const double half = WilsonHalfWidth(p, n, z);
  ProportionInterval out;
  out.estimate = p;
  // Clamped to [0, p] and [p, 1]: exactly 0 at p == 0 and 1 at p == 1, where rounding
  // would otherwise leave a residue of 1e-19 or so.
  out.lower = std::clamp(center - half, 0.0, p);
  out.upper = std::clamp(center + half, p, 1.0);
  return out;
}

double WilsonCallsForHalfWidth(double blocking, double half_width, double z) {
  if (!(blocking >= 0 && blocking <= 1)) {
    throw std::invalid_argument(
        fmt::format("blocking must be a ratio in [0, 1], got {}", blocking));
  }
  if (!(half_width > 0 && half_width <= 0.5)) {
    throw std::invalid_argument(fmt::format(
        "interval half-width must be in (0, 0.5], e.g. 0.0025 for +-0.25%, got {}", half_width));
  }
  // WilsonHalfWidth(n) <= h is a quadratic in n; its larger root, with a = p(1-p), is
  // z^2 (a - 2h^2 + sqrt(a^2 + h^2 (1 - 4a))) / (2h^2).
  const double a = blocking * (1 - blocking);
  const double h2 = half_width * half_width;
  return z * z * (a - 2 * h2 + std::sqrt(a * a + h2 * (1 - 4 * a))) / (2 * h2);
}

void CheckCallsWithinLimit(double calls, double blocking, double half_width) {
  if (!(calls <= kMaxCalls)) {
    throw std::invalid_argument(fmt::format(
        "a half-width of {} at a blocking of {} needs more than {:g} calls: ask for a wider "
        "interval",
        half_width, blocking, kMaxCalls));
  }
}

double ErlangB(double offered_erlangs, int ports) {
  CheckLoad(offered_erlangs);
  CheckPorts(ports);
  double b = 1;  // B(E, 0)
  for (int k = 1; k <= ports && b > 0; ++k) {
    const double eb = offered_erlangs * b;  // <= E: finite
    b = eb / (k + eb);
  }
  return b;
}

int PortsForBlocking(double offered_erlangs, double target_blocking) {
  CheckLoad(offered_erlangs);
  CheckTarget(target_blocking);
  double b = 1;
  for (int k = 1; k <= kMaxPorts; ++k) {
    const double eb = offered_erlangs * b;
    b = eb / (k + eb);
    if (b <= target_blocking) return k;
  }
  throw std::invalid_argument(fmt::format(
      "{} E at a blocking of {} needs more than {} ports: check the load's units (Erlangs "
      "are calls per second times mean holding time in seconds)",
      offered_erlangs, target_blocking, kMaxPorts));
}

double OfferedLoadForBlocking(int ports, double target_blocking) {
  if (ports < 1 || ports > kMaxPorts) {
    throw std::invalid_argument(
        fmt::format("ports must be between 1 and {}, got {}", kMaxPorts, ports));
  }
  CheckTarget(target_blocking);
  // B(0, C) = 0 <= target; find an upper end where B > target (B -> 1 as E grows).
  double lo = 0;
  double hi = ports;
  while (ErlangB(hi, ports) <= target_blocking) {
    lo = hi;
    hi *= 2;
  }
  // Invariant: B(lo) <= target < B(hi).
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = lo + (hi - lo) / 2;
    if (ErlangB(mid, ports) <= target_blocking) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

double CarriedLoad(double offered_erlangs, int ports) {
  return offered_erlangs * (1 - ErlangB(offered_erlangs, ports));
}

ProportionInterval WilsonInterval(std::int64_t blocked, std::int64_t calls, double confidence) {
  const double z = TwoSidedNormalQuantile(confidence);
  if (calls < 0 || blocked < 0 || blocked > calls) {
    throw std::invalid_argument(
        fmt::format("blocked calls must be between 0 and the calls offered, got {} blocked of {}",
                    blocked, calls));
  }
  if (calls == 0) return {0, 0, 1};
  const auto n = static_cast<double>(calls);
  return WilsonScoreInterval(static_cast<double>(blocked) / n, n, z);
}

std::int64_t CallsForIntervalWidth(double blocking, double half_width, double confidence) {
  const double z = TwoSidedNormalQuantile(confidence);
  const double root = WilsonCallsForHalfWidth(blocking, half_width, z);
  CheckCallsWithinLimit(root, blocking, half_width);
  // Round up, then correct the last step exactly (the root is subject to rounding).
  auto n = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil(root)));
  while (n > 1 && WilsonHalfWidth(blocking, static_cast<double>(n - 1), z) <= half_width) --n;
  while (WilsonHalfWidth(blocking, static_cast<double>(n), z) > half_width) ++n;
  return n;
}

}  // namespace dialsoak::analysis
