#include "dialsoak/analysis/capacity_sweep.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "dialsoak/analysis/capacity_answers.h"
#include "dialsoak/analysis/erlang_b.h"

namespace dialsoak::analysis {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

const Clock::time_point kStart = Clock::time_point(Clock::duration(5h));

SweepOptions Options(std::vector<double> loads) {
  SweepOptions o;
  o.ports = 10;
  o.loads = std::move(loads);
  o.mean_hold = 100ms;
  return o;
}

TEST(PlanSweepTest, DefaultLoadsAreErlangBsLoadsForTheDefaultBlockingRatios) {
  const std::vector<double> loads = DefaultLoads(24);
  ASSERT_EQ(loads.size(), std::size(kDefaultSweepBlocking));
  for (std::size_t i = 0; i < loads.size(); ++i) {
    EXPECT_NEAR(ErlangB(loads[i], 24), kDefaultSweepBlocking[i], 1e-9) << i;
  }
  EXPECT_NEAR(loads[2], 15.3, 0.05);  // the table: 24 ports at 1%
}

TEST(PlanSweepTest, StepsAscendBackToBackAtLoadOverHold) {
  const auto plan = PlanSweep(Options({6.0, 2.0, 4.0}));
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_DOUBLE_EQ(plan[0].erlangs, 2.0);
  EXPECT_DOUBLE_EQ(plan[0].rate, 20.0);  // 2 E held 0.1 s: 20 calls/s
  EXPECT_DOUBLE_EQ(plan[2].rate, 60.0);
  EXPECT_EQ(plan[0].start, 0ns);
  EXPECT_EQ(plan[0].warmup, 500ms);  // 5 mean holds
  for (std::size_t i = 1; i < plan.size(); ++i) EXPECT_EQ(plan[i].start, plan[i - 1].end());
  for (const StepPlan& s : plan) EXPECT_DOUBLE_EQ(s.expected_blocking, ErlangB(s.erlangs, 10));
}

TEST(PlanSweepTest, WindowHoldsTheCallsForTheAskedPrecision) {
  SweepOptions o = Options({4.46});  // 1% for 10 ports
  o.precision = 0.5;  // +-0.5 point: above the floor
  const StepPlan s = PlanSweep(o)[0];
  // The batch-means interval's calls: 30 batches, and the bursts Erlang's model expects.
  EXPECT_EQ(s.batches, kMaxBatches);
  EXPECT_DOUBLE_EQ(s.design_effect, BlockingDesignEffect(4.46, 10));
  EXPECT_GT(s.design_effect, 1.5);
  const std::int64_t want = CallsForBatchInterval(s.expected_blocking, 0.5 * s.expected_blocking,
                                                  0.95, kMaxBatches, s.design_effect);
  EXPECT_NEAR(static_cast<double>(s.planned_calls), static_cast<double>(want), 1.0);
  EXPECT_NEAR(std::chrono::duration<double>(s.window).count(), static_cast<double>(want) / s.rate, 1e-6);
  EXPECT_GT(s.planned_calls,
            CallsForIntervalWidth(s.expected_blocking, 0.5 * s.expected_blocking, 0.95) * 2)
      << "independent calls' (Wilson's) count is far too few";
  EXPECT_FALSE(s.window_capped);
  // A lightly loaded step: the half-width's floor rules (a quarter point by default).
  const StepPlan light = PlanSweep(Options({0.5}))[0];
  EXPECT_NEAR(static_cast<double>(light.planned_calls),
              static_cast<double>(CallsForBatchInterval(light.expected_blocking, 0.0025, 0.95,
                                                        kMaxBatches, light.design_effect)),
              1.0);
  // Then the shortest window: 30 batches of 5 mean holds (15 s of 100 ms holds).
  o.min_half_width = 0.1;
  EXPECT_EQ(PlanSweep(o)[0].window, 15s);
  EXPECT_EQ(PlanSweep(o)[0].planned_calls, std::llround(s.rate * 15));
  o.min_calls = 1000;  // or the fewest calls
  EXPECT_EQ(PlanSweep(o)[0].planned_calls, 1000);
}

TEST(PlanSweepTest, FixedCallsFixedWindowAndTheCap) {
  SweepOptions o = Options({2.0});
  o.step_calls = 1000;
  EXPECT_EQ(PlanSweep(o)[0].window, 50s);  // 1000 calls at 20 calls/s
  o.max_window = 10s;
  EXPECT_EQ(PlanSweep(o)[0].window, 10s);
  EXPECT_TRUE(PlanSweep(o)[0].window_capped);
  EXPECT_EQ(PlanSweep(o)[0].planned_calls, 200);
  o.step_window = 3s;
  EXPECT_EQ(PlanSweep(o)[0].window, 3s);
  EXPECT_EQ(PlanSweep(o)[0].planned_calls, 60);
  o.warmup = 0s;
  EXPECT_EQ(PlanSweep(o)[0].warmup, 0s);
  // A fixed window: a batch per 5 mean holds (0.5 s), at least 10 of them, at most 30.
  EXPECT_EQ(PlanSweep(o)[0].batches, kMinBatches);
  o.step_window = 12s;
  EXPECT_EQ(PlanSweep(o)[0].batches, 24);
  o.step_window = 1h;
  EXPECT_EQ(PlanSweep(o)[0].batches, kMaxBatches);
}

TEST(PlanSweepTest, BadOptionsThrowNamingTheOption) {
  auto message = [](SweepOptions o) -> std::string {
    try {
      PlanSweep(o);
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "nothing thrown";
  };
  SweepOptions o = Options({1.0});
  o.ports = 0;
  EXPECT_THAT(message(o), HasSubstr("ports: expected 1 to"));
  o = Options({-1.0});
  EXPECT_THAT(message(o), HasSubstr("loads: expected Erlangs > 0, got -1"));
  o = Options({1.0});
  o.mean_hold = 0ns;
  EXPECT_THAT(message(o), HasSubstr("mean hold"));
  o = Options({1.0});
  o.confidence = 1;
  EXPECT_THAT(message(o), HasSubstr("confidence"));
  o = Options({1.0});
  o.precision = 0;
  EXPECT_THAT(message(o), HasSubstr("precision"));
}

// Feeds a sweep the records of a run by hand.
struct Feed {
  explicit Feed(std::vector<StepPlan> plan) : sweep(std::move(plan), 10, 0.95, 100ms) {
    RunInfo info;
    info.start = kStart;
    sweep.OnRunStart(info);
  }
  // A call arriving at `offset`, dialed 2 ms later, connected 10 ms after that, held `held`
  // and hung up in 3 ms (port time 2 + 10 + held + 3 ms from the dial's start... minus the
  // 2 ms before it: 10 + held + 3 ms).
  void Call(std::chrono::nanoseconds offset, CallResult result,
            std::chrono::nanoseconds held = 85ms, std::chrono::nanoseconds dial = 12ms) {
    CycleRecord c;
    c.due = kStart + offset;
    c.result = result;
    c.start_lag = 2ms;
    c.dial_latency = dial;
    if (result == CallResult::Connect) {
      c.held = held;
      c.hung_up = true;
      c.hangup_latency = 3ms;
    }
    sweep.OnCycle(c);
  }
  CapacitySweep sweep;
};

class Sink final : public RunObserver {
 public:
  void OnCapacityStep(const CapacityStep& s) override { steps.push_back(s); }
  std::vector<CapacityStep> steps;
};

TEST(CapacitySweepTest, CountsOnlyTheWindowAndMeasuresTheFarEndsLoad) {
  SweepOptions o = Options({2.0, 4.0});
  o.step_window = 10s;
  o.warmup = 1s;
  const auto plan = PlanSweep(o);  // step 0: [0, 1s) warm-up, [1s, 11s) window; step 1 from 11s
  Feed f(plan);
  f.Call(500ms, CallResult::Connect);  // warm-up: not counted
  for (int i = 0; i < 100; ++i) f.Call(1s + i * 100ms, CallResult::Connect);  // 100 in 10 s
  for (int i = 0; i < 5; ++i) f.Call(2s + i * 1ms, CallResult::Busy);
  f.Call(3s, CallResult::NoCarrier);
  f.sweep.OnDropped(DroppedCall{7, kStart + 4s});
  f.sweep.OnDropped(DroppedCall{8, kStart + 800ms});  // warm-up
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 23s, 0, "", 0});
  const std::vector<CapacityStep> steps = f.sweep.Steps();
  ASSERT_EQ(steps.size(), 2u);
  const CapacityStep& s = steps[0];
  EXPECT_TRUE(s.complete);
  EXPECT_EQ(s.dialed, 106);
  EXPECT_EQ(s.connected, 100);
  EXPECT_EQ(s.blocked, 5);
  EXPECT_EQ(s.failed, 1);
  EXPECT_EQ(s.dropped_at_origin, 1);
  EXPECT_DOUBLE_EQ(s.measured_seconds, 10);
  EXPECT_NEAR(s.mean_occupancy_seconds, 0.098, 1e-9);  // 10 + 85 + 3 ms
  // Offered: the plan's 20 calls/s less the one dropped at origin of 107, x 98 ms; the
  // realized load: 106 dialed in 10 s x 98 ms.
  EXPECT_NEAR(s.offered_erlangs, 20.0 * 106 / 107 * 0.098, 1e-9);
  EXPECT_NEAR(s.realized_erlangs, 10.6 * 0.098, 1e-9);
  EXPECT_NEAR(s.carried_erlangs, 100 * 0.098 / 10, 1e-9);
  // The window's 20 batches of 0.5 s: 5 connected calls each, the 5 BUSYs in the third,
  // the NO CARRIER in the fifth.
  std::vector<BlockingBatch> batches(20, BlockingBatch{5, 0});
  batches[2] = {10, 5};
  batches[4] = {6, 0};
  const BlockingInterval b =
      BatchMeansInterval(batches, 0.95, BlockingDesignEffect(s.offered_erlangs, 10));
  EXPECT_EQ(s.batches, 20);
  EXPECT_DOUBLE_EQ(s.blocking, b.estimate);
  EXPECT_DOUBLE_EQ(s.blocking_lower, b.lower);
  EXPECT_DOUBLE_EQ(s.blocking_upper, b.upper);
  EXPECT_DOUBLE_EQ(s.design_effect, b.design_effect);
  // Five BUSYs in a row are one burst: too few to measure burstiness by, so it is mostly
  // what Erlang's model expects at this light load (next to nothing).
  EXPECT_NEAR(s.design_effect, BlockingDesignEffect(s.offered_erlangs, 10), 1e-6);
  const ProportionInterval w = WilsonInterval(5, 106, 0.95);
  EXPECT_DOUBLE_EQ(s.wilson_lower, w.lower);
  EXPECT_DOUBLE_EQ(s.wilson_upper, w.upper);
  EXPECT_GT(s.blocking_upper - s.blocking_lower, w.upper - w.lower);
  EXPECT_DOUBLE_EQ(s.erlang_b, ErlangB(s.offered_erlangs, 10));
  EXPECT_EQ(s.agrees, s.erlang_b >= b.lower && s.erlang_b <= b.upper);
  EXPECT_DOUBLE_EQ(*s.dial_p50_seconds, 0.012);  // connected calls only
  EXPECT_TRUE(steps[1].complete);  // the run went past its window: complete, and empty
  EXPECT_EQ(steps[1].dialed, 0);
  EXPECT_FALSE(steps[1].agrees) << "nothing measured agrees with nothing";
  EXPECT_EQ(steps[1].index, 1);
  EXPECT_EQ(steps[1].steps, 2);
}

