// Exact latency percentiles by the nearest-rank definition, for the end-of-run summary and
// for benchmarks that want the same numbers.
//
// Nearest rank: the p-th percentile of n samples is the sample at 1-based rank
// ceil(p / 100 * n) of the sorted samples (rank 1 when p is 0). It is always one of the
// samples, never interpolated: for the latencies 1..1000 ms, p50 = 500 ms, p99 = 990 ms,
// p99.9 = 999 ms. p is taken to 1e-4 precision (99.9999 is the finest distinct value).
//
// Pure functions; thread-compatible. No errors: an empty input gives an empty result.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dialsoak/histogram/latency_histogram.h"

namespace dialsoak::report {

// 0-based index into n sorted samples of the p-th percentile (p in [0, 100], clamped).
// n must be > 0.
std::size_t NearestRankIndex(std::size_t n, double p);

// The p-th percentile of samples that are already sorted ascending; nullopt when empty.
std::optional<std::int64_t> NearestRank(std::span<const std::int64_t> sorted, double p);

struct LatencyStats {
  std::size_t count = 0;  // 0: no samples, every other field is zero
  std::chrono::nanoseconds min{};
  std::chrono::nanoseconds p50{};
  std::chrono::nanoseconds p90{};
  std::chrono::nanoseconds p99{};
  std::chrono::nanoseconds p999{};  // p99.9
  std::chrono::nanoseconds p9999{};  // p99.99
  std::chrono::nanoseconds max{};
  std::chrono::nanoseconds mean{};  // arithmetic mean, rounded to the nanosecond
};

// The same from a histogram: count, min, max and mean exact, the percentiles within the
// histogram's precision (0.1 %, see latency_histogram.h).
LatencyStats StatsOf(const histogram::LatencyHistogram& h);

// Sorts samples (nanoseconds) in place and computes the stats from them.
LatencyStats ComputeLatencyStats(std::span<std::int64_t> samples_ns);

// The same from a copy, for callers that keep their samples in order.
LatencyStats ComputeLatencyStats(const std::vector<std::chrono::nanoseconds>& samples);

}  // namespace dialsoak::report
