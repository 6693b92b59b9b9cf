#include "dialsoak/report/percentiles.h"

#include <algorithm>
#include <cmath>

namespace dialsoak::report {
namespace {

// p is scaled to parts per million so that ranks are integer arithmetic: 99.9 % of 1000
// must be rank 999 exactly, which ceil(0.999 * 1000.0) in doubles does not guarantee.
constexpr std::uint64_t kScale = 1'000'000;

}  // namespace

std::size_t NearestRankIndex(std::size_t n, double p) {
  if (n == 0) return 0;
  double clamped = std::clamp(std::isnan(p) ? 0.0 : p, 0.0, 100.0);
  auto ppm = static_cast<std::uint64_t>(std::llround(clamped * (kScale / 100)));
  // ceil(ppm * n / kScale) without overflow for any n below 2^44 samples.
  auto un = static_cast<std::uint64_t>(n);
  std::uint64_t rank = (ppm * un + kScale - 1) / kScale;
  if (rank == 0) rank = 1;
  return static_cast<std::size_t>(std::min(rank, un) - 1);
}

std::optional<std::int64_t> NearestRank(std::span<const std::int64_t> sorted, double p) {
  if (sorted.empty()) return std::nullopt;
  return sorted[NearestRankIndex(sorted.size(), p)];
}

LatencyStats ComputeLatencyStats(std::span<std::int64_t> samples_ns) {
  LatencyStats s;
  if (samples_ns.empty()) return s;
  std::sort(samples_ns.begin(), samples_ns.end());
  std::span<const std::int64_t> sorted(samples_ns);
  auto at = [&](double p) { return std::chrono::nanoseconds(*NearestRank(sorted, p)); };
  s.count = sorted.size();
  s.min = std::chrono::nanoseconds(sorted.front());
  s.p50 = at(50);
  s.p90 = at(90);
  s.p99 = at(99);
  s.p999 = at(99.9);
  s.p9999 = at(99.99);
  s.max = std::chrono::nanoseconds(sorted.back());
  long double sum = 0;
  for (std::int64_t v : sorted) sum += static_cast<long double>(v);
  s.mean = std::chrono::nanoseconds(
      std::llround(static_cast<double>(sum / static_cast<long double>(sorted.size()))));
  return s;
}

LatencyStats StatsOf(const histogram::LatencyHistogram& h) {
  LatencyStats s;
  if (h.empty()) return s;
  auto at = [&](double p) { return std::chrono::nanoseconds(h.Percentile(p)); };
  s.count = static_cast<std::size_t>(h.count());
  s.min = std::chrono::nanoseconds(h.min());
  s.p50 = at(50);
  s.p90 = at(90);
  s.p99 = at(99);
  s.p999 = at(99.9);
  s.p9999 = at(99.99);
  s.max = std::chrono::nanoseconds(h.max());
  s.mean = std::chrono::nanoseconds(std::llround(h.mean()));
  return s;
}

LatencyStats ComputeLatencyStats(const std::vector<std::chrono::nanoseconds>& samples) {
  std::vector<std::int64_t> ns;
  ns.reserve(samples.size());
  for (auto d : samples) ns.push_back(d.count());
  return ComputeLatencyStats(std::span<std::int64_t>(ns));
}

}  // namespace dialsoak::report
