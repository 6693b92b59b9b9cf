#include "dialsoak/histogram/percentile_spectrum.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

namespace dialsoak::histogram {
namespace {

constexpr int kMaxTicksPerHalfDistance = 100;
constexpr double kMillisecond = 1e6;

// The value a bucket's rows report: its range narrowed to [min, max], the middle of that.
std::int64_t BucketValue(const LatencyHistogram& h, std::int64_t lowest, std::int64_t highest) {
  const std::int64_t lo = std::max(lowest, h.min());
  const std::int64_t hi = std::min(highest, h.max());
  return lo + (hi - lo) / 2;
}

// The level after `level`: HdrHistogram's PercentileIterator.incrementIterationLevel, a
// fixed tick size for each remaining half distance to 100%.
double NextLevel(double level, int ticks_per_half_distance) {
  const auto halvings =
      static_cast<std::int64_t>(std::log(100.0 / (100.0 - level)) / std::log(2.0)) + 1;
  const double ticks = ticks_per_half_distance * std::pow(2.0, static_cast<double>(halvings));
  return level + 100.0 / ticks;
}

}  // namespace

std::vector<SpectrumRow> PercentileRows(const LatencyHistogram& h, int ticks_per_half_distance) {
  std::vector<SpectrumRow> rows;
  if (h.empty()) return rows;
  const int ticks = std::clamp(ticks_per_half_distance, 1, kMaxTicksPerHalfDistance);
  const auto total = static_cast<double>(h.count());
  double level = 0;
  // Levels so close to 100% that a step no longer moves them (counts near 2^53) end the
  // intermediate rows; the 100% row still comes.
  bool levels_left = true;
  std::int64_t seen = 0;
  h.ForEachBucket([&](std::int64_t, std::int64_t, std::int64_t count) {
    seen += count;
    const bool last = seen == h.count();
    const double reached = 100.0 * static_cast<double>(seen) / total;
    while (levels_left && reached >= level) {
      rows.push_back({h.Percentile(level), level, seen});
      const double next = NextLevel(level, ticks);
      levels_left = next > level && next < 100.0;
      level = next;
      if (last) break;  // the last bucket gives one row at its level, then the 100% row
    }
  });
  rows.push_back({h.max(), 100.0, h.count()});
  return rows;
}

std::string PercentileSpectrum(const LatencyHistogram& h, double value_unit_ns,
                               int ticks_per_half_distance) {
  const double unit =
      std::isfinite(value_unit_ns) && value_unit_ns > 0 ? value_unit_ns : kMillisecond;
  std::string out = fmt::format("{:>12} {:>14} {:>10} {:>14}\n\n", "Value", "Percentile",
                                "TotalCount", "1/(1-Percentile)");
  auto it = std::back_inserter(out);
  for (const SpectrumRow& row : PercentileRows(h, ticks_per_half_distance)) {
    const double value = static_cast<double>(row.value_ns) / unit;
    const double fraction = row.percentile / 100.0;
    if (row.percentile != 100.0) {
      fmt::format_to(it, "{:12.3f} {:2.12f} {:10d} {:14.2f}\n", value, fraction, row.total_count,
                     1.0 / (1.0 - fraction));
    } else {
      fmt::format_to(it, "{:12.3f} {:2.12f} {:10d}\n", value, fraction, row.total_count);
    }
  }
  double variance = 0;
  if (!h.empty()) {
    const double mean = h.mean();
    h.ForEachBucket([&](std::int64_t lowest, std::int64_t highest, std::int64_t count) {
      const double d = static_cast<double>(BucketValue(h, lowest, highest)) - mean;
      variance += d * d * static_cast<double>(count);
    });
    variance /= static_cast<double>(h.count());
  }
  fmt::format_to(it, "#[Mean    = {:12.3f}, StdDeviation   = {:12.3f}]\n", h.mean() / unit,
                 std::sqrt(variance) / unit);
  fmt::format_to(it, "#[Max     = {:12.3f}, Total count    = {:12d}]\n",
                 static_cast<double>(h.max()) / unit, h.count());
  fmt::format_to(it, "#[Buckets = {:12d}, SubBuckets     = {:12d}]\n",
                 LatencyHistogram::kBucketCount, LatencyHistogram::kSubBucketCount);
  return out;
}

}  // namespace dialsoak::histogram
