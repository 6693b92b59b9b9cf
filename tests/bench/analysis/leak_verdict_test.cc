#include "dialsoak/analysis/leak_verdict.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <algorithm>
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

// A run of a few milliseconds (200 cycles against modemsim leaking a pipe every 5th dial)
// is sampled at its start and its end only: two quarters of four. Its count grew by 40 and
// stayed; with no sample between, steady growth and a step look alike, and "ok" (the step
// rule) was the verdict. It is inconclusive: the user is told to run longer.
TEST(LeakVerdictTest, GrowthSampledOnlyAtTheEndsIsInconclusiveNotOk) {
  std::vector<Sample> s;
  for (int c = 0; c < 4; ++c) s.push_back({c, 8});
  for (int c = 20; c < 30; ++c) s.push_back({c, 8 + c / 5});
  for (int c = 190; c <= 200; ++c) s.push_back({c, 8 + c / 5});
  const auto v = JudgeLeak(Input(Resource::Handles, s, 8, 48));
  EXPECT_EQ(v.verdict, Verdict::Inconclusive) << v.reason;
  EXPECT_NE(v.reason.find("quarters were sampled"), std::string::npos) << v.reason;
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

TEST(LeakVerdictTest, TooFewSamplesBackAtTheBaselineAreInsufficientData) {
  const auto two = Samples(2, [](int c) { return c; });
  EXPECT_EQ(JudgeLeak(Input(Resource::Handles, two, 0, 0)).verdict, Verdict::InsufficientData);
  const auto five = Samples(5, [](int c) { return c; });
  auto in = Input(Resource::Handles, five, 0, 0);
  in.warmup.skip_fraction = 0;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::InsufficientData) << v.reason;
  EXPECT_EQ(v.slope_per_cycle, 1);  // the slope is still reported
}

TEST(LeakVerdictTest, TooFewSamplesNotReturnedAreInconclusiveNeverOk) {
  // The fast run of 4 lines x 500 cycles (1 in 100 leaked) that took 0.09 s: one sample
  // after the warm-up, handles 16 -> 36 after the settle. It was "too few samples", exit 0.
  const std::vector<Sample> one = {{2000, 36}};
  const auto v = JudgeLeak(Input(Resource::Handles, one, 16, 36));
  EXPECT_EQ(v.verdict, Verdict::Inconclusive) << v.reason;
  EXPECT_EQ(VerdictName(v.verdict), "inconclusive");
  EXPECT_TRUE(v.reason.starts_with("inconclusive: +20 handles not returned after the settle"))
      << v.reason;
  EXPECT_NE(v.reason.find("too few samples to bound the slope"), std::string::npos) << v.reason;
  EXPECT_EQ(v.growth, 20);
  // Five samples bound nothing at 95% either: with the end above the baseline, inconclusive.
  const auto five = Samples(5, [](int c) { return c; });
  auto in = Input(Resource::Handles, five, 0, 5);
  in.warmup.skip_fraction = 0;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Inconclusive);
}

TEST(LeakVerdictTest, WarmupThatSkipsEverythingIsInsufficientDataOrInconclusive) {
  const auto s = Samples(100, [](int c) { return c; });
  auto in = Input(Resource::Handles, s, 0, 0);
  in.warmup.skip_cycles = 1000;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::InsufficientData);
  in.end = 100;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Inconclusive);
}

TEST(LeakVerdictTest, MemoryIsInconclusiveOnlyBeyondItsReturnTolerance) {
  const std::vector<Sample> two = {{10, 100 << 20}, {20, 101 << 20}};
  // 5 MiB more at the end: within the 8 MiB a young heap may grow, too few samples.
  auto in = Input(Resource::ResidentMemory, two, 100 << 20, 105 << 20);
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::InsufficientData);
  in.end = 109 << 20;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Inconclusive) << v.reason;
  EXPECT_NE(v.reason.find("+9.0 MiB of resident memory"), std::string::npos) << v.reason;
}

TEST(LeakVerdictTest, ACountStuckAtItsLimitIsExhaustedAndTheSlopeIsFittedBeforeThePlateau) {
  // ulimit -n 512, one eventfd leaked per dial: 12 -> 510 in the first ~500 of 1,500
  // cycles, then flat at the limit. Fitted whole, the flat two thirds pull Theil-Sen's
  // slope to 0, and the run was "ok".
  const auto s = Samples(1500, [](int c) { return std::min(12 + c, 510); });
  auto whole = Input(Resource::Handles, s, 12, 510);
  EXPECT_EQ(JudgeLeak(whole).verdict, Verdict::Ok) << "the plateau hides the leak without a limit";
  auto in = whole;
  in.limit = 512;
  in.limit_name = "soft RLIMIT_NOFILE";
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Exhausted) << v.reason;
  EXPECT_EQ(VerdictName(v.verdict), "exhausted");
  EXPECT_TRUE(v.reason.starts_with("exhausted: 510 of 512 descriptors (soft RLIMIT_NOFILE)"))
      << v.reason;
  EXPECT_EQ(v.peak, 510);
  // Fitted on the rise: one a cycle, up to the first sample within the margin (507).
  EXPECT_NEAR(v.slope_per_cycle, 1, 1e-9);
  EXPECT_GT(v.lower_per_cycle, 0);
  EXPECT_LT(v.warmup_cycles, 100) << "the warm-up is cut from the rise, not the whole run";
  ASSERT_TRUE(v.projection.has_value());
  EXPECT_EQ(v.projection->limit, 512);
  EXPECT_EQ(v.projection->cycles_to_limit, 0);
}

