#include "dialsoak/analysis/run_comparison.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {
namespace {

using report::Change;
using report::Comparison;
using report::ComparisonRow;
using std::chrono::seconds;

constexpr auto kConnect = static_cast<std::size_t>(CallResult::Connect);
constexpr auto kBusy = static_cast<std::size_t>(CallResult::Busy);

Clock::time_point T0() { return Clock::time_point(std::chrono::hours(1000)); }

using Fill = std::function<void(CycleTally&)>;

// A run of one-second ticks, each filled by `fill`, as compare_command builds it from a
// journal: the ticks merged into the total and batched by TickBatches.
ComparedRun RunOf(int ticks, const Fill& fill, std::string id = "run") {
  ComparedRun r;
  r.kind = "run";
  r.path = "/runs/" + id;
  r.run_id = std::move(id);
  TickBatches batches;
  for (int i = 0; i < ticks; ++i) {
    CycleTally t;
    t.first_seen = T0() + seconds(i);
    t.last_seen = T0() + seconds(i + 1);
    fill(t);
    Merge(r.total, t);
    batches.Add(t);
  }
  r.batches = batches.batches();
  r.elapsed_seconds = ticks;
  return r;
}

void Count(CycleTally& t, CallResult result, std::int64_t n) {
  t.cycles += n;
  t.outcomes[static_cast<std::size_t>(result)] += n;
}

// Closed-loop cycles a tick: Poisson around `rate`, all connected.
Fill PoissonCycles(std::mt19937& rng, double rate) {
  return [&rng, rate](CycleTally& t) {
    std::poisson_distribution<std::int64_t> n(rate);
    Count(t, CallResult::Connect, n(rng));
  };
}

// 20 cycles a tick, each BUSY with probability `busy`, the others connected.
Fill BusyShare(std::mt19937& rng, double busy) {
  return [&rng, busy](CycleTally& t) {
    std::binomial_distribution<std::int64_t> n(20, busy);
    const std::int64_t b = n(rng);
    Count(t, CallResult::Busy, b);
    Count(t, CallResult::Connect, 20 - b);
  };
}

// 20 connected cycles a tick, dial latency normal around 50 ms (sd 5 ms) plus `shift`.
Fill DialLatency(std::mt19937& rng, double shift_seconds) {
  return [&rng, shift_seconds](CycleTally& t) {
    std::normal_distribution<double> ms(50, 5);
    for (int i = 0; i < 20; ++i) {
      const double s = ms(rng) * 1e-3 + shift_seconds;
      t.dial[kConnect].Record(static_cast<std::int64_t>(s * 1e9));
    }
    Count(t, CallResult::Connect, 20);
  };
}

const ComparisonRow* Find(const Comparison& c, std::string_view metric) {
  for (const ComparisonRow& r : c.rows) {
    if (r.metric == metric) return &r;
  }
  return nullptr;
}

int WithInterval(const Comparison& c) {
  return static_cast<int>(std::count_if(c.rows.begin(), c.rows.end(), [](const ComparisonRow& r) {
    return r.lower.has_value() && r.upper.has_value();
  }));
}

std::string Describe(const ComparisonRow& r) {
  return r.metric + " " + std::string(report::ToString(r.change)) + " diff " +
         (r.diff ? std::to_string(*r.diff) : "-") + " [" +
         (r.lower ? std::to_string(*r.lower) : "-") + ", " +
         (r.upper ? std::to_string(*r.upper) : "-") + "] " + r.note;
}

// ---- TickBatches ----

TEST(TickBatchesTest, KeepsAtMostMaxBatchesOfEqualTicksWhateverTheLength) {
  for (int n : {1, 7, 32, 33, 64, 65, 100, 1000, 4097}) {
    TickBatches b;
    for (int i = 0; i < n; ++i) {
      CycleTally t;
      t.cycles = 1;  // so a batch's cycles are its ticks
      b.Add(t);
    }
    const auto& batches = b.batches();
    EXPECT_EQ(b.ticks(), n);
    ASSERT_FALSE(batches.empty());
    EXPECT_LE(batches.size(), static_cast<std::size_t>(kMaxBatches)) << n;
    EXPECT_GE(batches.size(), std::min<std::size_t>(n, kMaxBatches / 2)) << n;
    std::int64_t sum = 0;
    for (const CycleTally& t : batches) sum += t.cycles;
    EXPECT_EQ(sum, n);
    // Every batch but the last covers the first's ticks; the last no more.
    for (std::size_t i = 1; i + 1 < batches.size(); ++i) EXPECT_EQ(batches[i].cycles, batches[0].cycles) << n;
    EXPECT_LE(batches.back().cycles, batches[0].cycles) << n;
  }
}

TEST(TickBatchesTest, KeepsTheTicksInOrder) {
  TickBatches b;
  for (int i = 0; i < 300; ++i) {
    CycleTally t;
    t.cycles = 1;
    t.first_seen = T0() + seconds(i);
    t.last_seen = T0() + seconds(i + 1);
    b.Add(t);
  }
  Clock::time_point end = T0();
  for (const CycleTally& t : b.batches()) {
    ASSERT_TRUE(t.first_seen && t.last_seen);
    EXPECT_EQ(*t.first_seen, end);  // each batch starts where the one before ended
    EXPECT_EQ(*t.last_seen - *t.first_seen, seconds(t.cycles));
    end = *t.last_seen;
  }
  EXPECT_EQ(end, T0() + seconds(300));
}

// ---- throughput ----

TEST(RunComparisonTest, FewerCyclesPerSecondIsWorseAndTheIntervalHoldsTheTrueDrop) {
  std::mt19937 rb(1), rn(2);
  const ComparedRun base = RunOf(300, PoissonCycles(rb, 20));
  const ComparedRun next = RunOf(300, PoissonCycles(rn, 17));
  const Comparison c = CompareRuns(base, next);
  const ComparisonRow* r = Find(c, "cycles_per_second");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->base && r->next && r->diff && r->lower && r->upper);
  EXPECT_FALSE(r->higher_is_worse);
  EXPECT_DOUBLE_EQ(*r->base, static_cast<double>(base.total.cycles) / 300);
  EXPECT_DOUBLE_EQ(*r->next, static_cast<double>(next.total.cycles) / 300);
  EXPECT_LT(*r->lower, -3);
  EXPECT_GT(*r->upper, -3);
  EXPECT_EQ(r->change, Change::Worse) << Describe(*r);
}

