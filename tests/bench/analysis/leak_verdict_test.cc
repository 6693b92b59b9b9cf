#include "dialsoak/analysis/leak_verdict.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <vector>

namespace dialsoak::analysis {
namespace {

// One sample after every cycle 1..n.
std::vector<Sample> Samples(int n, const std::function<std::int64_t(int)>& count) {
  std::vector<Sample> s;
  for (int c = 1; c <= n; ++c) s.push_back({c, count(c)});
  return s;
}

LeakInput Input(Resource r, const std::vector<Sample>& s, std::int64_t baseline, std::int64_t end) {
  LeakInput in;
  in.resource = r;
  in.samples = s;
  in.baseline = baseline;
  in.end = end;
  return in;
}

TEST(LeakVerdictTest, SteadyHandleLeakIsALeakWithItsRateAndProjection) {
  // KB Q197517: one handle per dial, never closed.
  const auto s = Samples(2000, [](int c) { return 10 + c; });
  auto in = Input(Resource::Handles, s, 10, 2010);
  in.limit = 20000;
  in.cycles_per_second = 10;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Leak) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 1);
  EXPECT_EQ(v.slope_per_1000_cycles, 1000);
  EXPECT_EQ(v.lower_per_cycle, 1);
  EXPECT_EQ(v.upper_per_cycle, 1);
  EXPECT_EQ(v.intercept, 10);
  EXPECT_EQ(v.growth, 2000);
  EXPECT_EQ(v.warmup_cycles, 200);  // default: the first 10%
  EXPECT_GT(v.points_used, 1000u);
  ASSERT_TRUE(v.projection.has_value());
  EXPECT_EQ(v.projection->limit, 20000);
  EXPECT_DOUBLE_EQ(v.projection->cycles_to_limit, 17990);
  EXPECT_DOUBLE_EQ(v.projection->earliest_cycles_to_limit, 17990);
  ASSERT_TRUE(v.projection->seconds_to_limit.has_value());
  EXPECT_DOUBLE_EQ(*v.projection->seconds_to_limit, 1799);
  EXPECT_NE(v.reason.find("handles"), std::string::npos);
}

TEST(LeakVerdictTest, LeakOfOnePerHundredCyclesIsALeak) {
  const auto s = Samples(2000, [](int c) { return 30 + c / 100; });
  const auto v = JudgeLeak(Input(Resource::Handles, s, 30, 50));
  EXPECT_EQ(v.verdict, Verdict::Leak) << v.reason;
  EXPECT_NEAR(v.slope_per_1000_cycles, 10, 1);
  EXPECT_FALSE(v.projection.has_value());  // no limit given
}

TEST(LeakVerdictTest, FlatIsOk) {
  const auto s = Samples(1000, [](int) { return 12; });
  const auto v = JudgeLeak(Input(Resource::Threads, s, 12, 12));
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 0);
  EXPECT_EQ(v.resource, Resource::Threads);
}

TEST(LeakVerdictTest, EndBackAtBaselineIsOkEvenWithAPositiveSlope) {
  // Grows while cycles run (e.g. a cache bounded by the run), all freed at the end.
  const auto s = Samples(1000, [](int c) { return 10 + c / 10; });
  auto in = Input(Resource::Handles, s, 10, 10);
  in.limit = 1024;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_GT(v.lower_per_cycle, 0);
  EXPECT_FALSE(v.projection.has_value());
  EXPECT_NE(v.reason.find("returned to the baseline"), std::string::npos);
}

TEST(LeakVerdictTest, ReturnToleranceCountsAsBackAtBaseline) {
  const auto s = Samples(1000, [](int c) { return 10 + c; });
  auto in = Input(Resource::Handles, s, 10, 12);
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Leak);
  in.thresholds.return_tolerance = 2;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Ok);
}

TEST(LeakVerdictTest, WarmupStepCoveredByTheSkipIsOk) {
  // A thread pool grows by 5 in the first 20 cycles, then stays.
  const auto s = Samples(1000, [](int c) { return c < 20 ? 3 + c / 4 : 8; });
  auto in = Input(Resource::Threads, s, 3, 8);
  in.warmup = {.skip_cycles = 50, .skip_fraction = 0};
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_EQ(v.warmup_cycles, 50);
  EXPECT_EQ(v.slope_per_cycle, 0);
  EXPECT_EQ(v.growth, 5);
}

