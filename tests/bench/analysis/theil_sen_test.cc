#include "dialsoak/analysis/theil_sen.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <vector>

namespace dialsoak::analysis {
namespace {

std::vector<Point> Series(int n, double (*f)(int)) {
  std::vector<Point> pts;
  for (int i = 0; i < n; ++i) pts.push_back({static_cast<double>(i), f(i)});
  return pts;
}

TEST(TheilSenTest, FlatSeriesHasSlopeZeroAndIntervalContainsZero) {
  const auto est = TheilSen(Series(500, [](int) { return 42.0; }));
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.slope, 0);
  EXPECT_EQ(est.intercept, 42);
  EXPECT_LE(est.lower, 0);
  EXPECT_GE(est.upper, 0);
  EXPECT_EQ(est.points_used, 500u);
  EXPECT_EQ(est.pairs, 500u * 499u / 2);
  EXPECT_DOUBLE_EQ(est.confidence, 0.95);
}

TEST(TheilSenTest, SteadyLeakOfOnePerCycleHasSlopeExactlyOne) {
  const auto est = TheilSen(Series(300, [](int i) { return 100.0 + i; }));
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.slope, 1);
  EXPECT_EQ(est.lower, 1);
  EXPECT_EQ(est.upper, 1);
  EXPECT_EQ(est.intercept, 100);
}

TEST(TheilSenTest, LeakOfOnePerHundredCyclesIsFoundWithPositiveLowerBound) {
  const auto est = TheilSen(Series(2000, [](int i) { return 10.0 + i / 100; }));
  ASSERT_TRUE(est.valid);
  EXPECT_NEAR(est.slope, 0.01, 0.001);
  EXPECT_GT(est.lower, 0);
  EXPECT_LE(est.lower, est.slope);
  EXPECT_GE(est.upper, est.slope);
}

TEST(TheilSenTest, OneStepIsNotATrend) {
  // A one-time step (a log file opened, a thread pool grown) moves at most half the pairs.
  const auto est = TheilSen(Series(1000, [](int i) { return i < 300 ? 20.0 : 25.0; }));
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.slope, 0);
  EXPECT_LE(est.lower, 0);
}

TEST(TheilSenTest, NoisyFlatSeriesIntervalContainsZeroOverSeeds) {
  for (unsigned seed : {1u, 2u, 3u, 4u, 5u, 6u, 7u, 8u}) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-3, 3);
    std::vector<Point> pts;
    for (int i = 0; i < 2000; ++i) pts.push_back({double(i), 50.0 + noise(rng)});
    const auto est = TheilSen(pts);
    ASSERT_TRUE(est.valid);
    EXPECT_LE(est.lower, 0) << "seed " << seed;
    EXPECT_GE(est.upper, 0) << "seed " << seed;
    EXPECT_NEAR(est.slope, 0, 1e-3) << "seed " << seed;
  }
}

TEST(TheilSenTest, NoisyLeakOfOnePerHundredIsDetected) {
  for (unsigned seed : {11u, 12u, 13u, 14u, 15u}) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-3, 3);
    std::vector<Point> pts;
    for (int i = 0; i < 2000; ++i) pts.push_back({double(i), 50.0 + i / 100 + noise(rng)});
    const auto est = TheilSen(pts);
    ASSERT_TRUE(est.valid);
    EXPECT_GT(est.lower, 0) << "seed " << seed;
    EXPECT_NEAR(est.slope, 0.01, 0.002) << "seed " << seed;
  }
}

TEST(TheilSenTest, FewHugeSpikesDoNotMoveTheSlope) {
  auto pts = Series(400, [](int i) { return 7.0 + i; });
  pts[50].y = 1e9;
  pts[200].y = -1e9;
  pts[399].y = 5e8;
  const auto est = TheilSen(pts);
  ASSERT_TRUE(est.valid);
  EXPECT_NEAR(est.slope, 1, 1e-9);
  EXPECT_NEAR(est.intercept, 7, 1e-6);
}

TEST(TheilSenTest, PairsWithEqualXAreSkipped) {
  // Two samples per cycle (e.g. before and after a probe), one per cycle of growth.
  std::vector<Point> pts;
  for (int i = 0; i < 100; ++i) {
    pts.push_back({double(i), 3.0 * i});
    pts.push_back({double(i), 3.0 * i});
  }
  const auto est = TheilSen(pts);
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.pairs, 200u * 199u / 2 - 100u);
  EXPECT_EQ(est.slope, 3);
  EXPECT_EQ(est.lower, 3);
  EXPECT_EQ(est.upper, 3);
}