TEST(RunComparisonTest, MoreCyclesPerSecondIsBetter) {
  std::mt19937 rb(3), rn(4);
  const Comparison c = CompareRuns(RunOf(300, PoissonCycles(rb, 17)), RunOf(300, PoissonCycles(rn, 20)));
  const ComparisonRow* r = Find(c, "cycles_per_second");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->change, Change::Better) << Describe(*r);
}

TEST(RunComparisonTest, SameThroughputWithOtherSeedsIsNoChange) {
  for (unsigned seed = 10; seed < 20; seed += 2) {
    std::mt19937 rb(seed), rn(seed + 1);
    const Comparison c = CompareRuns(RunOf(300, PoissonCycles(rb, 20)), RunOf(300, PoissonCycles(rn, 20)));
    const ComparisonRow* r = Find(c, "cycles_per_second");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->change, Change::NoChange) << seed << ": " << Describe(*r);
    for (const ComparisonRow& row : c.rows) EXPECT_NE(row.change, Change::Worse) << Describe(row);
  }
}

TEST(RunComparisonTest, OpenLoopComparesCallsCarriedPerSecond) {
  std::mt19937 rb(5), rn(6);
  ComparedRun base = RunOf(100, PoissonCycles(rb, 20));
  ComparedRun next = RunOf(100, PoissonCycles(rn, 20));
  next.open_loop = true;
  const Comparison c = CompareRuns(base, next);
  EXPECT_EQ(Find(c, "cycles_per_second"), nullptr);
  const ComparisonRow* r = Find(c, "carried_per_second");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->base);
  EXPECT_DOUBLE_EQ(*r->base, static_cast<double>(base.total.Count(CallResult::Connect)) / 100);
}

// ---- shares ----

TEST(RunComparisonTest, MoreBusyIsWorseAndLessConnectIsWorse) {
  std::mt19937 rb(7), rn(8);
  const ComparedRun base = RunOf(600, BusyShare(rb, 0.01));
  const ComparedRun next = RunOf(600, BusyShare(rn, 0.03));
  const Comparison c = CompareRuns(base, next);
  const ComparisonRow* busy = Find(c, "busy_share");
  const ComparisonRow* connect = Find(c, "connect_share");
  ASSERT_NE(busy, nullptr);
  ASSERT_NE(connect, nullptr);
  ASSERT_TRUE(busy->base && busy->next && busy->lower && busy->upper);
  EXPECT_DOUBLE_EQ(*busy->base, static_cast<double>(base.total.outcomes[kBusy]) / static_cast<double>(base.total.cycles));
  EXPECT_DOUBLE_EQ(*busy->next, static_cast<double>(next.total.outcomes[kBusy]) / static_cast<double>(next.total.cycles));
  EXPECT_LT(*busy->lower, 0.02);
  EXPECT_GT(*busy->upper, 0.02);
  EXPECT_TRUE(busy->higher_is_worse);
  EXPECT_FALSE(connect->higher_is_worse);
  EXPECT_EQ(busy->change, Change::Worse) << Describe(*busy);
  EXPECT_EQ(connect->change, Change::Worse) << Describe(*connect);
}

