#include "dialsoak/engine/arrivals.h"

#include <cmath>
#include <stdexcept>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

std::vector<std::chrono::nanoseconds> All(ArrivalSchedule s) {
  std::vector<std::chrono::nanoseconds> out;
  while (auto t = s.Next()) out.push_back(*t);
  return out;
}

int CountIn(const std::vector<std::chrono::nanoseconds>& v, std::chrono::nanoseconds a,
            std::chrono::nanoseconds b) {
  int n = 0;
  for (auto t : v) n += t >= a && t < b;
  return n;
}

TEST(ParseStageTest, ReadsDurationAndRate) {
  auto s = ParseStage("5m:2");
  ASSERT_TRUE(s) << s.error();
  EXPECT_EQ(s->duration, 5min);
  EXPECT_EQ(s->rate, 2.0);
  auto t = ParseStage("90s:0.5");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->duration, 90s);
  EXPECT_EQ(t->rate, 0.5);
  auto z = ParseStage("0s:10");
  ASSERT_TRUE(z);
  EXPECT_EQ(z->duration, 0s);
}

TEST(ParseStageTest, RefusesBadStagesWithMessages) {
  for (const char* bad :
       {"5m", "5m:", ":2", "5m:2:3", "5x:2", "5m:-1", "5m:fast", "5m:nan", "", "-5m:2"}) {
    auto s = ParseStage(bad);
    ASSERT_FALSE(s) << bad;
    EXPECT_THAT(s.error(), HasSubstr("bad stage '" + std::string(bad) + "'")) << s.error();
  }
  EXPECT_THAT(ParseStage("5m").error(), HasSubstr("DURATION:RATE"));
  EXPECT_THAT(ParseStage("5m:-1").error(), HasSubstr("calls/s >= 0"));
}

TEST(ParseArrivalsTest, PoissonOrUniform) {
  EXPECT_EQ(*ParseArrivals("poisson"), Arrivals::Poisson);
  EXPECT_EQ(*ParseArrivals("uniform"), Arrivals::Uniform);
  EXPECT_THAT(ParseArrivals("burst").error(), HasSubstr("poisson or uniform"));
  EXPECT_EQ(ToString(Arrivals::Uniform), "uniform");
}

TEST(ArrivalScheduleTest, RefusesNegativeOrNonFiniteRates) {
  EXPECT_THROW(ArrivalSchedule({{1s, -1}}, Arrivals::Poisson, 1), std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule({{-1s, 1}}, Arrivals::Poisson, 1), std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule::Constant(NAN, 1s, Arrivals::Poisson, 1), std::invalid_argument);
  EXPECT_THROW(ArrivalSchedule::Constant(INFINITY, {}, Arrivals::Poisson, 1),
               std::invalid_argument);
}

TEST(ArrivalScheduleTest, UniformConstantRateIsEvenlySpacedAndExact) {
  auto v = All(ArrivalSchedule::Constant(10, 10s, Arrivals::Uniform, 1));
  ASSERT_EQ(v.size(), 100u);
  EXPECT_EQ(v.front(), 50ms);
  for (size_t i = 1; i < v.size(); ++i) EXPECT_NEAR((v[i] - v[i - 1]).count(), 1e8, 2) << i;
}

TEST(ArrivalScheduleTest, UniformCountsPerStageMatchTheIntegratedRate) {
  // 0 -> 2/s over 100 s (100 calls), 2 -> 10/s over 50 s (300), 10 -> 0 over 20 s (100).
  const std::vector<Stage> stages{{100s, 2}, {50s, 10}, {20s, 0}};
  ArrivalSchedule s(stages, Arrivals::Uniform, 1);
  EXPECT_EQ(s.duration(), 170s);
  EXPECT_DOUBLE_EQ(s.ExpectedArrivals(0s, 100s), 100);
  EXPECT_DOUBLE_EQ(s.ExpectedArrivals(100s, 150s), 300);
  EXPECT_DOUBLE_EQ(s.ExpectedArrivals(150s, 170s), 100);
  auto v = All(s);
  EXPECT_EQ(v.size(), 500u);
  EXPECT_EQ(CountIn(v, 0s, 100s), 100);
  EXPECT_EQ(CountIn(v, 100s, 150s), 300);
  EXPECT_EQ(CountIn(v, 150s, 170s), 100);
  EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
}

TEST(ArrivalScheduleTest, RampFromZeroPutsAQuarterOfTheCallsInItsFirstHalf) {
  // Linear ramp 0 -> R: integrated rate grows as t^2, so halves carry 1:3.
  auto u = All(ArrivalSchedule({{100s, 8}}, Arrivals::Uniform, 1));
  ASSERT_EQ(u.size(), 400u);
  EXPECT_EQ(CountIn(u, 0s, 50s), 100);
  EXPECT_EQ(CountIn(u, 50s, 100s), 300);
  // Poisson, over many seeds: 1:3 within a few standard errors.
  double first = 0, second = 0;
  for (std::uint64_t seed = 1; seed <= 50; ++seed) {
    auto v = All(ArrivalSchedule({{100s, 8}}, Arrivals::Poisson, seed));
    first += CountIn(v, 0s, 50s);
    second += CountIn(v, 50s, 100s);
  }
  // Expected 5000 and 15000; sigma ~71 and ~122.
  EXPECT_NEAR(first, 5000, 4 * 71);
  EXPECT_NEAR(second, 15000, 4 * 122);
}

