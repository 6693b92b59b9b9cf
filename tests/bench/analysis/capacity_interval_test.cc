#include "dialsoak/analysis/capacity_interval.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <queue>
#include <random>
#include <stdexcept>
#include <vector>

#include "dialsoak/analysis/capacity_sweep.h"
#include "dialsoak/analysis/erlang_b.h"
#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

using namespace std::chrono_literals;

TEST(StudentQuantileTest, MatchesTheTables) {
  EXPECT_NEAR(TwoSidedStudentQuantile(0.95, 1), 12.7062, 1e-4);
  EXPECT_NEAR(TwoSidedStudentQuantile(0.95, 4), 2.7764, 1e-4);
  EXPECT_NEAR(TwoSidedStudentQuantile(0.99, 10), 3.1693, 1e-4);
  EXPECT_NEAR(TwoSidedStudentQuantile(0.95, 29), 2.0452, 1e-4);
  EXPECT_NEAR(TwoSidedStudentQuantile(0.999, 29), 3.6594, 1e-4);
  EXPECT_NEAR(TwoSidedStudentQuantile(0.9999, 1), 6366.2, 0.1);
  // Towards the normal as the degrees of freedom grow.
  EXPECT_NEAR(TwoSidedStudentQuantile(0.95, 100000), TwoSidedNormalQuantile(0.95), 1e-4);
  EXPECT_THROW(TwoSidedStudentQuantile(0.95, 0), std::invalid_argument);
  EXPECT_THROW(TwoSidedStudentQuantile(1.0, 5), std::invalid_argument);
}

// One measurement window of an M/M/C/C loss system: Poisson arrivals at `erlangs` (holds
// of mean 1), exponential holds, `calls` arrivals after a warm-up of 10 holds, counted
// into `batches` equal parts of the window by arrival time.
std::vector<BlockingBatch> LossSystemWindow(std::mt19937_64& rng, int ports, double erlangs,
                                            double window, int batches) {
  std::exponential_distribution<double> gap(erlangs), hold(1.0);
  std::priority_queue<double, std::vector<double>, std::greater<>> busy;  // release times
  std::vector<BlockingBatch> out(static_cast<std::size_t>(batches));
  constexpr double kWarmup = 10;
  for (double t = gap(rng); t < kWarmup + window; t += gap(rng)) {
    while (!busy.empty() && busy.top() <= t) busy.pop();
    const bool blocked = static_cast<int>(busy.size()) >= ports;
    if (!blocked) busy.push(t + hold(rng));
    if (t < kWarmup) continue;
    const auto j =
        std::min(out.size() - 1, static_cast<std::size_t>((t - kWarmup) / window * batches));
    ++out[j].dialed;
    out[j].blocked += blocked ? 1 : 0;
  }
  return out;
}

std::int64_t Blocked(const std::vector<BlockingBatch>& batches) {
  std::int64_t b = 0;
  for (const auto& x : batches) b += x.blocked;
  return b;
}
std::int64_t Dialed(const std::vector<BlockingBatch>& batches) {
  std::int64_t n = 0;
  for (const auto& x : batches) n += x.dialed;
  return n;
}

TEST(BlockingDesignEffectTest, OnePortAndNoLoadAreBinomial) {
  EXPECT_DOUBLE_EQ(BlockingDesignEffect(0.5, 1), 1);
  EXPECT_DOUBLE_EQ(BlockingDesignEffect(7.0, 1), 1);
  EXPECT_DOUBLE_EQ(BlockingDesignEffect(0.0, 24), 1);
  // Far beyond a concentrator: B underflows, nothing to correlate.
  EXPECT_DOUBLE_EQ(BlockingDesignEffect(1.0, 100000), 1);
  EXPECT_THROW(BlockingDesignEffect(1.0, 0), std::invalid_argument);
  EXPECT_THROW(BlockingDesignEffect(-1.0, 5), std::invalid_argument);
}