TEST(RunComparisonTest, LessBusyIsBetterAndMoreConnectIsBetter) {
  std::mt19937 rb(9), rn(10);
  const Comparison c = CompareRuns(RunOf(600, BusyShare(rb, 0.03)), RunOf(600, BusyShare(rn, 0.01)));
  EXPECT_EQ(Find(c, "busy_share")->change, Change::Better);
  EXPECT_EQ(Find(c, "connect_share")->change, Change::Better);
}

TEST(RunComparisonTest, SameBusyShareWithOtherSeedsIsNoChange) {
  for (unsigned seed = 20; seed < 30; seed += 2) {
    std::mt19937 rb(seed), rn(seed + 1);
    const Comparison c = CompareRuns(RunOf(600, BusyShare(rb, 0.01)), RunOf(600, BusyShare(rn, 0.01)));
    const ComparisonRow* r = Find(c, "busy_share");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->change, Change::NoChange) << seed << ": " << Describe(*r);
  }
}

TEST(RunComparisonTest, AShareNeitherRunHasHasNoRow) {
  std::mt19937 rb(11), rn(12);
  const Comparison c = CompareRuns(RunOf(50, BusyShare(rb, 0.05)), RunOf(50, BusyShare(rn, 0.05)));
  EXPECT_NE(Find(c, "busy_share"), nullptr);
  EXPECT_EQ(Find(c, "no_carrier_share"), nullptr);
}

// ---- latency ----

TEST(RunComparisonTest, LatencyShiftedUpIsWorseAndTheIntervalsHoldTheShift) {
  constexpr double kShift = 0.015;  // beyond the default floors (p99: 10 ms)
  static_assert(kShift > kLatencyFloorSeconds[2]);
  std::mt19937 rb(13), rn(14);
  const Comparison c = CompareRuns(RunOf(600, DialLatency(rb, 0)), RunOf(600, DialLatency(rn, kShift)));
  for (const char* metric : {"dial_p50", "dial_p99"}) {
    const ComparisonRow* r = Find(c, metric);
    ASSERT_NE(r, nullptr) << metric;
    ASSERT_TRUE(r->lower && r->upper) << Describe(*r);
    EXPECT_TRUE(r->higher_is_worse);
    EXPECT_EQ(r->unit, "s");
    EXPECT_LT(*r->lower, kShift) << Describe(*r);
    EXPECT_GT(*r->upper, kShift) << Describe(*r);
    EXPECT_EQ(r->change, Change::Worse) << Describe(*r);
  }
}

TEST(RunComparisonTest, LatencyShiftedDownIsBetter) {
  std::mt19937 rb(15), rn(16);
  const Comparison c = CompareRuns(RunOf(600, DialLatency(rb, 0.015)), RunOf(600, DialLatency(rn, 0)));
  EXPECT_EQ(Find(c, "dial_p50")->change, Change::Better) << Describe(*Find(c, "dial_p50"));
  EXPECT_EQ(Find(c, "dial_p99")->change, Change::Better) << Describe(*Find(c, "dial_p99"));
}

// A host's timing noise between runs: 5 ms at p99 is under the default floor (10 ms) and
// no change, however certain; with the floor lowered the same runs are worse there. At p50
// the default floor is 0.1 ms and 2 % of 50 ms: 5 ms is worse either way.
TEST(RunComparisonTest, LatencyFloorsByPercentileDecideASmallCertainShift) {
  std::mt19937 rb(21), rn(22);
  const ComparedRun base = RunOf(600, DialLatency(rb, 0)), next = RunOf(600, DialLatency(rn, 0.005));
  const Comparison by_default = CompareRuns(base, next);
  const ComparisonRow* p99 = Find(by_default, "dial_p99");
  ASSERT_TRUE(p99 && p99->lower) << "compared";
  EXPECT_GT(*p99->lower, 0) << "certain: " << Describe(*p99);
  EXPECT_EQ(p99->change, Change::NoChange) << Describe(*p99);
  EXPECT_EQ(Find(by_default, "dial_p50")->change, Change::Worse) << Describe(*Find(by_default, "dial_p50"));
  ComparisonOptions low;
  low.latency_floor_seconds = {1e-4, 1e-3, 1e-3, 2e-3};
  EXPECT_EQ(Find(CompareRuns(base, next, low), "dial_p99")->change, Change::Worse);
  ComparisonOptions negative;
  negative.latency_floor_seconds[3] = -1;
  EXPECT_THROW(CompareRuns(base, next, negative), std::invalid_argument);
}