TEST(CapacitySweepTest, TheFarEndsOwnPortTimeWinsOverTheDialersView) {
  SweepOptions o = Options({2.0});
  o.step_window = 10s;
  o.warmup = 1s;
  Feed f(PlanSweep(o));
  for (int i = 0; i < 100; ++i) f.Call(1s + i * 100ms, CallResult::Connect);  // 98 ms each
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 12s, 0, "", 0});
  EXPECT_FALSE(f.sweep.Steps()[0].occupancy_from_far_end);
  // The far end saw the same calls hold its ports 90 ms each, a blocked one none, and one
  // arriving in the warm-up, which does not count.
  for (int i = 0; i < 100; ++i) f.sweep.AddFarEndCall(kStart + 1s + i * 100ms + 3ms, 90ms);
  f.sweep.AddFarEndCall(kStart + 2s, 0ns);
  f.sweep.AddFarEndCall(kStart + 500ms, 90ms);
  const CapacityStep s = f.sweep.Steps()[0];
  EXPECT_TRUE(s.occupancy_from_far_end);
  EXPECT_NEAR(s.mean_occupancy_seconds, 0.090, 1e-9);
  EXPECT_NEAR(s.offered_erlangs, 20 * 0.090, 1e-9);  // the plan's rate
  EXPECT_NEAR(s.realized_erlangs, 100 / 10.0 * 0.090, 1e-9);
  EXPECT_NEAR(s.carried_erlangs, 100 * 0.090 / 10, 1e-9);
}