TEST(BlockingDesignEffectTest, MatchesTheVarianceOfSimulatedLossSystems) {
  std::mt19937_64 rng(20261207);
  struct Case {
    int ports;
    double blocking;
  };
  for (const Case c : {Case{5, 0.01}, Case{24, 0.01}, Case{24, 0.05}}) {
    const double e = OfferedLoadForBlocking(c.ports, c.blocking);
    const double deff = BlockingDesignEffect(e, c.ports);
    // Replications of a window of about 4000 calls: the variance of the ratio over them.
    constexpr int kReps = 400;
    const double window = 4000 / e;
    double sum = 0, squares = 0, calls = 0;
    for (int r = 0; r < kReps; ++r) {
      const auto w = LossSystemWindow(rng, c.ports, e, window, 1);
      const double p = static_cast<double>(Blocked(w)) / static_cast<double>(Dialed(w));
      sum += p;
      squares += p * p;
      calls += static_cast<double>(Dialed(w));
    }
    const double mean = sum / kReps, var = squares / kReps - mean * mean;
    const double binomial = c.blocking * (1 - c.blocking) / (calls / kReps);
    // The variance of a variance over 400 replications: about +-7% (1 sd).
    EXPECT_NEAR(var / binomial / deff, 1.0, 0.25)
        << c.ports << " ports at " << c.blocking << ": model " << deff;
    EXPECT_GT(deff, 1.5) << "blocking comes in bursts";
  }
  // The published shape: 24 ports, from 0.1% to 20%, between 3 and 6.
  for (double b : kDefaultSweepBlocking) {
    const double d = BlockingDesignEffect(OfferedLoadForBlocking(24, b), 24);
    EXPECT_GT(d, 3) << b;
    EXPECT_LT(d, 6) << b;
  }
}

TEST(BatchMeansIntervalTest, NoCallsIsNothingKnown) {
  const BlockingInterval i = BatchMeansInterval({}, 0.95);
  EXPECT_EQ(i.estimate, 0);
  EXPECT_EQ(i.lower, 0);
  EXPECT_EQ(i.upper, 1);
  EXPECT_EQ(i.batches, 0);
  EXPECT_THROW(BatchMeansInterval({{10, 11}}), std::invalid_argument);
  EXPECT_THROW(BatchMeansInterval({{10, 1}}, 1.5), std::invalid_argument);
  EXPECT_THROW(BatchMeansInterval({{10, 1}}, 0.95, 0.5), std::invalid_argument);
}

TEST(BatchMeansIntervalTest, ZeroBlockedDoesNotCollapse) {
  std::vector<BlockingBatch> batches(30, BlockingBatch{100, 0});
  const BlockingInterval i = BatchMeansInterval(batches, 0.95);
  const double t = TwoSidedStudentQuantile(0.95, 29);
  EXPECT_EQ(i.estimate, 0);
  EXPECT_EQ(i.lower, 0);
  EXPECT_NEAR(i.upper, t * t / (3000 + t * t), 1e-12);
  EXPECT_GE(i.upper, WilsonInterval(0, 3000, 0.95).upper);
  EXPECT_EQ(i.batches, 30);
  EXPECT_DOUBLE_EQ(i.design_effect, 1);
  // Empty batches (a step stopped early) are left out; one batch: the normal quantile.
  batches.resize(40);
  EXPECT_EQ(BatchMeansInterval(batches, 0.95).batches, 30);
  const BlockingInterval one = BatchMeansInterval({{3000, 0}}, 0.95);
  EXPECT_DOUBLE_EQ(one.quantile, TwoSidedNormalQuantile(0.95));
  EXPECT_NEAR(one.upper, WilsonInterval(0, 3000, 0.95).upper, 1e-12);
  // All blocked: upper exactly 1.
  EXPECT_EQ(BatchMeansInterval({{10, 10}, {10, 10}}).upper, 1);
  // With the bursts Erlang's model expects (no burst to measure them by): wider.
  const BlockingInterval bursty =
      BatchMeansInterval(std::vector<BlockingBatch>(30, {100, 0}), 0.95, 3.3);
  EXPECT_DOUBLE_EQ(bursty.design_effect, 3.3);
  EXPECT_EQ(bursty.lower, 0);
  EXPECT_NEAR(bursty.upper, t * t * 3.3 / (3000 + t * t * 3.3), 1e-12);
}