TEST(RunComparisonTest, SameLatencyWithOtherSeedsIsNoChange) {
  for (unsigned seed = 30; seed < 34; seed += 2) {
    std::mt19937 rb(seed), rn(seed + 1);
    const Comparison c = CompareRuns(RunOf(600, DialLatency(rb, 0)), RunOf(600, DialLatency(rn, 0)));
    for (const char* metric : {"dial_p50", "dial_p90", "dial_p99"}) {
      const ComparisonRow* r = Find(c, metric);
      ASSERT_NE(r, nullptr) << metric;
      EXPECT_EQ(r->change, Change::NoChange) << seed << ": " << Describe(*r);
    }
  }
}

TEST(RunComparisonTest, TooFewSamplesBeyondAPercentileIsNotComparedWithANote) {
  // 30 ticks of 20: 600 samples, 6 beyond p99 (under kMinTail), 60 beyond p90.
  static_assert(600 / 100 < kMinTail && 600 / 10 >= kMinTail);
  std::mt19937 rb(17), rn(18);
  const Comparison c = CompareRuns(RunOf(30, DialLatency(rb, 0)), RunOf(30, DialLatency(rn, 0.005)));
  const ComparisonRow* p99 = Find(c, "dial_p99");
  ASSERT_NE(p99, nullptr);
  EXPECT_EQ(p99->change, Change::NotCompared);
  EXPECT_FALSE(p99->lower || p99->upper);
  EXPECT_TRUE(p99->diff);  // shown, not judged
  EXPECT_NE(p99->note.find("p99"), std::string::npos) << p99->note;
  const ComparisonRow* p90 = Find(c, "dial_p90");
  ASSERT_NE(p90, nullptr);
  EXPECT_TRUE(p90->lower && p90->upper) << Describe(*p90);
  EXPECT_NE(p90->change, Change::NotCompared);
}

TEST(RunComparisonTest, TooFewTicksComparesNoLatencyNorThroughputButStillTheShares) {
  const int ticks = kMinBatches - 1;
  std::mt19937 rb(19), rn(20);
  ComparedRun base = RunOf(ticks, DialLatency(rb, 0));
  ComparedRun next = RunOf(ticks, DialLatency(rn, 0.005));
  ASSERT_LT(next.batches.size(), static_cast<std::size_t>(kMinBatches));
  const Comparison c = CompareRuns(base, next);
  for (const char* metric : {"cycles_per_second", "dial_p50"}) {
    const ComparisonRow* r = Find(c, metric);
    ASSERT_NE(r, nullptr) << metric;
    EXPECT_EQ(r->change, Change::NotCompared) << Describe(*r);
    EXPECT_FALSE(r->lower || r->upper);
    EXPECT_NE(r->note.find("too short"), std::string::npos) << r->note;
  }
  const ComparisonRow* connect = Find(c, "connect_share");
  ASSERT_NE(connect, nullptr);
  EXPECT_TRUE(connect->lower && connect->upper);
}

// ---- noise floors ----

// Every tick alike: the difference is certain (no variation at all).
Fill Steady(std::int64_t cycles, std::int64_t busy) {
  return [cycles, busy](CycleTally& t) {
    Count(t, CallResult::Connect, cycles - busy);
    Count(t, CallResult::Busy, busy);
  };
}

TEST(RunComparisonTest, ACertainThroughputDropBelowTheNoiseFloorIsNoChange) {
  // 100 -> 99 cycles a second in every tick: 1 %, below the default 2 % floor.
  const ComparedRun base = RunOf(60, Steady(100, 0)), next = RunOf(60, Steady(99, 0));
  const Comparison c = CompareRuns(base, next);
  const ComparisonRow* r = Find(c, "cycles_per_second");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->lower && r->upper);
  EXPECT_LT(*r->upper, 0);  // certain
  EXPECT_EQ(r->change, Change::NoChange);
  ComparisonOptions fine;
  fine.noise_floor_relative = 0.005;
  const Comparison finer = CompareRuns(base, next, fine);
  ASSERT_NE(Find(finer, "cycles_per_second"), nullptr);
  EXPECT_EQ(Find(finer, "cycles_per_second")->change, Change::Worse);
}

