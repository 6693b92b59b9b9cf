#include "dialsoak/sim/distribution.h"

#include <cmath>

#include <gtest/gtest.h>

namespace dialsoak::sim {
namespace {

using namespace std::chrono_literals;
using std::chrono::nanoseconds;

TEST(SimDurationTest, ParsesUnitsAndBareSeconds) {
  EXPECT_EQ(*ParseDuration("250ms"), 250ms);
  EXPECT_EQ(*ParseDuration("2s"), 2s);
  EXPECT_EQ(*ParseDuration("1.5s"), 1500ms);
  EXPECT_EQ(*ParseDuration("3m"), 180s);
  EXPECT_EQ(*ParseDuration("2min"), 120s);
  EXPECT_EQ(*ParseDuration("1h"), 3600s);
  EXPECT_EQ(*ParseDuration("500us"), 500us);
  EXPECT_EQ(*ParseDuration("10ns"), 10ns);
  EXPECT_EQ(*ParseDuration("0"), 0s);
  EXPECT_EQ(*ParseDuration("0.25"), 250ms);
}

TEST(SimDurationTest, RejectsGarbageNegativeAndHuge) {
  for (const char* bad : {"", "s", "ms", "-1s", "1x", "1 s", "abc", "1e9h", "nan", "inf", "1s2"}) {
    auto d = ParseDuration(bad);
    ASSERT_FALSE(d) << bad;
    EXPECT_NE(d.error().find("bad duration"), std::string::npos) << d.error();
  }
}

TEST(SimDistributionTest, DefaultIsFixedZero) {
  std::mt19937_64 rng(1);
  Distribution d;
  EXPECT_EQ(d.kind(), Distribution::Kind::Fixed);
  EXPECT_EQ(d.Draw(rng), 0ns);
  EXPECT_EQ(d.ToString(), "fixed:0s");
}

TEST(SimDistributionTest, ParsesEveryForm) {
  EXPECT_EQ(Distribution::Parse("fixed:2s")->kind(), Distribution::Kind::Fixed);
  EXPECT_EQ(Distribution::Parse("uniform:100ms,3s")->kind(), Distribution::Kind::Uniform);
  EXPECT_EQ(Distribution::Parse("exp:500ms")->kind(), Distribution::Kind::Exponential);
  EXPECT_EQ(Distribution::Parse("exponential:1s")->kind(), Distribution::Kind::Exponential);
  EXPECT_EQ(Distribution::Parse("lognormal:2s,0.5")->kind(), Distribution::Kind::Lognormal);
  EXPECT_EQ(Distribution::Parse("750ms")->Mean(), 750ms);  // a bare duration is fixed
}

TEST(SimDistributionTest, ToStringRoundTrips) {
  for (const char* text : {"fixed:0s", "fixed:250ms", "uniform:100ms,3s", "exp:500ms",
                           "lognormal:2s,0.5", "fixed:1500us"}) {
    auto d = Distribution::Parse(text);
    ASSERT_TRUE(d) << text;
    EXPECT_EQ(d->ToString(), text);
  }
}

TEST(SimDistributionTest, ErrorsSayWhatIsExpected) {
  struct Case {
    const char* text;
    const char* expected;
  } cases[] = {
      {"exp:", "expected exp:MEAN"},
      {"fixed:x", "expected fixed:D"},
      {"uniform:1s", "expected uniform:MIN,MAX"},
      {"uniform:3s,1s", "MIN <= MAX"},
      {"uniform:1s,2s,3s", "expected uniform:MIN,MAX"},
      {"lognormal:2s", "expected lognormal:MEDIAN,SIGMA"},
      {"lognormal:2s,-1", "expected lognormal:MEDIAN,SIGMA"},
      {"gauss:1s", "expected fixed:D, uniform:MIN,MAX, exp:MEAN or lognormal:MEDIAN,SIGMA"},
      {"", "expected fixed:D"},
  };
  for (const Case& c : cases) {
    auto d = Distribution::Parse(c.text);
    ASSERT_FALSE(d) << c.text;
    EXPECT_NE(d.error().find(std::string("bad distribution '") + c.text + "'"),
              std::string::npos)
        << d.error();
    EXPECT_NE(d.error().find(c.expected), std::string::npos) << d.error();
  }
}

TEST(SimDistributionTest, SameSeedSameDraws) {
  for (const char* text : {"uniform:0s,1s", "exp:1s", "lognormal:1s,1"}) {
    auto d = *Distribution::Parse(text);
    std::mt19937_64 a(42), b(42), c(43);
    bool differs = false;
    for (int i = 0; i < 100; ++i) {
      const auto x = d.Draw(a);
      EXPECT_EQ(x, d.Draw(b)) << text;
      differs |= x != d.Draw(c);
    }
    EXPECT_TRUE(differs) << text << ": another seed should give other draws";
  }
}

TEST(SimDistributionTest, SampleMeansMatchTheMean) {
  constexpr int kDraws = 40000;
  for (const char* text : {"fixed:300ms", "uniform:100ms,3s", "exp:500ms", "lognormal:2s,0.5"}) {
    auto d = *Distribution::Parse(text);
    std::mt19937_64 rng(7);
    double sum = 0, lo = 1e18, hi = 0;
    for (int i = 0; i < kDraws; ++i) {
      const double s = std::chrono::duration<double>(d.Draw(rng)).count();
      sum += s;
      lo = std::min(lo, s);
      hi = std::max(hi, s);
    }
    const double mean = std::chrono::duration<double>(d.Mean()).count();
    EXPECT_NEAR(sum / kDraws, mean, 0.03 * mean) << text;
    EXPECT_GE(lo, 0) << text;
    if (d.kind() == Distribution::Kind::Uniform) {
      EXPECT_GE(lo, 0.1);
      EXPECT_LE(hi, 3.0);
    }
  }
  EXPECT_NEAR(std::chrono::duration<double>(Distribution::Parse("lognormal:2s,0.5")->Mean()).count(),
              2 * std::exp(0.125), 1e-6);
}

}  // namespace
}  // namespace dialsoak::sim