TEST(BatchMeansIntervalTest, PoolsTheMeasuredDesignEffectWithTheModelsByTheBursts) {
  // Two bursts of 3 in 3000 calls: one batch's worth of evidence against the model's ten.
  std::vector<BlockingBatch> few(30, BlockingBatch{100, 0});
  few[3].blocked = few[20].blocked = 3;
  const BlockingInterval f = BatchMeansInterval(few, 0.95, 4);
  EXPECT_NEAR(f.design_effect,
              (1 * f.measured_design_effect + kModelBatches * 4) / (1 + kModelBatches), 1e-12);
  EXPECT_GT(f.design_effect, 3.5) << "mostly the model's";
  EXPECT_GT(BatchMeansInterval(few, 0.95, 4).upper, BatchMeansInterval(few, 0.95, 1).upper);
  // Blocked calls in every batch: 29 batches' worth, the measurement weighs most.
  std::vector<BlockingBatch> many(30, BlockingBatch{100, 1});
  for (std::size_t j = 0; j < 30; j += 3) many[j].blocked = 9;
  const BlockingInterval m = BatchMeansInterval(many, 0.95, 1.5);
  EXPECT_NEAR(m.design_effect,
              (29 * m.measured_design_effect + kModelBatches * 1.5) / (29 + kModelBatches), 1e-12);
  EXPECT_GT(m.measured_design_effect, 4);
  EXPECT_GT(m.design_effect, 3.4);
}

TEST(BatchMeansIntervalTest, EvenBlockingIsWilsonsIntervalWithTheTQuantile) {
  // 3 blocked in each batch: less spread than binomial; the design effect floors at 1.
  const std::vector<BlockingBatch> batches(30, BlockingBatch{100, 3});
  const BlockingInterval i = BatchMeansInterval(batches, 0.95);
  EXPECT_LT(i.measured_design_effect, 1);
  EXPECT_DOUBLE_EQ(i.design_effect, 1);
  const double n = 3000, p = 0.03, t = TwoSidedStudentQuantile(0.95, 29), t2 = t * t;
  const double center = (p + t2 / (2 * n)) / (1 + t2 / n);
  const double half = t * std::sqrt(p * (1 - p) / n + t2 / (4 * n * n)) / (1 + t2 / n);
  EXPECT_NEAR(i.lower, center - half, 1e-12);
  EXPECT_NEAR(i.upper, center + half, 1e-12);
}

TEST(BatchMeansIntervalTest, BurstsWidenItByTheMeasuredDesignEffect) {
  // 90 blocked of 3000 either in bursts (three batches of 30) or spread (3 a batch).
  std::vector<BlockingBatch> bursts(30, BlockingBatch{100, 0});
  for (int j : {4, 15, 27}) bursts[static_cast<std::size_t>(j)].blocked = 30;
  const BlockingInterval b = BatchMeansInterval(bursts, 0.95);
  const BlockingInterval even = BatchMeansInterval(std::vector<BlockingBatch>(30, {100, 3}), 0.95);
  EXPECT_DOUBLE_EQ(b.estimate, even.estimate);
  // V = 30/29 (3 x 27^2 + 27 x 3^2) / 3000^2; binomial 0.03 x 0.97 / 3000.
  const double v = 30.0 / 29 * (3 * 27.0 * 27 + 27 * 9.0) / (3000.0 * 3000);
  EXPECT_NEAR(b.measured_design_effect, v / (0.03 * 0.97 / 3000), 1e-9);
  EXPECT_GT(b.measured_design_effect, 25);
  // Three bursts: two batches' worth, pooled with independent calls' 1 (no model given).
  EXPECT_NEAR(b.design_effect, (2 * b.measured_design_effect + kModelBatches) / (2 + kModelBatches),
              1e-12);
  EXPECT_NEAR((b.upper - b.lower) / (even.upper - even.lower), std::sqrt(b.design_effect), 0.3);
  // With many blocked calls it is the batch-means t interval, p -+ t sqrt(V), nearly:
  // 30 batches of 1000 calls, 20 or 40 blocked in turn.
  std::vector<BlockingBatch> many(30, BlockingBatch{1000, 20});
  for (std::size_t j = 0; j < many.size(); j += 2) many[j].blocked = 40;
  const double vm = 30.0 / 29 * 30 * 100.0 / (30000.0 * 30000);
  const double dm = vm / (0.03 * 0.97 / 30000);
  const BlockingInterval m = BatchMeansInterval(many, 0.95, dm);  // the model agrees
  EXPECT_NEAR(m.measured_design_effect, dm, 1e-9);
  EXPECT_NEAR(m.design_effect, dm, 1e-9);
  EXPECT_NEAR((m.upper - m.lower) / 2, m.quantile * std::sqrt(vm),
              0.01 * m.quantile * std::sqrt(vm));
  EXPECT_GT(m.upper - m.estimate, m.estimate - m.lower) << "a little asymmetric, like Wilson's";
}