TEST(CapacitySweepTest, TheOfferedLoadTakesTheHoldsMeanNotTheWindowsSample) {
  SweepOptions o = Options({2.0});  // 20 calls/s held 100 ms on average
  o.step_window = 10s;
  o.warmup = 0s;
  Feed f(PlanSweep(o));
  // The window drew short holds: 80 ms each (a sample mean below the distribution's 100
  // ms), and each call held the far end's port 6 ms beyond its hold (set-up, clearing).
  for (int i = 0; i < 100; ++i) {
    CycleRecord c;
    c.due = kStart + i * 100ms;
    c.result = CallResult::Connect;
    c.hold = 80ms;
    c.held = 81ms;
    c.dial_latency = 3ms;
    c.hangup_latency = 2ms;
    f.sweep.OnCycle(c);
    f.sweep.AddFarEndCall(kStart + i * 100ms + 1ms, 86ms);
  }
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 10s, 0, "", 0});
  const CapacityStep s = f.sweep.Steps()[0];
  EXPECT_NEAR(s.mean_occupancy_seconds, 0.100 + 0.006, 1e-9);
  EXPECT_NEAR(s.offered_erlangs, 20 * 0.106, 1e-9);
  EXPECT_NEAR(s.realized_erlangs, 10 * 0.086, 1e-9) << "what the window's own calls made";
  EXPECT_NEAR(s.carried_erlangs, 100 * 0.086 / 10, 1e-9);
}

