#include "dialsoak/report/percentiles.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

namespace dialsoak::report {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;

std::vector<std::int64_t> OneToThousandMs() {
  std::vector<std::int64_t> v(1000);
  for (int i = 0; i < 1000; ++i)
    v[static_cast<std::size_t>(i)] = nanoseconds(milliseconds(i + 1)).count();
  return v;
}

TEST(ReportPercentilesTest, NearestRankOfOneToThousandMilliseconds) {
  auto v = OneToThousandMs();
  std::mt19937 rng(7);
  std::shuffle(v.begin(), v.end(), rng);
  LatencyStats s = ComputeLatencyStats(std::span<std::int64_t>(v));
  EXPECT_EQ(s.count, 1000u);
  EXPECT_EQ(s.min, milliseconds(1));
  EXPECT_EQ(s.p50, milliseconds(500));
  EXPECT_EQ(s.p90, milliseconds(900));
  EXPECT_EQ(s.p99, milliseconds(990));
  EXPECT_EQ(s.p999, milliseconds(999));
  EXPECT_EQ(s.max, milliseconds(1000));
  EXPECT_EQ(s.mean, std::chrono::microseconds(500'500));
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end())) << "sorts in place";
}

TEST(ReportPercentilesTest, RankIsCeilingOfShareNeverInterpolated) {
  EXPECT_EQ(NearestRankIndex(1, 50), 0u);
  EXPECT_EQ(NearestRankIndex(1, 100), 0u);
  EXPECT_EQ(NearestRankIndex(3, 50), 1u);     // ceil(1.5) = rank 2
  EXPECT_EQ(NearestRankIndex(4, 50), 1u);     // rank 2 exactly
  EXPECT_EQ(NearestRankIndex(4, 50.01), 2u);  // just past: rank 3
  EXPECT_EQ(NearestRankIndex(10, 99.9), 9u);
  EXPECT_EQ(NearestRankIndex(1000, 99.9), 998u);
  EXPECT_EQ(NearestRankIndex(1'000'000, 99.9), 998'999u);
  EXPECT_EQ(NearestRankIndex(1'000'000, 99.9999), 999'998u);
}

TEST(ReportPercentilesTest, ZeroAndHundredAreMinAndMaxAndOutOfRangeClamps) {
  EXPECT_EQ(NearestRankIndex(10, 0), 0u);
  EXPECT_EQ(NearestRankIndex(10, -5), 0u);
  EXPECT_EQ(NearestRankIndex(10, 100), 9u);
  EXPECT_EQ(NearestRankIndex(10, 250), 9u);
}

TEST(ReportPercentilesTest, EmptyInputGivesNoValue) {
  std::vector<std::int64_t> none;
  EXPECT_FALSE(NearestRank(none, 50).has_value());
  LatencyStats s = ComputeLatencyStats(std::span<std::int64_t>(none));
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.max, nanoseconds(0));
}

TEST(ReportPercentilesTest, NearestRankReadsSortedInput) {
  std::vector<std::int64_t> sorted{10, 20, 30, 40};
  EXPECT_EQ(NearestRank(sorted, 75), 30);
  EXPECT_EQ(NearestRank(sorted, 76), 40);
}

TEST(ReportPercentilesTest, ChronoOverloadLeavesInputAlone) {
  std::vector<nanoseconds> v{nanoseconds(30), nanoseconds(10), nanoseconds(20)};
  LatencyStats s = ComputeLatencyStats(v);
  EXPECT_EQ(s.count, 3u);
  EXPECT_EQ(s.min, nanoseconds(10));
  EXPECT_EQ(s.p50, nanoseconds(20));
  EXPECT_EQ(s.max, nanoseconds(30));
  EXPECT_EQ(s.mean, nanoseconds(20));
  EXPECT_EQ(v.front(), nanoseconds(30));
}

}  // namespace
}  // namespace dialsoak::report