TEST(RunComparisonTest, ACertainShareRiseBelowTheNoiseFloorIsNoChange) {
  // BUSY 0 -> 1 in 2000 (0.05 pp) over 1.2 million cycles: certain, below the 0.1 pp floor.
  const ComparedRun base = RunOf(600, Steady(2000, 0)), next = RunOf(600, Steady(2000, 1));
  const Comparison c = CompareRuns(base, next);
  const ComparisonRow* r = Find(c, "busy_share");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->lower && r->upper);
  EXPECT_GT(*r->lower, 0);
  EXPECT_EQ(r->change, Change::NoChange);
  ComparisonOptions fine;
  fine.noise_floor_share = 0.0001;
  const Comparison finer = CompareRuns(base, next, fine);
  ASSERT_NE(Find(finer, "busy_share"), nullptr);
  EXPECT_EQ(Find(finer, "busy_share")->change, Change::Worse);
}

TEST(RunComparisonTest, ACertainLatencyRiseBelowTheNoiseFloorIsNoChange) {
  // Every dial 50 ms in BASE and 50.5 ms in NEW: +1 %, below the default 2 % floor.
  const auto constant = [](double s) {
    return Fill([s](CycleTally& t) {
      t.dial[kConnect].Record(static_cast<std::int64_t>(s * 1e9), 20);
      Count(t, CallResult::Connect, 20);
    });
  };
  const ComparedRun base = RunOf(60, constant(0.050)), next = RunOf(60, constant(0.0505));
  const Comparison c = CompareRuns(base, next);
  const ComparisonRow* r = Find(c, "dial_p50");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->lower && r->upper);
  EXPECT_GT(*r->lower, 0);
  EXPECT_EQ(r->change, Change::NoChange);
  ComparisonOptions fine;
  fine.noise_floor_relative = 0.005;
  const Comparison finer = CompareRuns(base, next, fine);
  ASSERT_NE(Find(finer, "dial_p50"), nullptr);
  EXPECT_EQ(Find(finer, "dial_p50")->change, Change::Worse);
}

// ---- confidence and Bonferroni ----

// Rows drawn as difference +- z standard errors widen by z's ratio exactly; a latency's
// interval (the bootstrap's quantiles, discrete) at least does not narrow.
TEST(RunComparisonTest, HigherConfidenceWidensEveryInterval) {
  std::mt19937 rb(21), rn(22);
  const auto varied = [](Fill latency, Fill cycles) {  // so that throughput varies too
    return Fill([latency, cycles](CycleTally& t) {
      latency(t);
      cycles(t);
    });
  };
  const ComparedRun base = RunOf(200, varied(DialLatency(rb, 0), PoissonCycles(rb, 5)));
  const ComparedRun next = RunOf(200, varied(DialLatency(rn, 0.001), PoissonCycles(rn, 5)));
  ComparisonOptions low, high;
  low.confidence = 0.90;
  high.confidence = 0.999;
  const Comparison a = CompareRuns(base, next, low), b = CompareRuns(base, next, high);
  EXPECT_EQ(a.confidence, 0.90);
  EXPECT_EQ(b.confidence, 0.999);
  ASSERT_EQ(a.simultaneous, b.simultaneous);
  const double m = a.simultaneous;
  const double ratio = TwoSidedNormalQuantile(1 - 0.001 / m) / TwoSidedNormalQuantile(1 - 0.10 / m);
  ASSERT_EQ(a.rows.size(), b.rows.size());
  int compared = 0;
  double latency_low = 0, latency_high = 0;
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    const ComparisonRow &at_low = a.rows[i], &at_high = b.rows[i];
    ASSERT_EQ(at_low.metric, at_high.metric);
    if (!at_low.lower) continue;
    const double wa = *at_low.upper - *at_low.lower, wb = *at_high.upper - *at_high.lower;
    if (at_low.group == "latency") {
      EXPECT_GE(wb, wa) << at_low.metric;
      latency_low += wa;
      latency_high += wb;
      continue;
    }
    ASSERT_GT(wa, 0) << at_low.metric;
    ++compared;
    EXPECT_NEAR(wb / wa, ratio, 1e-9 * ratio) << at_low.metric;
  }
  EXPECT_GE(compared, 2);  // throughput and connect share
  EXPECT_GT(latency_high, latency_low);
}