TEST(LeakVerdictTest, ExhaustionUsesTheLargestCountSeenNotOnlyTheEnd) {
  // Flat at 100 in the samples kept (thinned), back at the baseline at the end, but a
  // sample the series dropped saw 990 of 1000: within the margin of 10.
  const auto s = Samples(1000, [](int) { return 100; });
  auto in = Input(Resource::Handles, s, 100, 100);
  in.limit = 1000;
  in.peak = 989;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Ok) << "11 short of the limit: not within 1%";
  in.peak = 990;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Exhausted) << v.reason;
  EXPECT_TRUE(v.reason.starts_with("exhausted: 990 of 1000 descriptors")) << v.reason;
}

TEST(LeakVerdictTest, ExhaustionNeedsTheCountToRiseToTheLimit) {
  // A process that sat at its limit before the first dial did not run out during the run.
  const auto s = Samples(1000, [](int) { return 1020; });
  auto in = Input(Resource::Handles, s, 1020, 1020);
  in.limit = 1024;
  EXPECT_EQ(JudgeLeak(in).verdict, Verdict::Ok);
}

TEST(LeakVerdictTest, ThreadsAtTheirLimitAreExhausted) {
  const auto s = Samples(400, [](int c) { return 4 + c / 4; });  // 104 threads at the end
  auto in = Input(Resource::Threads, s, 4, 104);
  in.limit = 105;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Exhausted) << v.reason;
  EXPECT_TRUE(v.reason.starts_with("exhausted: 104 of 105 threads")) << v.reason;
}

TEST(LeakVerdictTest, EmfileSeenByTheProcessIsExhaustedWhateverTheCounts) {
  const auto s = Samples(1000, [](int) { return 30; });
  auto in = Input(Resource::Handles, s, 30, 30);
  in.limit = 1024;
  in.out_of_resource = LeakInput::OutOfResource{
      "cannot count handles of process 7: /proc/7/fd: Too many open files", 700};
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Exhausted) << v.reason;
  EXPECT_TRUE(v.reason.starts_with("exhausted: out of descriptors after 700 cycles: cannot "
                                   "count handles of process 7: /proc/7/fd: Too many open files"))
      << v.reason;
}

TEST(LeakVerdictTest, ExhaustionMarginIsTwoOrOnePercent) {
  EXPECT_EQ(ExhaustionMargin(100), 2);
  EXPECT_EQ(ExhaustionMargin(512), 5);
  EXPECT_EQ(ExhaustionMargin(20000), 200);
  EXPECT_TRUE(AtLimit(507, 512));
  EXPECT_FALSE(AtLimit(506, 512));
  EXPECT_TRUE(AtLimit(19998, 20000));  // a run stopped by SIGINT 2 short of the limit
  EXPECT_FALSE(AtLimit(5, 0));
}

TEST(LeakVerdictTest, OutOfDescriptorsIsEmfileNotEnfile) {
  EXPECT_TRUE(SaysOutOfDescriptors("open /dev/pts/3: Too many open files"));
  EXPECT_FALSE(SaysOutOfDescriptors("pipe2: Too many open files in system"));
  EXPECT_TRUE(SaysOutOfDescriptors("a: Too many open files in system; b: Too many open files"));
  EXPECT_FALSE(SaysOutOfDescriptors("NO CARRIER"));
  EXPECT_FALSE(SaysOutOfDescriptors(""));
}

TEST(LeakVerdictTest, ProjectionWhenAlreadyAtTheLimitIsZero) {
  const auto s = Samples(500, [](int c) { return c; });
  auto in = Input(Resource::Handles, s, 0, 500);
  in.limit = 400;
  const auto v = JudgeLeak(in);
  EXPECT_EQ(v.verdict, Verdict::Exhausted);
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
  EXPECT_EQ(VerdictName(Verdict::Inconclusive), "inconclusive");
  EXPECT_EQ(VerdictName(Verdict::Exhausted), "exhausted");
}

}  // namespace
}  // namespace dialsoak::analysis
