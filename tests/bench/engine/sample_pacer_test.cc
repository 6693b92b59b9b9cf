#include "dialsoak/engine/sample_pacer.h"

#include <gtest/gtest.h>

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;

const Clock::time_point kT0 = Clock::time_point(1h);

TEST(SamplePacerTest, ACycleTargetIsSampledAboutTwoHundredTimes) {
  SamplePacer p(SamplePacing{2000, std::nullopt});
  EXPECT_EQ(p.step(), 10);
  p.Sampled(kT0, 0, 10us, kT0);  // the baseline
  EXPECT_EQ(p.next_mark(), 10);
  EXPECT_FALSE(p.Due(9, kT0 + 1s));
  EXPECT_TRUE(p.Due(10, kT0 + 1s));
  p.Sampled(kT0 + 1ms, 13, 10us, kT0 + 1s);  // late: the marks stay on the grid
  EXPECT_EQ(p.next_mark(), 20);
  EXPECT_EQ(SamplePacer(SamplePacing{64 * 20000, std::nullopt}).step(), 6400);
  EXPECT_EQ(SamplePacer(SamplePacing{150, std::nullopt}).step(), 1);
}

TEST(SamplePacerTest, WithoutATargetTheStepFollowsTheCycleRate) {
  SamplePacer p(SamplePacing{std::nullopt, std::nullopt});
  p.Sampled(kT0, 0, 10us, kT0);
  EXPECT_EQ(p.step(), 1) << "every cycle until the rate is known";
  p.Progress(kT0 + 100ms, 1000);  // 10,000 cycles/s: 5 samples a second
  ASSERT_TRUE(p.cycles_per_second().has_value());
  EXPECT_DOUBLE_EQ(*p.cycles_per_second(), 10000);
  EXPECT_EQ(p.step(), 2000);
  // A known duration of 10 s asks for at least 200 samples: 20 a second.
  SamplePacer d(SamplePacing{std::nullopt, 10s});
  d.Sampled(kT0, 0, 10us, kT0);
  d.Progress(kT0 + 100ms, 1000);
  EXPECT_EQ(d.step(), 500);
  // A slow run samples every cycle.
  SamplePacer slow(SamplePacing{std::nullopt, std::nullopt});
  slow.Sampled(kT0, 0, 10us, kT0);
  slow.Progress(kT0 + 10s, 2);
  EXPECT_EQ(slow.step(), 1);
}

TEST(SamplePacerTest, WithATargetAndADurationTheSmallerStepWins) {
  SamplePacer p(SamplePacing{1'000'000'000, 10s});  // the duration ends it first
  p.Sampled(kT0, 0, 10us, kT0);
  p.Progress(kT0 + 100ms, 1000);
  EXPECT_EQ(p.step(), 500);
}

TEST(SamplePacerTest, TheBudgetSpacesSamplesByTheirCost) {
  SamplePacer p(SamplePacing{2000, std::nullopt, 0.02});
  p.Sampled(kT0, 0, 10us, kT0);  // 10 us at 2%: one every 500 us at most
  EXPECT_EQ(p.cost(), 10us);
  EXPECT_EQ(p.not_before(), kT0 + 500us);
  EXPECT_FALSE(p.Due(10, kT0 + 499us));
  EXPECT_TRUE(p.Due(10, kT0 + 500us));
  p.Sampled(kT0 + 1ms, 10, 20us, kT0 + 1ms);  // of 10 and 20 us, the upper median
  EXPECT_EQ(p.cost(), 20us);
  EXPECT_EQ(p.not_before(), kT0 + 1ms + 1000us);
  EXPECT_EQ(p.samples(), 2);
  EXPECT_EQ(p.total_cost(), 30us);
}

TEST(SamplePacerTest, OneSampleStretchedByTheSchedulerDoesNotStallTheRest) {
  SamplePacer p(SamplePacing{2000, std::nullopt, 0.02});
  p.Sampled(kT0, 0, 10us, kT0);
  p.Sampled(kT0, 10, 10us, kT0);
  p.Sampled(kT0, 20, 5ms, kT0);  // preempted while sampling
  EXPECT_EQ(p.cost(), 10us);
  EXPECT_EQ(p.not_before(), kT0 + 500us);
}

}  // namespace
}  // namespace dialsoak::engine