TEST(CapacitySweepTest, AScheduleNotKeptIsSaidSo) {
  SweepOptions o = Options({2.0});
  o.step_window = 10s;
  o.warmup = 0s;
  Feed f(PlanSweep(o));
  for (int i = 0; i < 100; ++i) f.Call(i * 100ms, CallResult::Connect);  // 2 ms late each
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 10s, 0, "", 0});
  EXPECT_TRUE(f.sweep.Steps()[0].schedule_kept);
  EXPECT_DOUBLE_EQ(*f.sweep.Steps()[0].start_lag_p99_seconds, 0.002);
  // Two of a hundred dials began 150 ms late, more than the 100 ms mean hold: the p99 is.
  for (int i = 0; i < 2; ++i) {
    CycleRecord c;
    c.due = kStart + 5s + i * 1ms;
    c.result = CallResult::Busy;
    c.start_lag = 150ms;
    c.dial_latency = 151ms;
    f.sweep.OnCycle(c);
  }
  EXPECT_FALSE(f.sweep.Steps()[0].schedule_kept);
  EXPECT_NEAR(*f.sweep.Steps()[0].start_lag_p99_seconds, 0.150, 0.150 * 5e-4);  // a histogram's
}

TEST(CapacitySweepTest, CallsDroppedAtOriginMeanTheScheduleWasNotKept) {
  SweepOptions o = Options({2.0});
  o.step_window = 10s;
  o.warmup = 0s;
  Feed f(PlanSweep(o));
  for (int i = 0; i < 200; ++i) f.Call(i * 50ms, CallResult::Connect);
  f.sweep.OnDropped(DroppedCall{1, kStart + 1s});
  f.sweep.OnDropped(DroppedCall{2, kStart + 2s});
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 10s, 0, "", 0});
  EXPECT_TRUE(f.sweep.Steps()[0].schedule_kept) << "2 of 202: 1% at most";
  f.sweep.OnDropped(DroppedCall{3, kStart + 3s});
  EXPECT_FALSE(f.sweep.Steps()[0].schedule_kept) << "3 of 203: every line was busy too often";
}

