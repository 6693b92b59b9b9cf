#include "dialsoak/histogram/latency_histogram.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "dialsoak/report/percentiles.h"

namespace dialsoak::histogram {
namespace {

constexpr std::int64_t kHour = 3'600'000'000'000;  // ns
constexpr std::int64_t kMs = 1'000'000;
constexpr double kPercentiles[] = {0, 1, 50, 90, 99, 99.9, 99.99, 100};
// The midpoint of a bucket is within 1/2048 of any value in it; the test allows twice that.
constexpr double kMaxRelativeError = 0.001;

using Samples = std::vector<std::int64_t>;

LatencyHistogram Histogram(const Samples& samples) {
  LatencyHistogram h;
  for (std::int64_t v : samples) h.Record(v);
  return h;
}

// Every percentile of kPercentiles within kMaxRelativeError of the exact nearest rank of
// the same samples (exact below 2048 ns, at p0 and p100), and count, min, max, sum, mean
// exact.
void ExpectMatchesExact(const Samples& samples) {
  ASSERT_FALSE(samples.empty());
  const LatencyHistogram h = Histogram(samples);
  Samples sorted = samples;
  std::sort(sorted.begin(), sorted.end());
  std::int64_t sum = 0;
  for (std::int64_t v : sorted) sum += v;
  EXPECT_EQ(h.count(), static_cast<std::int64_t>(sorted.size()));
  EXPECT_EQ(h.min(), sorted.front());
  EXPECT_EQ(h.max(), sorted.back());
  EXPECT_EQ(h.sum(), sum);
  EXPECT_DOUBLE_EQ(h.mean(), static_cast<double>(sum) / static_cast<double>(sorted.size()));
  for (double p : kPercentiles) {
    const std::int64_t exact = *report::NearestRank(std::span<const std::int64_t>(sorted), p);
    const std::int64_t got = h.Percentile(p);
    if (p == 0 || p == 100 || exact < LatencyHistogram::kSubBucketCount) {
      EXPECT_EQ(got, exact) << "p" << p;
    } else {
      EXPECT_LE(std::fabs(static_cast<double>(got - exact)),
                kMaxRelativeError * static_cast<double>(exact))
          << "p" << p << ": " << got << " ns, exactly " << exact << " ns";
    }
  }
}

Samples Uniform(std::size_t n, std::int64_t lo, std::int64_t hi, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::int64_t> d(lo, hi);
  Samples s(n);
  for (auto& v : s) v = d(rng);
  return s;
}

Samples Lognormal(std::size_t n, double median_ns, double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_ns), sigma);
  Samples s(n);
  for (auto& v : s) v = std::llround(d(rng));
  return s;
}

// Pareto with scale xm and shape alpha: heavy-tailed (alpha 1.1: the mean barely exists).
Samples Pareto(std::size_t n, double xm, double alpha, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  Samples s(n);
  for (auto& v : s) {
    const double x = xm / std::pow(1.0 - u(rng), 1.0 / alpha);
    v = std::llround(std::min(x, 1e15));
  }
  return s;
}

// Most dials connect in about 2 s; a tenth time out at 60 s.
Samples Bimodal(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> fast(2e9, 2e8);
  std::normal_distribution<double> slow(60e9, 1e9);
  std::bernoulli_distribution is_slow(0.1);
  Samples s(n);
  for (auto& v : s)
    v = std::max<std::int64_t>(1, std::llround(is_slow(rng) ? slow(rng) : fast(rng)));
  return s;
}

TEST(LatencyHistogramTest, EmptyIsZeroEverywhereAndHoldsNoCounters) {
  const LatencyHistogram h;
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.sum(), 0);
  EXPECT_EQ(h.mean(), 0.0);
  for (double p : kPercentiles) EXPECT_EQ(h.Percentile(p), 0);
  int buckets = 0;
  h.ForEachBucket([&](std::int64_t, std::int64_t, std::int64_t) { ++buckets; });
  EXPECT_EQ(buckets, 0);
  EXPECT_LE(h.memory_bytes(), 64u);
}

