#include "dialsoak/histogram/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace dialsoak::histogram {
namespace {

constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
// Sub-buckets per half bucket: the lower half of every bucket past the first repeats the
// upper half of the one below, so only the upper 1024 are kept.
constexpr int kHalfMagnitude = 10;
constexpr std::uint64_t kSubBucketMask = LatencyHistogram::kSubBucketCount - 1;

// Parts per million, as report::NearestRankIndex takes p: integer ranks, so 99.9% of 1000
// samples is rank 999 exactly.
constexpr std::uint64_t kPpmScale = 1'000'000;

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {  // a, b >= 0
  return b > kMaxCount - a ? kMaxCount : a + b;
}

std::int64_t SaturatingMul(std::int64_t a, std::int64_t b) {  // a, b >= 0
  if (a == 0 || b == 0) return 0;
  return a > kMaxCount / b ? kMaxCount : a * b;
}

// The power of two a counter lies in: its width is 2^(this).
int BucketOf(std::size_t index) {
  return std::max(0, static_cast<int>(index >> kHalfMagnitude) - 1);
}

// 1-based nearest rank of the p-th percentile of n > 0 samples: ceil(ppm * n / 1e6), at
// least 1, at most n; split as n = q * 1e6 + r so that no n overflows.
std::uint64_t NearestRank(std::uint64_t n, double p) {
  const double clamped = std::clamp(std::isnan(p) ? 0.0 : p, 0.0, 100.0);
  const auto ppm = static_cast<std::uint64_t>(std::llround(clamped * (kPpmScale / 100)));
  const std::uint64_t q = n / kPpmScale;
  const std::uint64_t r = n % kPpmScale;
  const std::uint64_t rank = q * ppm + (r * ppm + kPpmScale - 1) / kPpmScale;
  return std::clamp<std::uint64_t>(rank, 1, n);
}

}  // namespace

std::size_t LatencyHistogram::IndexOf(std::int64_t ns) {
  const auto v = static_cast<std::uint64_t>(std::clamp<std::int64_t>(ns, 0, kHighestTrackable));
  const int bucket = 64 - std::countl_zero(v | kSubBucketMask) - (kHalfMagnitude + 1);
  const std::uint64_t sub = v >> bucket;  // in [1024, 2048), or [0, 2048) in bucket 0
  return (static_cast<std::size_t>(bucket + 1) << kHalfMagnitude) + sub -
         (std::uint64_t{1} << kHalfMagnitude);
}

std::int64_t LatencyHistogram::LowestAt(std::size_t index) {
  const int bucket = static_cast<int>(index >> kHalfMagnitude) - 1;
  const auto sub = static_cast<std::int64_t>(index & ((std::size_t{1} << kHalfMagnitude) - 1));
  if (bucket < 0) return sub;
  return (sub + (std::int64_t{1} << kHalfMagnitude)) << bucket;
}

std::int64_t LatencyHistogram::HighestAt(std::size_t index) const {
  const std::int64_t highest = LowestAt(index) + (std::int64_t{1} << BucketOf(index)) - 1;
  return index + 1 == kCounterCount ? std::max(highest, max_) : highest;
}

std::int64_t LatencyHistogram::CountAt(std::size_t index) const {
  return index < counts_.size() ? counts_[index] : 0;
}

void LatencyHistogram::Record(std::int64_t ns) { Record(ns, 1); }

void LatencyHistogram::Record(std::int64_t ns, std::int64_t n) {
  if (n <= 0 || n > kMaxCount - count_) return;
  ns = std::max<std::int64_t>(ns, 0);
  if (counts_.empty()) counts_.assign(kCounterCount, 0);
  counts_[IndexOf(ns)] += n;
  if (count_ == 0) {
    min_ = ns;
    max_ = ns;
  } else {
    min_ = std::min(min_, ns);
    max_ = std::max(max_, ns);
  }
  count_ += n;
  sum_ = SaturatingAdd(sum_, SaturatingMul(ns, n));
}

void LatencyHistogram::Add(const LatencyHistogram& other) {
  if (other.count_ == 0 || other.count_ > kMaxCount - count_) return;
  if (counts_.empty()) counts_.assign(kCounterCount, 0);
  const std::size_t first = IndexOf(other.min_);
  const std::size_t last = IndexOf(other.max_);
  for (std::size_t i = first; i <= last; ++i) counts_[i] += other.counts_[i];
  if (count_ == 0) {
    min_ = other.min_;
    max_ = other.max_;
  } else {
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }
  count_ += other.count_;
  sum_ = SaturatingAdd(sum_, other.sum_);
}

void LatencyHistogram::Reset() {
  if (count_ != 0) {
    // Only the counters between min and max can be non-zero.
    std::fill(counts_.begin() + static_cast<std::ptrdiff_t>(IndexOf(min_)),
              counts_.begin() + static_cast<std::ptrdiff_t>(IndexOf(max_)) + 1, 0);
  }
  count_ = 0;
  min_ = 0;
  max_ = 0;
  sum_ = 0;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0.0 : static_cast<double>(sum_) / static_cast<double>(count_);
}

std::int64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  const auto n = static_cast<std::uint64_t>(count_);
  const std::uint64_t rank = NearestRank(n, p);
  if (rank == 1) return min_;
  if (rank == n) return max_;
  std::uint64_t seen = 0;
  const std::size_t last = IndexOf(max_);
  std::size_t i = IndexOf(min_);
  for (; i < last; ++i) {
    seen += static_cast<std::uint64_t>(counts_[i]);
    if (seen >= rank) break;
  }
  const std::int64_t lo = std::max(LowestAt(i), min_);
  const std::int64_t hi = std::min(HighestAt(i), max_);
  return lo + (hi - lo) / 2;
}

std::size_t LatencyHistogram::memory_bytes() const {
  return sizeof(*this) + counts_.capacity() * sizeof(std::int64_t);
}

bool operator==(const LatencyHistogram& a, const LatencyHistogram& b) {
  if (a.count_ != b.count_ || a.min_ != b.min_ || a.max_ != b.max_ || a.sum_ != b.sum_) {
    return false;
  }
  if (a.count_ == 0) return true;
  // Both hold counters; outside [min, max] they are all zero.
  const std::size_t last = LatencyHistogram::IndexOf(a.max_);
  for (std::size_t i = LatencyHistogram::IndexOf(a.min_); i <= last; ++i) {
    if (a.counts_[i] != b.counts_[i]) return false;
  }
  return true;
}

}  // namespace dialsoak::histogram