TEST(CapacitySweepTest, AgreesWhenTheMeasuredBlockingIsErlangBsAndNotOtherwise) {
  SweepOptions o = Options({1.0});
  o.step_window = 100s;
  o.warmup = 0s;
  Feed f(PlanSweep(o));
  // 1000 calls in 100 s held 98 ms: 0.98 E offered to 10 ports; B is about 1e-10, so one
  // blocked call in a thousand is far above it, and none is not.
  for (int i = 0; i < 1000; ++i) f.Call(i * 100ms, CallResult::Connect);
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 100s, 0, "", 0});
  EXPECT_TRUE(f.sweep.Steps()[0].agrees);
  f.Call(50s + 1ms, CallResult::Busy);
  f.Call(50s + 2ms, CallResult::Busy);
  f.Call(50s + 3ms, CallResult::Busy);
  EXPECT_FALSE(f.sweep.Steps()[0].agrees);
}

TEST(CapacitySweepTest, ForwardsTheRunningStepAndEachStepOnceComplete) {
  SweepOptions o = Options({2.0, 4.0});
  o.step_window = 10s;
  o.warmup = 1s;
  Feed f(PlanSweep(o));
  Sink sink;
  f.sweep.Forward(sink);
  for (int t = 0; t <= 22; ++t) {  // step 1's window ends at 22 s, its settling at 23 s
    if (t >= 1 && t < 11) f.Call(std::chrono::seconds(t), CallResult::Connect);
    f.sweep.OnTick(kStart + std::chrono::seconds(t), 0);
  }
  int live0 = 0, complete0 = 0, live1 = 0;
  for (const CapacityStep& s : sink.steps) {
    if (s.index == 0) (s.complete ? complete0 : live0)++;
    if (s.index == 1 && !s.complete) ++live1;
  }
  EXPECT_GE(live0, 5);
  EXPECT_EQ(complete0, 1) << "once, a settling time after its window";
  EXPECT_GE(live1, 5);
  const auto before_end = sink.steps.size();
  f.sweep.OnRunEnd(RunEnd{StopReason::Completed, 23s, 0, "", 0});
  ASSERT_EQ(sink.steps.size(), before_end + 1) << "the last step, at the run's end";
  EXPECT_EQ(sink.steps.back().index, 1);
  EXPECT_TRUE(sink.steps.back().complete);
}

TEST(CapacitySweepTest, AStoppedRunLeavesTheRestIncomplete) {
  SweepOptions o = Options({2.0, 4.0});
  o.step_window = 10s;
  o.warmup = 1s;
  Feed f(PlanSweep(o));
  f.Call(2s, CallResult::Connect);
  f.sweep.OnRunEnd(RunEnd{StopReason::Interrupted, 6s, 0, "", 0});
  const auto steps = f.sweep.Steps();
  EXPECT_FALSE(steps[0].complete);
  EXPECT_DOUBLE_EQ(steps[0].measured_seconds, 5);
  EXPECT_EQ(steps[0].dialed, 1);
  EXPECT_DOUBLE_EQ(steps[1].measured_seconds, 0);
}

CapacityStep Step(int index, double offered, double blocking, double p99, std::int64_t dialed = 1000) {
  CapacityStep s;
  s.index = index;
  s.complete = true;
  s.dialed = dialed;
  s.measured_seconds = 10;
  s.offered_erlangs = offered;
  s.blocking = blocking;
  s.dial_p99_seconds = p99;
  s.agrees = index != 1;
  return s;
}

TEST(CapacityAnswersTest, FortyPortsCarry29ErlangsAtOnePercentAnd29ErlangsNeedForty) {
  // The standard Erlang B table: 40 ports at 1% blocking carry 29.0 E.
  const CapacityAnswers a = AnswerCapacity({}, 40, 0.01, 29.0, std::nullopt);
  EXPECT_NEAR(a.load_at_target, 29.0, 0.05);
  EXPECT_TRUE(a.plan_load_given);
  EXPECT_EQ(a.ports_for_plan_load, 40);
  EXPECT_EQ(AnswerCapacity({}, 40, 0.01, 29.1, std::nullopt).ports_for_plan_load, 41);
}