TEST(TheilSenTest, AllXEqualGivesNoEstimate) {
  const std::vector<Point> pts = {{5, 1}, {5, 2}, {5, 3}, {5, 4}};
  EXPECT_FALSE(TheilSen(pts).valid);
}

TEST(TheilSenTest, FewerThanThreePointsGiveNoEstimate) {
  EXPECT_FALSE(TheilSen(std::vector<Point>{}).valid);
  EXPECT_FALSE(TheilSen(std::vector<Point>{{0, 1}}).valid);
  EXPECT_FALSE(TheilSen(std::vector<Point>{{0, 1}, {1, 2}}).valid);
}

TEST(TheilSenTest, TooFewPointsForTheConfidenceGiveUnboundedInterval) {
  const auto four = TheilSen(Series(4, [](int i) { return double(i); }));
  ASSERT_TRUE(four.valid);
  EXPECT_EQ(four.slope, 1);
  EXPECT_TRUE(std::isinf(four.lower) && four.lower < 0);
  EXPECT_TRUE(std::isinf(four.upper) && four.upper > 0);
  const auto five = TheilSen(Series(5, [](int i) { return double(i); }));
  EXPECT_TRUE(std::isinf(five.lower));  // M1 = (10 - 8.003) / 2 rounds down to 0
  const auto six = TheilSen(Series(6, [](int i) { return double(i); }));
  EXPECT_EQ(six.lower, 1);
  EXPECT_EQ(six.upper, 1);
}

TEST(TheilSenTest, IntervalMatchesSenRanksOnASmallExample) {
  // n = 10 distinct x: N = 45 slopes, Var S = 10*9*25/18 = 125, C = 1.96*11.18 = 21.9,
  // M1 = floor(11.54) = 11: bounds are the 11th and 35th smallest slopes.
  std::vector<Point> pts;
  const double ys[] = {3, 1, 4, 1, 5, 9, 2, 6, 5, 3};
  for (int i = 0; i < 10; ++i) pts.push_back({double(i), ys[i]});
  std::vector<double> slopes;
  for (int i = 0; i < 10; ++i)
    for (int j = i + 1; j < 10; ++j) slopes.push_back((ys[j] - ys[i]) / (j - i));
  std::sort(slopes.begin(), slopes.end());
  const auto est = TheilSen(pts);
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.slope, slopes[22]);
  EXPECT_EQ(est.lower, slopes[10]);
  EXPECT_EQ(est.upper, slopes[34]);
}

TEST(TheilSenTest, HigherConfidenceWidensTheInterval) {
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> noise(-3, 3);
  std::vector<Point> pts;
  for (int i = 0; i < 500; ++i) pts.push_back({double(i), 0.05 * i + noise(rng)});
  const auto e95 = TheilSen(pts);
  const auto e99 = TheilSen(pts, {.confidence = 0.99});
  EXPECT_LE(e99.lower, e95.lower);
  EXPECT_GE(e99.upper, e95.upper);
  EXPECT_EQ(e99.slope, e95.slope);
}

TEST(TheilSenTest, LongSeriesIsThinnedAndStaysFast) {
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> noise(-3, 3);
  std::vector<Point> pts;
  for (int i = 0; i < 100000; ++i) pts.push_back({double(i), 0.01 * i + noise(rng)});
  const auto start = std::chrono::steady_clock::now();
  const auto est = TheilSen(pts);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(est.valid);
  EXPECT_EQ(est.points_used, 2000u);
  EXPECT_NEAR(est.slope, 0.01, 1e-3);
  EXPECT_GT(est.lower, 0);
  EXPECT_LT(took, std::chrono::seconds(5));  // ~70 ms optimised; generous for sanitizers
}

TEST(TheilSenTest, NormalQuantile) {
  EXPECT_NEAR(TwoSidedNormalQuantile(0.95), 1.959964, 1e-5);
  EXPECT_NEAR(TwoSidedNormalQuantile(0.99), 2.575829, 1e-5);
  EXPECT_THROW(TwoSidedNormalQuantile(1.0), std::invalid_argument);
  EXPECT_THROW(TwoSidedNormalQuantile(0.0), std::invalid_argument);
}

TEST(TheilSenTest, BadOptionsThrow) {
  const std::vector<Point> pts = {{0, 0}, {1, 1}, {2, 2}};
  EXPECT_THROW(TheilSen(pts, {.confidence = 1.5}), std::invalid_argument);
  EXPECT_THROW(TheilSen(pts, {.confidence = 0.95, .max_points = 2}), std::invalid_argument);
}

}  // namespace
}  // namespace dialsoak::analysis