// Coverage on correlated Bernoulli data with a known ratio: calls blocked in runs (a
// two-state Markov chain: blocked after blocked with 0.6, after a free call with 0.01),
// p = 0.01 / (1 - 0.6 + 0.01) = 2.44%, design effect (1 + 0.59) / (1 - 0.59) = 3.9. The
// batches measure it; pooled with a model that knows it, the coverage is nominal; pooled
// with one that takes the calls for independent (a far end burstier than its model), a
// little less.
TEST(BatchMeansIntervalTest, CoversCorrelatedBernoulliAtTheNominalLevel) {
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(0, 1);
  const double a = 0.6, b = 0.01, p = b / (1 - a + b);
  constexpr int kReps = 1000, kCalls = 6000, kBatches = 30;
  const double deff = (1 + (a - b)) / (1 - (a - b));
  int covered = 0, binomial_model = 0, wilson = 0;
  for (int r = 0; r < kReps; ++r) {
    std::vector<BlockingBatch> batches(kBatches);
    bool blocked = u(rng) < p;
    for (int i = 0; i < kCalls; ++i) {
      blocked = u(rng) < (blocked ? a : b);
      auto& batch = batches[static_cast<std::size_t>(i * kBatches / kCalls)];
      ++batch.dialed;
      batch.blocked += blocked ? 1 : 0;
    }
    const BlockingInterval i = BatchMeansInterval(batches, 0.95, deff);
    covered += i.lower <= p && p <= i.upper ? 1 : 0;
    const BlockingInterval m = BatchMeansInterval(batches, 0.95, 1);
    binomial_model += m.lower <= p && p <= m.upper ? 1 : 0;
    const ProportionInterval w = WilsonInterval(Blocked(batches), kCalls, 0.95);
    wilson += w.lower <= p && p <= w.upper ? 1 : 0;
  }
  // 1000 replications: the coverage's own sd is 0.7 points at 95%.
  EXPECT_NEAR(covered / double(kReps), 0.95, 0.025);
  EXPECT_NEAR(binomial_model / double(kReps), 0.92, 0.025);
  EXPECT_LT(wilson / double(kReps), 0.80) << "the binomial interval is too narrow here";
}

// Coverage on M/M/C/C busy periods: 24 ports at 1% blocking, each window as the sweep
// plans it for a precision of a half (the design effect and batches the plan assumes).
TEST(BatchMeansIntervalTest, CoversALossSystemsBlockingAsPlanned) {
  SweepOptions o;
  o.ports = 24;
  o.loads = {OfferedLoadForBlocking(24, 0.01)};
  o.mean_hold = 1s;
  o.precision = 0.5;
  o.min_half_width = 0.001;
  const StepPlan plan = PlanSweep(o)[0];
  ASSERT_EQ(plan.batches, kMaxBatches);
  const double window = std::chrono::duration<double>(plan.window).count();
  std::mt19937_64 rng(11);
  constexpr int kReps = 500;
  int covered = 0, wilson = 0;
  double half_widths = 0;
  for (int r = 0; r < kReps; ++r) {
    const auto batches = LossSystemWindow(rng, 24, plan.erlangs, window, plan.batches);
    const BlockingInterval i = BatchMeansInterval(batches, 0.95, plan.design_effect);
    covered += i.lower <= plan.expected_blocking && plan.expected_blocking <= i.upper ? 1 : 0;
    const ProportionInterval w = WilsonInterval(Blocked(batches), Dialed(batches), 0.95);
    wilson += w.lower <= plan.expected_blocking && plan.expected_blocking <= w.upper ? 1 : 0;
    half_widths += (i.upper - i.lower) / 2;
  }
  EXPECT_NEAR(covered / double(kReps), 0.95, 0.03);
  EXPECT_LT(wilson / double(kReps), 0.80) << "the binomial interval is too narrow here";
  // The plan sized the window for a half-width of half the blocking: so it came out.
  EXPECT_NEAR(half_widths / kReps / plan.expected_blocking, 0.5, 0.08);
}