TEST(CapacityAnswersTest, MeasuredCrossingIsBetweenTheStepsAroundTheTarget) {
  const std::vector<CapacityStep> steps = {Step(0, 10, 0.002, 0.1), Step(1, 12, 0.006, 0.2),
                                           Step(2, 14, 0.014, 0.5), Step(3, 16, 0.03, 0.9)};
  const CapacityAnswers a = AnswerCapacity(steps, 24, 0.01, std::nullopt, 0.3);
  ASSERT_TRUE(a.measured_load_at_target);
  EXPECT_NEAR(*a.measured_load_at_target, 13.0, 1e-9);  // halfway from 0.6% to 1.4%
  EXPECT_EQ(a.crossing_after_step, 1);
  EXPECT_EQ(a.steps_complete, 4);
  EXPECT_EQ(a.steps_agreeing, 3);
  EXPECT_FALSE(a.plan_load_given);
  EXPECT_DOUBLE_EQ(a.plan_load, 16);  // the highest load measured
  EXPECT_EQ(a.ports_for_plan_load, PortsForBlocking(16, 0.01));
  // Setup p99 0.1, 0.2 s within 0.3 s; 0.5 s at step 2 is the first breach.
  EXPECT_EQ(a.max_sustained_step, 1);
  EXPECT_DOUBLE_EQ(*a.max_sustained_rate, 100);  // 1000 dialed in 10 s
  EXPECT_EQ(a.first_breach_step, 2);
}

TEST(CapacityAnswersTest, ChanceOfDisagreementsIsTheBinomialTail) {
  EXPECT_DOUBLE_EQ(ChanceOfDisagreements(0, 7, 0.95), 1);
  EXPECT_NEAR(ChanceOfDisagreements(1, 7, 0.95), 1 - std::pow(0.95, 7), 1e-12);  // 30%
  // P(X >= 2) = 1 - P(0) - P(1) with P(1) = 7 * 0.05 * 0.95^6.
  EXPECT_NEAR(ChanceOfDisagreements(2, 7, 0.95), 1 - std::pow(0.95, 7) - 7 * 0.05 * std::pow(0.95, 6),
              1e-12);
  EXPECT_NEAR(ChanceOfDisagreements(1, 1, 0.999), 0.001, 1e-12);
  EXPECT_DOUBLE_EQ(ChanceOfDisagreements(3, 2, 0.95), 0);
  // One step of seven outside its 95% interval is chance; four are not.
  std::vector<CapacityStep> steps;
  for (int i = 0; i < 7; ++i) steps.push_back(Step(i, 10 + i, 0.01, 0.1));
  steps[1].agrees = false;  // Step() makes step 1 disagree already; make it explicit
  EXPECT_FALSE(AnswerCapacity(steps, 24, 0.01, std::nullopt, std::nullopt, 0.95).disagrees_beyond_chance);
  for (int i : {2, 3, 4}) steps[static_cast<std::size_t>(i)].agrees = false;
  const CapacityAnswers a = AnswerCapacity(steps, 24, 0.01, std::nullopt, std::nullopt, 0.95);
  EXPECT_TRUE(a.disagrees_beyond_chance);
  EXPECT_LT(a.chance_of_disagreements, kChanceLimit);
}

TEST(CapacityAnswersTest, NoCrossingNoLimitAndIncompleteStepsLeftOut) {
  std::vector<CapacityStep> steps = {Step(0, 10, 0.02, 0.1), Step(1, 12, 0.03, 0.2)};
  steps.push_back(Step(2, 14, 0.0, 0.1));
  steps.back().complete = false;
  const CapacityAnswers a = AnswerCapacity(steps, 24, 0.01, std::nullopt, std::nullopt);
  EXPECT_FALSE(a.measured_load_at_target) << "both complete steps are above the target";
  EXPECT_EQ(a.steps_complete, 2);
  EXPECT_FALSE(a.max_sustained_rate);
  EXPECT_FALSE(a.first_breach_step);
  EXPECT_THROW(AnswerCapacity(steps, 24, 1.5, std::nullopt, std::nullopt), std::invalid_argument);
  EXPECT_THROW(AnswerCapacity(steps, 24, 0.01, -1.0, std::nullopt), std::invalid_argument);
}

}  // namespace
}  // namespace dialsoak::analysis