TEST(RunComparisonTest, SimultaneousCountsTheComparedRowsAndSetsEachRowsLevel) {
  // The same cycle counts, once alone and once with dial latencies beside them: the
  // throughput row's standard error is the same, only the number of rows sharing the
  // confidence differs.
  std::mt19937 cb1(23), cn1(24), cb2(23), cn2(24), lb(25), ln(26);
  const auto with_latency = [](Fill cycles, Fill latency) {
    return Fill([cycles, latency](CycleTally& t) {
      cycles(t);
      const std::int64_t n = t.cycles;
      latency(t);  // adds 20 connected cycles; take them back out
      t.cycles = n;
      t.outcomes[kConnect] -= 20;
    });
  };
  const ComparedRun few_b = RunOf(200, PoissonCycles(cb1, 20)), few_n = RunOf(200, PoissonCycles(cn1, 20));
  const ComparedRun many_b = RunOf(200, with_latency(PoissonCycles(cb2, 20), DialLatency(lb, 0)));
  const ComparedRun many_n = RunOf(200, with_latency(PoissonCycles(cn2, 20), DialLatency(ln, 0)));
  ASSERT_EQ(few_b.total.cycles, many_b.total.cycles);
  ASSERT_EQ(few_n.total.cycles, many_n.total.cycles);
  const Comparison few = CompareRuns(few_b, few_n), many = CompareRuns(many_b, many_n);
  EXPECT_EQ(few.simultaneous, WithInterval(few));
  EXPECT_EQ(many.simultaneous, WithInterval(many));
  ASSERT_GT(many.simultaneous, few.simultaneous);
  const ComparisonRow *a = Find(few, "cycles_per_second"), *b = Find(many, "cycles_per_second");
  ASSERT_TRUE(a && b && a->lower && b->lower);
  const double c = few.confidence;
  const double expected = TwoSidedNormalQuantile(1 - (1 - c) / many.simultaneous) /
                          TwoSidedNormalQuantile(1 - (1 - c) / few.simultaneous);
  EXPECT_NEAR((*b->upper - *b->lower) / (*a->upper - *a->lower), expected, 1e-9 * expected);
}

TEST(RunComparisonTest, RefusesConfidenceAndNoiseFloorsOutOfRange) {
  const ComparedRun r = RunOf(10, Steady(10, 0));
  for (double bad : {0.5, 1.0, 0.2, 1.5}) {
    ComparisonOptions o;
    o.confidence = bad;
    EXPECT_THROW(CompareRuns(r, r, o), std::invalid_argument) << bad;
  }
  ComparisonOptions o;
  o.noise_floor_share = -0.01;
  EXPECT_THROW(CompareRuns(r, r, o), std::invalid_argument);
}

// ---- leaks ----

LeakCheck LeakOf(std::string verdict, double slope_per_cycle, double half_width, int incarnation = 0) {
  LeakCheck c;
  c.process = "self";
  c.resource = "handles";
  c.incarnation = incarnation;
  c.verdict = std::move(verdict);
  c.slope_per_cycle = slope_per_cycle;
  c.slope_per_1000_cycles = 1000 * slope_per_cycle;
  c.lower_per_cycle = slope_per_cycle - half_width;
  c.upper_per_cycle = slope_per_cycle + half_width;
  c.confidence = 0.95;
  return c;
}

Comparison CompareLeaks(const LeakCheck& b, const LeakCheck& n) {
  ComparedRun base = RunOf(20, Steady(10, 0)), next = RunOf(20, Steady(10, 0));
  base.leaks = {b};
  next.leaks = {n};
  return CompareRuns(base, next);
}

TEST(RunComparisonTest, OkToLeakIsWorseWithTheSlopesDifference) {
  const LeakCheck b = LeakOf("ok", 0.0001, 0.0002), n = LeakOf("leak", 0.01, 0.001);
  const Comparison c = CompareLeaks(b, n);
  const ComparisonRow* r = Find(c, "leak_per_1000");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->change, Change::Worse);
  EXPECT_EQ(r->base_verdict, "ok");
  EXPECT_EQ(r->next_verdict, "leak");
  ASSERT_TRUE(r->diff && r->lower && r->upper);
  EXPECT_NEAR(*r->diff, n.slope_per_1000_cycles - b.slope_per_1000_cycles, 1e-9);
  EXPECT_LT(*r->lower, *r->diff);
  EXPECT_GT(*r->upper, *r->diff);
}