TEST(ArrivalScheduleTest, PoissonCountsPerStageMatchTheIntegratedRateOverManySeeds) {
  const std::vector<Stage> stages{{60s, 5}, {120s, 5}, {30s, 1}};
  ArrivalSchedule ref(stages, Arrivals::Poisson, 0);
  const double e0 = ref.ExpectedArrivals(0s, 60s), e1 = ref.ExpectedArrivals(60s, 180s),
               e2 = ref.ExpectedArrivals(180s, 210s);
  EXPECT_DOUBLE_EQ(e0, 150);
  EXPECT_DOUBLE_EQ(e1, 600);
  EXPECT_DOUBLE_EQ(e2, 90);
  const int seeds = 100;
  double n0 = 0, n1 = 0, n2 = 0;
  for (int seed = 1; seed <= seeds; ++seed) {
    auto v = All(ArrivalSchedule(stages, Arrivals::Poisson, static_cast<std::uint64_t>(seed)));
    n0 += CountIn(v, 0s, 60s);
    n1 += CountIn(v, 60s, 180s);
    n2 += CountIn(v, 180s, 210s);
    EXPECT_TRUE(std::is_sorted(v.begin(), v.end()));
    if (!v.empty()) {
      EXPECT_LT(v.back(), 210s);
    }
  }
  // Poisson: variance = mean; 4 sigma of the total over all seeds.
  EXPECT_NEAR(n0, e0 * seeds, 4 * std::sqrt(e0 * seeds));
  EXPECT_NEAR(n1, e1 * seeds, 4 * std::sqrt(e1 * seeds));
  EXPECT_NEAR(n2, e2 * seeds, 4 * std::sqrt(e2 * seeds));
}

TEST(ArrivalScheduleTest, ConstantRatePoissonGapsAreExponential) {
  ArrivalSchedule s = ArrivalSchedule::Constant(50, std::nullopt, Arrivals::Poisson, 42);
  EXPECT_FALSE(s.duration());
  const int n = 100000;
  double sum = 0, sum2 = 0;
  auto prev = 0ns;
  int below_mean = 0;
  for (int i = 0; i < n; ++i) {
    auto t = s.Next();
    ASSERT_TRUE(t);
    const double gap = static_cast<double>((*t - prev).count()) / 1e9;
    prev = *t;
    sum += gap;
    sum2 += gap * gap;
    below_mean += gap < 0.02;
  }
  const double mean = sum / n;
  const double sd = std::sqrt(sum2 / n - mean * mean);
  EXPECT_NEAR(mean, 0.02, 0.02 * 0.015);  // standard error 0.3 %
  EXPECT_NEAR(sd / mean, 1.0, 0.02);
  // P(gap < mean) = 1 - 1/e for an exponential.
  EXPECT_NEAR(static_cast<double>(below_mean) / n, 1 - std::exp(-1.0), 0.01);
}

TEST(ArrivalScheduleTest, AZeroRateStageHasNoArrivalsAndTheNextStageResumes) {
  // 0s:4 steps to 4/s; 10 s at 4/s; step to 0; 10 s at 0; step to 4; 10 s at 4.
  const std::vector<Stage> stages{{0s, 4}, {10s, 4}, {0s, 0}, {10s, 0}, {0s, 4}, {10s, 4}};
  for (Arrivals kind : {Arrivals::Uniform, Arrivals::Poisson}) {
    auto v = All(ArrivalSchedule(stages, kind, 7));
    EXPECT_EQ(CountIn(v, 10s, 20s), 0) << ToString(kind);
    EXPECT_GT(CountIn(v, 20s, 30s), 10) << ToString(kind);
    if (kind == Arrivals::Uniform) {
      EXPECT_EQ(CountIn(v, 0s, 10s), 40);
      EXPECT_EQ(CountIn(v, 20s, 30s), 40);
    }
  }
  EXPECT_TRUE(All(ArrivalSchedule({{1h, 0}}, Arrivals::Poisson, 1)).empty());
  EXPECT_TRUE(All(ArrivalSchedule::Constant(0, 1h, Arrivals::Uniform, 1)).empty());
}

TEST(ArrivalScheduleTest, SameSeedSameScheduleOtherSeedOtherSchedule) {
  const std::vector<Stage> stages{{30s, 3}, {30s, 3}, {30s, 0}};
  auto a = All(ArrivalSchedule(stages, Arrivals::Poisson, 99));
  auto b = All(ArrivalSchedule(stages, Arrivals::Poisson, 99));
  auto c = All(ArrivalSchedule(stages, Arrivals::Poisson, 100));
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ArrivalScheduleTest, RateAtFollowsTheRamps) {
  ArrivalSchedule s({{10s, 10}, {10s, 10}, {10s, 0}}, Arrivals::Poisson, 1);
  EXPECT_DOUBLE_EQ(s.RateAt(0s), 0);
  EXPECT_DOUBLE_EQ(s.RateAt(5s), 5);
  EXPECT_DOUBLE_EQ(s.RateAt(15s), 10);
  EXPECT_DOUBLE_EQ(s.RateAt(25s), 5);
  EXPECT_DOUBLE_EQ(s.RateAt(31s), 0);
}

}  // namespace
}  // namespace dialsoak::engine