TEST(LatencyHistogramTest, UniformMatchesExactNearestRank) {
  ExpectMatchesExact(Uniform(100'000, 0, 10 * 1000 * kMs, 1));
  ExpectMatchesExact(Uniform(10'000, 0, 5000, 2));  // mostly exact buckets
}

TEST(LatencyHistogramTest, BimodalMatchesExactNearestRank) {
  ExpectMatchesExact(Bimodal(50'000, 3));
}

TEST(LatencyHistogramTest, HeavyTailedMatchesExactNearestRank) {
  ExpectMatchesExact(Pareto(200'000, 50'000, 1.1, 4));
  ExpectMatchesExact(Lognormal(200'000, 50'000, 1.5, 5));
}

TEST(LatencyHistogramTest, AllEqualIsExactAtEveryPercentile) {
  for (std::int64_t v : {std::int64_t{0}, std::int64_t{1}, std::int64_t{2047}, std::int64_t{2049},
                         std::int64_t{123'456'789}, kHour}) {
    LatencyHistogram h;
    h.Record(v, 1000);
    for (double p : kPercentiles) EXPECT_EQ(h.Percentile(p), v) << v << " p" << p;
    EXPECT_EQ(h.mean(), static_cast<double>(v));
  }
}

TEST(LatencyHistogramTest, ExtremeValuesOneNanosecondAndOneHour) {
  ExpectMatchesExact(Samples(1000, 1));
  ExpectMatchesExact(Samples(1000, kHour));
  Samples both(500, 1);
  both.insert(both.end(), 500, kHour);
  ExpectMatchesExact(both);
  Samples tail(9999, 1);
  tail.push_back(kHour);
  ExpectMatchesExact(tail);
}

TEST(LatencyHistogramTest, TinyCountsAreExactAtTheEnds) {
  ExpectMatchesExact({42'000'000});
  ExpectMatchesExact({1, kHour});
  ExpectMatchesExact({kHour, 3'000});
  ExpectMatchesExact({5'000'001, 5'000'003, 5'000'002});
}

TEST(LatencyHistogramTest, MillionSamplesMatchExactNearestRank) {
  ExpectMatchesExact(Lognormal(1'000'000, 50'000, 0.6, 6));
}

TEST(LatencyHistogramTest, ValuesPastTheRangeKeepExactMinMaxSumAndEnds) {
  LatencyHistogram h;
  const std::int64_t huge = std::int64_t{1} << 50;  // 13 days
  h.Record(kMs);
  h.Record(huge);
  h.Record(huge + 7);
  EXPECT_EQ(h.min(), kMs);
  EXPECT_EQ(h.max(), huge + 7);
  EXPECT_EQ(h.sum(), kMs + 2 * huge + 7);
  EXPECT_EQ(h.Percentile(100), huge + 7);
  EXPECT_EQ(h.Percentile(0), kMs);
  // The middle sample sits in the top bucket, reported within [its lowest, max].
  EXPECT_GE(h.Percentile(50), LatencyHistogram::LowestAt(LatencyHistogram::kCounterCount - 1));
  EXPECT_LE(h.Percentile(50), huge + 7);
  std::int64_t top_highest = 0;
  h.ForEachBucket([&](std::int64_t, std::int64_t hi, std::int64_t) { top_highest = hi; });
  EXPECT_EQ(top_highest, huge + 7);
}

TEST(LatencyHistogramTest, NegativeLatencyCountsAsZero) {
  LatencyHistogram h;
  h.Record(-5);
  h.Record(std::numeric_limits<std::int64_t>::min(), 2);
  EXPECT_EQ(h.count(), 3);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.sum(), 0);
}

TEST(LatencyHistogramTest, RecordingNCopiesEqualsRecordingEach) {
  LatencyHistogram copies;
  copies.Record(3 * kMs, 5);
  copies.Record(70 * kMs, 2);
  copies.Record(9, 0);   // nothing
  copies.Record(9, -4);  // nothing
  LatencyHistogram each;
  for (int i = 0; i < 5; ++i) each.Record(3 * kMs);
  for (int i = 0; i < 2; ++i) each.Record(70 * kMs);
  EXPECT_EQ(copies, each);
  EXPECT_EQ(copies.count(), 7);
}

TEST(LatencyHistogramTest, CountPastInt64IsDroppedWholeAndSumSaturates) {
  constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
  LatencyHistogram h;
  h.Record(kHour, kMax - 1);
  EXPECT_EQ(h.sum(), kMax);  // saturated
  h.Record(5, 2);            // would pass INT64_MAX: dropped
  EXPECT_EQ(h.count(), kMax - 1);
  EXPECT_EQ(h.min(), kHour);
  LatencyHistogram other;
  other.Record(1, 2);
  h.Add(other);  // dropped too
  EXPECT_EQ(h.count(), kMax - 1);
  EXPECT_EQ(h.min(), kHour);
  h.Record(1);  // exactly INT64_MAX: taken
  EXPECT_EQ(h.count(), kMax);
  EXPECT_EQ(h.min(), 1);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingTheUnion) {
  const Samples a = Lognormal(30'000, 2e9, 0.3, 7);
  const Samples b = Pareto(20'000, 50'000, 1.3, 8);
  const Samples c = {0, 1, kHour};
  Samples all = a;
  all.insert(all.end(), b.begin(), b.end());
  all.insert(all.end(), c.begin(), c.end());

  LatencyHistogram merged = Histogram(a);
  merged.Add(Histogram(b));
  merged.Add(Histogram(c));
  merged.Add(LatencyHistogram{});  // empty: no change
  EXPECT_EQ(merged, Histogram(all));

  LatencyHistogram into_empty;
  into_empty.Add(Histogram(b));
  EXPECT_EQ(into_empty, Histogram(b));

  LatencyHistogram twice = Histogram(c);
  twice.Add(twice);
  Samples cc = c;
  cc.insert(cc.end(), c.begin(), c.end());
  EXPECT_EQ(twice, Histogram(cc));
}

TEST(LatencyHistogramTest, ResetEmptiesAndKeepsStorage) {
  LatencyHistogram h = Histogram(Lognormal(1000, 50'000, 1, 9));
  const std::size_t bytes = h.memory_bytes();
  h.Reset();
  EXPECT_TRUE(h.empty());
  EXPECT_EQ(h, LatencyHistogram{});
  EXPECT_EQ(h.Percentile(50), 0);
  EXPECT_EQ(h.memory_bytes(), bytes);
  const Samples again = {7, 7'000, 7'000'000};
  for (std::int64_t v : again) h.Record(v);
  EXPECT_EQ(h, Histogram(again));
}

TEST(LatencyHistogramTest, MemoryDoesNotGrowWithSamples) {
  LatencyHistogram h;
  std::mt19937_64 rng(10);
  std::lognormal_distribution<double> d(std::log(50'000.0), 2.0);
  for (int i = 0; i < 1000; ++i) h.Record(std::llround(d(rng)));
  const std::size_t after_thousand = h.memory_bytes();
  for (int i = 0; i < 10'000'000; ++i) h.Record(std::llround(d(rng)));
  EXPECT_EQ(h.memory_bytes(), after_thousand);
  EXPECT_LE(after_thousand, 300'000u);  // 33,792 counters of 8 bytes and the object
  EXPECT_EQ(h.count(), 10'001'000);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithinOne1024th) {
  using H = LatencyHistogram;
  EXPECT_GE(H::kHighestTrackable, kHour);
  EXPECT_EQ(H::LowestAt(0), 0);
  LatencyHistogram empty;
  EXPECT_EQ(empty.HighestAt(H::kCounterCount - 1), H::kHighestTrackable);
  for (std::size_t i = 0; i < H::kCounterCount; ++i) {
    const std::int64_t lo = H::LowestAt(i);
    const std::int64_t hi = empty.HighestAt(i);
    ASSERT_LE(lo, hi) << i;
    ASSERT_EQ(H::IndexOf(lo), i);
    ASSERT_EQ(H::IndexOf(hi), i);
    if (lo < H::kSubBucketCount) {
      ASSERT_EQ(lo, hi) << "values below 2048 ns have buckets of their own";
    } else {
      ASSERT_LE(hi - lo + 1, lo / 1024) << i;
    }
    if (i + 1 < H::kCounterCount) {
      ASSERT_EQ(hi + 1, H::LowestAt(i + 1)) << i;
    }
  }
  EXPECT_EQ(H::IndexOf(-1), 0u);
  EXPECT_EQ(H::IndexOf(std::numeric_limits<std::int64_t>::max()), H::kCounterCount - 1);
}

TEST(LatencyHistogramTest, ForEachBucketVisitsNonEmptyBucketsInOrder) {
  const Samples samples = Bimodal(5000, 11);
  const LatencyHistogram h = Histogram(samples);
  std::int64_t total = 0;
  std::int64_t previous_highest = -1;
  h.ForEachBucket([&](std::int64_t lo, std::int64_t hi, std::int64_t n) {
    EXPECT_GT(lo, previous_highest);
    EXPECT_LE(lo, hi);
    EXPECT_GT(n, 0);
    const auto in_bucket = std::count_if(samples.begin(), samples.end(),
                                         [&](std::int64_t v) { return v >= lo && v <= hi; });
    EXPECT_EQ(in_bucket, n);
    previous_highest = hi;
    total += n;
  });
  EXPECT_EQ(total, h.count());
}

TEST(LatencyHistogramTest, PercentileClampsAndTakesPToOnePpm) {
  Samples s(1000);
  for (int i = 0; i < 1000; ++i) s[static_cast<std::size_t>(i)] = (i + 1);  // 1..1000 ns: exact
  const LatencyHistogram h = Histogram(s);
  EXPECT_EQ(h.Percentile(50), 500);
  EXPECT_EQ(h.Percentile(99), 990);
  EXPECT_EQ(h.Percentile(99.9), 999);
  EXPECT_EQ(h.Percentile(-3), 1);
  EXPECT_EQ(h.Percentile(250), 1000);
  EXPECT_EQ(h.Percentile(std::numeric_limits<double>::quiet_NaN()), 1);
}

}  // namespace
}  // namespace dialsoak::histogram