TEST(RunComparisonTest, LeakToOkIsBetter) {
  const Comparison c = CompareLeaks(LeakOf("leak", 0.01, 0.001), LeakOf("ok", 0, 0.0002));
  EXPECT_EQ(Find(c, "leak_per_1000")->change, Change::Better);
}

TEST(RunComparisonTest, SameLeakVerdictIsNoChangeWhateverTheSlopes) {
  const Comparison c = CompareLeaks(LeakOf("ok", 0, 0.0001), LeakOf("ok", 0.0005, 0.0001));
  const ComparisonRow* r = Find(c, "leak_per_1000");
  ASSERT_NE(r, nullptr);
  ASSERT_TRUE(r->lower);
  EXPECT_GT(*r->lower, 0);  // the slope rose, certainly, but the verdict did not change
  EXPECT_EQ(r->change, Change::NoChange);
}

// Regression: leak -> inconclusive was called better, though NEW only had too few samples.
TEST(RunComparisonTest, LeakToAVerdictThatCannotTellIsNotBetter) {
  for (const char* verdict : {"inconclusive", "insufficient_data", "not_seen"}) {
    const Comparison c = CompareLeaks(LeakOf("leak", 0.01, 0.001), LeakOf(verdict, 0, 0));
    const ComparisonRow* r = Find(c, "leak_per_1000");
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->change, Change::NotCompared) << verdict;
  }
}

TEST(RunComparisonTest, LeakOnlyInNewIsWorseAndARestartedLifeIsLeftOut) {
  ComparedRun base = RunOf(20, Steady(10, 0)), next = RunOf(20, Steady(10, 0));
  next.leaks = {LeakOf("leak", 0.01, 0.001), LeakOf("leak", 0.02, 0.001, /*incarnation=*/1)};
  const Comparison c = CompareRuns(base, next);
  ASSERT_EQ(std::count_if(c.rows.begin(), c.rows.end(),
                          [](const ComparisonRow& r) { return r.metric == "leak_per_1000"; }),
            1);
  const ComparisonRow* r = Find(c, "leak_per_1000");
  EXPECT_EQ(r->change, Change::Worse);
  ASSERT_TRUE(r->next);
  EXPECT_DOUBLE_EQ(*r->next, 10);
}

// ---- capacity ----

CapacityStep Step(double erlangs, double blocking, double half_width) {
  CapacityStep s;
  s.complete = true;
  s.planned_erlangs = s.offered_erlangs = erlangs;
  s.dialed = 10000;
  s.blocked = static_cast<std::int64_t>(blocking * 10000);
  s.blocking = blocking;
  s.blocking_lower = std::max(0.0, blocking - half_width);
  s.blocking_upper = blocking + half_width;
  return s;
}

ComparedRun Sweep(const std::vector<std::pair<double, double>>& curve, double half_width) {
  ComparedRun r;
  r.kind = "capacity";
  for (const auto& [erlangs, blocking] : curve) r.steps.push_back(Step(erlangs, blocking, half_width));
  r.answers.target_blocking = 0.01;
  r.answers.ports_for_plan_load = 10;
  return r;
}

// Where the curve rises through `target`, linearly between its points.
double CrossingOf(const std::vector<std::pair<double, double>>& curve, double target) {
  for (std::size_t i = 1; i < curve.size(); ++i) {
    const auto [x0, y0] = curve[i - 1];
    const auto [x1, y1] = curve[i];
    if (y0 < target && y1 >= target) return x0 + (target - y0) * (x1 - x0) / (y1 - y0);
  }
  return NAN;
}

TEST(RunComparisonTest, MoreBlockingIsWorseAndALowerLoadAtTheTargetIsWorse) {
  const std::vector<std::pair<double, double>> base_curve = {{2, 0.001}, {4, 0.004}, {6, 0.02}, {8, 0.06}};
  const std::vector<std::pair<double, double>> next_curve = {{2, 0.0015}, {4, 0.008}, {6, 0.04}, {8, 0.1}};
  const Comparison c = CompareRuns(Sweep(base_curve, 0.001), Sweep(next_curve, 0.001));
  EXPECT_EQ(c.kind, "capacity");
  const ComparisonRow* load = Find(c, "load_at_target");
  ASSERT_NE(load, nullptr);
  ASSERT_TRUE(load->base && load->next);
  EXPECT_NEAR(*load->base, CrossingOf(base_curve, 0.01), 1e-9);
  EXPECT_NEAR(*load->next, CrossingOf(next_curve, 0.01), 1e-9);
  EXPECT_FALSE(load->higher_is_worse);
  EXPECT_EQ(load->change, Change::Worse) << Describe(*load);
  int worse = 0, no_change = 0;
  for (const ComparisonRow& r : c.rows) {
    if (r.metric != "blocking") continue;
    if (r.label.find("at 2 E") != std::string::npos) {
      EXPECT_EQ(r.change, Change::NoChange) << Describe(r);  // +0.05 pp: below the floor
      ++no_change;
    } else {
      EXPECT_EQ(r.change, Change::Worse) << Describe(r);
      ++worse;
    }
  }
  EXPECT_EQ(worse, 3);
  EXPECT_EQ(no_change, 1);
}