// The lowest step of the default sweep: 24 ports at 0.1%, about 4 blocked calls a window
// in one or two bursts, most batches empty and a window in twenty without a blocked call;
// the far end offered 4% more than planned (the set-up and clearing on the simulator).
// With no burst to measure, Erlang's design effect keeps the interval wide enough; the
// binomial floor alone (a design effect of 1) would miss from above.
TEST(BatchMeansIntervalTest, CoversTheLowestStepWhereMostBatchesAreEmpty) {
  SweepOptions o;
  o.ports = 24;
  o.loads = {OfferedLoadForBlocking(24, 0.001)};
  o.mean_hold = 1s;
  o.precision = 0.5;
  const StepPlan plan = PlanSweep(o)[0];
  const double window = std::chrono::duration<double>(plan.window).count();
  const double offered = plan.erlangs * 1.04, truth = ErlangB(offered, 24);
  const double model = BlockingDesignEffect(offered, 24);
  std::mt19937_64 rng(3);
  constexpr int kReps = 1000;
  int covered = 0, binomial_floor = 0, none = 0;
  for (int r = 0; r < kReps; ++r) {
    const auto batches = LossSystemWindow(rng, 24, offered, window, plan.batches);
    const BlockingInterval i = BatchMeansInterval(batches, 0.95, model);
    covered += i.lower <= truth && truth <= i.upper ? 1 : 0;
    const BlockingInterval f = BatchMeansInterval(batches, 0.95, 1);
    binomial_floor += f.lower <= truth && truth <= f.upper ? 1 : 0;
    none += Blocked(batches) == 0 ? 1 : 0;
  }
  EXPECT_GT(none, kReps / 40) << "bursts make an empty window common";
  EXPECT_NEAR(covered / double(kReps), 0.95, 0.025) << "binomial floor: " << binomial_floor;
  EXPECT_LT(binomial_floor / double(kReps), 0.90) << covered;
}

TEST(CallsForBatchIntervalTest, IsWilsonsEffectiveCallsTimesTheDesignEffect) {
  // Many batches and no correlation: about Wilson's calls for the same width.
  const std::int64_t wilson = CallsForIntervalWidth(0.01, 0.0025, 0.95);
  const std::int64_t batch1 = CallsForBatchInterval(0.01, 0.0025, 0.95, 100000, 1);
  EXPECT_NEAR(static_cast<double>(batch1), static_cast<double>(wilson), 3);
  // 30 batches: the t quantile's (2.045 / 1.960)^2 more; a design effect of 4: four times.
  const std::int64_t t30 = CallsForBatchInterval(0.01, 0.0025, 0.95, 30, 1);
  const double ratio =
      std::pow(TwoSidedStudentQuantile(0.95, 29) / TwoSidedNormalQuantile(0.95), 2);
  EXPECT_NEAR(static_cast<double>(t30) / static_cast<double>(wilson), ratio, 0.01);
  EXPECT_NEAR(static_cast<double>(CallsForBatchInterval(0.01, 0.0025, 0.95, 30, 4)),
              4.0 * static_cast<double>(t30), 4.0);
  EXPECT_THROW(CallsForBatchInterval(0.01, 0.0, 0.95, 30, 1), std::invalid_argument);
  EXPECT_THROW(CallsForBatchInterval(0.01, 0.01, 0.95, 30, 0.5), std::invalid_argument);
  EXPECT_THROW(CallsForBatchInterval(0.5, 1e-9, 0.95, 30, 5), std::invalid_argument);
}

TEST(BatchesForWindowTest, OnePerFiveHoldsBetweenTenAndThirty) {
  EXPECT_EQ(BatchesForWindow(1000s, 1s), kMaxBatches);
  EXPECT_EQ(BatchesForWindow(100s, 1s), 20);
  EXPECT_EQ(BatchesForWindow(10s, 1s), kMinBatches);
  EXPECT_EQ(BatchesForWindow(10s, 0s), kMaxBatches);
}

}  // namespace
}  // namespace dialsoak::analysis