TEST(LeakVerdictTest, StepAfterWarmupThatStaysIsOkNotALeak) {
  // One more descriptor from cycle 400 on (a log file opened late) is growth, not a trend:
  // the verdict is ok, and growth reports the +1 for the reader.
  const auto s = Samples(1000, [](int c) { return c < 400 ? 20 : 21; });
  const auto v = JudgeLeak(Input(Resource::Handles, s, 20, 21));
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 0);
  EXPECT_EQ(v.growth, 1);
}

TEST(LeakVerdictTest, StepAfterWarmupThatReturnsIsOk) {
  // Transient descriptors between cycles 300 and 700, all closed by the end.
  const auto s = Samples(1000, [](int c) { return c >= 300 && c < 700 ? 25 : 20; });
  const auto v = JudgeLeak(Input(Resource::Handles, s, 20, 20));
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_EQ(v.growth, 0);
}

// Found by bench/leak_detector.sh: a process with bursts of descriptors coming and going
// that opens a pool of 16 once, mid-run, and keeps it. The bursts make the pairs around
// the step pull Theil-Sen's slope above 0 with a positive lower bound; the end stays 16
// above the baseline. One step is not a leak: the span medians rise once, not steadily.
TEST(LeakVerdictTest, BurstsAroundAStepThatStaysAreNotALeak) {
  int leaks = 0;
  for (unsigned seed = 1; seed <= 30; ++seed) {
    std::mt19937 rng(seed);
    const int step_at = 300 + static_cast<int>(rng() % 1500);
    const auto s = Samples(2000, [&](int c) {
      const bool in_burst = rng() % 100 < 35;
      return 5 + (c >= step_at ? 16 : 0) + (in_burst ? static_cast<int>(rng() % 40) : 0);
    });
    const auto v = JudgeLeak(Input(Resource::Handles, s, 5, 21));
    if (v.verdict == Verdict::Leak) ++leaks;
    if (v.lower_per_cycle > 0) {
      EXPECT_NE(v.reason.find("grew in a step, not steadily"), std::string::npos) << v.reason;
    }
  }
  EXPECT_EQ(leaks, 0);
}

TEST(LeakVerdictTest, SpanMediansCountTheSteps) {
  const auto steady = Samples(2000, [](int c) { return c / 100; });
  EXPECT_EQ(SteadyRises(steady, 200).rises, 3);
  ASSERT_EQ(SteadyRises(steady, 200).medians.size(), 4u);
  const auto step = Samples(2000, [](int c) { return c < 1000 ? 5 : 21; });
  EXPECT_EQ(SteadyRises(step, 200).rises, 1);
  const auto flat = Samples(2000, [](int) { return 7; });
  EXPECT_EQ(SteadyRises(flat, 200).rises, 0);
  // One leak per 1,000 cycles: over 2,500 cycles two steps, a rise in two spans only,
  // not yet a leak; over 6,000 every span rises.
  const auto slow = Samples(2500, [](int c) { return 10 + c / 1000; });
  EXPECT_EQ(SteadyRises(slow, 250).rises, 2);
  EXPECT_EQ(JudgeLeak(Input(Resource::Handles, slow, 10, 12)).verdict, Verdict::Ok);
  const auto longer = Samples(6000, [](int c) { return 10 + c / 1000; });
  EXPECT_EQ(SteadyRises(longer, 600).rises, 3);
  EXPECT_EQ(JudgeLeak(Input(Resource::Handles, longer, 10, 16)).verdict, Verdict::Leak);
  EXPECT_TRUE(SteadyRises({}, 0).medians.empty());
}

TEST(LeakVerdictTest, NoisyFlatIsNeverALeakOverSeeds) {
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    std::uniform_int_distribution<int> noise(-3, 3);
    const auto s = Samples(2000, [&](int) { return 40 + noise(rng); });
    const auto v = JudgeLeak(Input(Resource::Handles, s, 40, 43));
    EXPECT_EQ(v.verdict, Verdict::Ok) << "seed " << seed << ": " << v.reason;
  }
}