TEST(RunComparisonTest, TheSameSweepTwiceIsNoChange) {
  const std::vector<std::pair<double, double>> curve = {{2, 0.001}, {4, 0.004}, {6, 0.02}, {8, 0.06}};
  const Comparison c = CompareRuns(Sweep(curve, 0.001), Sweep(curve, 0.001));
  for (const ComparisonRow& r : c.rows) {
    EXPECT_NE(r.change, Change::Worse) << Describe(r);
    EXPECT_NE(r.change, Change::Better) << Describe(r);
  }
  EXPECT_EQ(Find(c, "load_at_target")->change, Change::NoChange);
}

TEST(RunComparisonTest, SweepsWithDifferentTargetsDoNotCompareTheLoadAtTarget) {
  const std::vector<std::pair<double, double>> curve = {{2, 0.001}, {4, 0.004}, {6, 0.02}, {8, 0.06}};
  ComparedRun next = Sweep(curve, 0.001);
  next.answers.target_blocking = 0.02;
  const Comparison c = CompareRuns(Sweep(curve, 0.001), next);
  const ComparisonRow* r = Find(c, "load_at_target");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->change, Change::NotCompared);
  EXPECT_FALSE(r->note.empty());
}

// ---- settings and failures ----

TEST(SettingsThatDifferTest, NamesWhatChangesTheMeasurementAndIgnoresOutputsAndSeed) {
  const nlohmann::json base = {{"backend", "sim"}, {"lines", 8},      {"answer_delay", "fixed:2s"},
                               {"out", "/runs/a"}, {"seed", 1},       {"journal", "a.jsonl"},
                               {"hold", "fixed:1s"}};
  const nlohmann::json next = {{"backend", "sim"}, {"lines", 16},     {"answer_delay", "fixed:3s"},
                               {"out", "/runs/b"}, {"seed", 2},       {"journal", "b.jsonl"},
                               {"hold", "fixed:1s"}};
  const auto d = SettingsThatDiffer(base, next);
  ASSERT_EQ(d.size(), 2u) << ::testing::PrintToString(d);
  const auto mentions = [&](const std::string& what) {
    return std::any_of(d.begin(), d.end(), [&](const std::string& s) { return s.rfind(what + ":", 0) == 0; });
  };
  EXPECT_TRUE(mentions("lines"));
  EXPECT_TRUE(mentions("answer_delay"));
  for (const std::string& s : d) {
    if (s.rfind("lines:", 0) == 0) {
      EXPECT_NE(s.find("8"), std::string::npos) << s;
      EXPECT_NE(s.find("16"), std::string::npos) << s;
    }
  }
  EXPECT_TRUE(SettingsThatDiffer(base, base).empty());
}

TEST(SettingsThatDifferTest, NamesASettingOnlyOneRunHas) {
  const auto d = SettingsThatDiffer({{"lines", 8}}, {{"lines", 8}, {"rate", 5}});
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].rfind("rate:", 0), 0u) << d[0];
}

TEST(RunComparisonTest, FailureTextsOnlyNewHasAreListed) {
  const auto with_failures = [](bool extra) {
    return Fill([extra](CycleTally& t) {
      Count(t, CallResult::Busy, 1);
      NoteFailure(t, "busy", "BUSY", 0, 0);
      if (extra) {
        Count(t, CallResult::NoCarrier, 1);
        NoteFailure(t, "no_carrier", "NO CARRIER after 3 s", 0, 0);
      }
    });
  };
  const Comparison c = CompareRuns(RunOf(10, with_failures(false)), RunOf(10, with_failures(true)));
  ASSERT_EQ(c.new_failures.size(), 1u);
  EXPECT_NE(c.new_failures[0].find("NO CARRIER after 3 s"), std::string::npos) << c.new_failures[0];
}

}  // namespace
}  // namespace dialsoak::analysis