TEST(LeakVerdictTest, NoisyLeakOfOnePerHundredIsALeak) {
  std::mt19937 rng(21);
  std::uniform_int_distribution<int> noise(-3, 3);
  const auto s = Samples(2000, [&](int c) { return 40 + c / 100 + noise(rng); });
  const auto v = JudgeLeak(Input(Resource::Handles, s, 40, 60));
  EXPECT_EQ(v.verdict, Verdict::Leak) << v.reason;
}

TEST(LeakVerdictTest, MemoryGrowthBelowTheByteThresholdIsOk) {
  // 16 bytes a cycle: allocator noise, below the default 64 bytes/cycle.
  const auto s = Samples(1000, [](int c) { return 8'000'000 + 16 * c; });
  const auto v = JudgeLeak(Input(Resource::ResidentMemory, s, 8'000'000, 8'016'000));
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_EQ(v.threshold_per_cycle, 64);
  EXPECT_EQ(v.slope_per_cycle, 16);
}

TEST(LeakVerdictTest, MemoryGrowthAboveTheByteThresholdIsALeak) {
  const auto s = Samples(3000, [](int c) { return 8'000'000 + 4096 * c; });
  const auto v = JudgeLeak(Input(Resource::ResidentMemory, s, 8'000'000, 8'000'000 + 4096 * 3000));
  EXPECT_EQ(v.verdict, Verdict::Leak) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 4096);
}

TEST(LeakVerdictTest, MemoryGrowthWithinTheMemoryToleranceIsAYoungHeapNotALeak) {
  // 4 KiB per cycle over 1000 cycles: 4 MB, under the 8 MiB a young heap may grow by.
  const auto s = Samples(1000, [](int c) { return 8'000'000 + 4096 * c; });
  const auto v = JudgeLeak(Input(Resource::ResidentMemory, s, 8'000'000, 8'000'000 + 4096 * 1000));
  EXPECT_EQ(v.verdict, Verdict::Ok) << v.reason;
  EXPECT_NE(v.reason.find("within 8388608"), std::string::npos) << v.reason;
  auto strict = Input(Resource::ResidentMemory, s, 8'000'000, 8'000'000 + 4096 * 1000);
  strict.thresholds.memory_return_tolerance_bytes = 0;
  EXPECT_EQ(JudgeLeak(strict).verdict, Verdict::Leak);
}

TEST(LeakVerdictTest, TooFewSamplesAreInsufficientData) {
  const auto two = Samples(2, [](int c) { return c; });
  EXPECT_EQ(JudgeLeak(Input(Resource::Handles, two, 0, 2)).verdict, Verdict::InsufficientData);
  const auto five = Samples(5, [](int c) { return c; });
  auto in = Input(Resource::Handles, five, 0, 5);
  in.warmup.skip_fraction = 0;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::InsufficientData) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 1);  // the slope is still reported
}

TEST(LeakVerdictTest, WarmupThatSkipsEverythingIsInsufficientData) {
  const auto s = Samples(100, [](int c) { return c; });
  auto in = Input(Resource::Handles, s, 0, 100);
  in.warmup.skip_cycles = 1000;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::InsufficientData);
}

TEST(LeakVerdictTest, ProjectionWhenAlreadyAtTheLimitIsZero) {
  const auto s = Samples(500, [](int c) { return c; });
  auto in = Input(Resource::Handles, s, 0, 500);
  in.limit = 400;
  const auto v = JudgeLeak(in);
  ASSERT_TRUE(v.projection.has_value());
  EXPECT_EQ(v.projection->cycles_to_limit, 0);
  EXPECT_FALSE(v.projection->seconds_to_limit.has_value());
}

TEST(LeakVerdictTest, BadWarmupThrows) {
  const auto s = Samples(10, [](int c) { return c; });
  auto in = Input(Resource::Handles, s, 0, 10);
  in.warmup.skip_fraction = 1.5;
  EXPECT_THROW(JudgeLeak(in), std::invalid_argument);
}

TEST(LeakVerdictTest, Names) {
  EXPECT_EQ(ResourceName(Resource::Handles), "handles");
  EXPECT_EQ(ResourceName(Resource::ResidentMemory), "resident_memory");
  EXPECT_EQ(VerdictName(Verdict::Leak), "leak");
  EXPECT_EQ(VerdictName(Verdict::InsufficientData), "insufficient_data");
}

}  // namespace
}  // namespace dialsoak::analysis
