#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "records_builder.h"

namespace dialsoak::report {
namespace {

using namespace fixtures;  // NOLINT: the record builders

TEST(ReportSummaryTest, CountsEveryOutcome) {
  RunSummary rs;
  rs.OnRunStart(Info());
  // Outcome i occurs i + 1 times: 1 CONNECT, 2 BUSY, ..., 11 UNRECOGNISED.
  for (int i = 0; i < kCallResultCount; ++i) {
    for (int k = 0; k <= i; ++k) rs.OnCycle(Cycle(static_cast<CallResult>(i), milliseconds(5)));
  }
  Summary s = rs.summary();
  EXPECT_EQ(s.cycles, kCallResultCount * (kCallResultCount + 1) / 2);
  for (int i = 0; i < kCallResultCount; ++i) {
    EXPECT_EQ(s.Count(static_cast<CallResult>(i)), i + 1) << ToString(static_cast<CallResult>(i));
  }
  EXPECT_EQ(s.run.run_id, "20261128T064512-4f2a");
}

// Percentiles come from histograms: within 0.1 % of the exact nearest-rank value.
void ExpectWithinAThousandth(nanoseconds actual, nanoseconds exact) {
  EXPECT_NEAR(static_cast<double>(actual.count()), static_cast<double>(exact.count()),
              1e-3 * static_cast<double>(exact.count()))
      << actual.count() << " ns against " << exact.count() << " ns";
}

TEST(ReportSummaryTest, DialPercentilesOfConnectedCallsApartFromAllDials) {
  std::vector<int> ms(1000);
  for (int i = 0; i < 1000; ++i) ms[static_cast<std::size_t>(i)] = i + 1;
  std::mt19937 rng(3);
  std::shuffle(ms.begin(), ms.end(), rng);
  RunSummary rs;
  for (int v : ms)
    rs.OnCycle(Cycle(v % 2 ? CallResult::Busy : CallResult::Connect, milliseconds(v)));
  Summary s = rs.summary();
  // Every dial: 1..1000 ms.
  EXPECT_EQ(s.dial_all.count, 1000u);
  EXPECT_EQ(s.dial_all.min, milliseconds(1));
  ExpectWithinAThousandth(s.dial_all.p50, milliseconds(500));
  ExpectWithinAThousandth(s.dial_all.p90, milliseconds(900));
  ExpectWithinAThousandth(s.dial_all.p99, milliseconds(990));
  ExpectWithinAThousandth(s.dial_all.p999, milliseconds(999));
  EXPECT_EQ(s.dial_all.max, milliseconds(1000));
  // The connected ones (the even values, 2..1000 ms): what dial_p99 means.
  EXPECT_EQ(s.dial.count, 500u);
  EXPECT_EQ(s.dial.min, milliseconds(2));
  ExpectWithinAThousandth(s.dial.p50, milliseconds(500));
  ExpectWithinAThousandth(s.dial.p90, milliseconds(900));
  ExpectWithinAThousandth(s.dial.p99, milliseconds(990));
  EXPECT_EQ(s.dial.max, milliseconds(1000));
  EXPECT_EQ(s.dial.mean, milliseconds(501));
  // The BUSY ones in their own row.
  const LatencyStats& busy = s.dial_by_result[static_cast<std::size_t>(CallResult::Busy)];
  EXPECT_EQ(busy.count, 500u);
  EXPECT_EQ(busy.min, milliseconds(1));
  EXPECT_EQ(busy.max, milliseconds(999));
  EXPECT_EQ(s.dial_by_result[static_cast<std::size_t>(CallResult::Timeout)].count, 0u);
  EXPECT_EQ(s.hangup.count, 0u) << "no cycle needed a hang-up";
}

TEST(ReportSummaryTest, ADeadlinesDialsStayOutOfTheConnectedCallsTail) {
  RunSummary rs;
  for (int i = 0; i < 70; ++i) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(50)));
  for (int i = 0; i < 30; ++i) rs.OnCycle(Cycle(CallResult::Timeout, milliseconds(1001)));
  Summary s = rs.summary();
  EXPECT_EQ(s.dial.p99, milliseconds(50)) << "equal samples come out exact";
  ExpectWithinAThousandth(s.dial_all.p99, milliseconds(1001));
  EXPECT_EQ(s.dial_by_result[static_cast<std::size_t>(CallResult::Timeout)].p50, milliseconds(1001));
}

TEST(ReportSummaryTest, SummaryCanBeTakenAgainAfterMoreCycles) {
  RunSummary rs;
  for (int v : {30, 10, 20}) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(v)));
  EXPECT_EQ(rs.summary().dial.max, milliseconds(30));
  for (int v : {5, 40}) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(v)));
  Summary s = rs.summary();
  EXPECT_EQ(s.dial.count, 5u);
  EXPECT_EQ(s.dial.min, milliseconds(5));
  ExpectWithinAThousandth(s.dial.p50, milliseconds(20));
  EXPECT_EQ(s.dial.max, milliseconds(40));
}

TEST(ReportSummaryTest, HangupsCountedOnlyWhenNeededWithMethodsAndFailures) {
  RunSummary rs;
  rs.OnCycle(Connected(milliseconds(1), milliseconds(10), HangupMethod::Dtr));
  rs.OnCycle(Connected(milliseconds(1), milliseconds(20), HangupMethod::Dtr));
  rs.OnCycle(Connected(milliseconds(1), milliseconds(30), HangupMethod::Escape, false));
  CycleRecord busy = Cycle(CallResult::Busy, milliseconds(2), "BUSY");
  busy.hangup_latency = milliseconds(999);  // not hung up: must not count
  rs.OnCycle(busy);
  Summary s = rs.summary();
  EXPECT_EQ(s.hangups, 3);
  EXPECT_EQ(s.hangup_failures, 1);
  EXPECT_EQ(s.Count(HangupMethod::Dtr), 2);
  EXPECT_EQ(s.Count(HangupMethod::Escape), 1);
  EXPECT_EQ(s.Count(HangupMethod::None), 0);
  // Confirmed hang-ups apart from the failed one.
  EXPECT_EQ(s.hangup.count, 2u);
  EXPECT_EQ(s.hangup.min, milliseconds(10));
  EXPECT_EQ(s.hangup.max, milliseconds(20));
  EXPECT_EQ(s.hangup_failed.count, 1u);
  EXPECT_EQ(s.hangup_failed.p50, milliseconds(30));
  EXPECT_EQ(s.hangup_all.count, 3u);
  ExpectWithinAThousandth(s.hangup_all.p50, milliseconds(20));
  EXPECT_EQ(s.hangup_all.max, milliseconds(30));
}

TEST(ReportSummaryTest, TickTalliesMergeIntoTheSameSummaryAsTheirCycles) {
  RunSummary one_by_one, by_ticks;
  CycleTally tick;
  tick.max_failures = 100;
  for (int i = 0; i < 300; ++i) {
    CycleRecord c = i % 3 ? Connected(milliseconds(1 + i), milliseconds(2))
                          : Cycle(CallResult::Busy, milliseconds(i), "BUSY");
    c.cycle = i;
    one_by_one.OnCycle(c);
    AddCycle(tick, c);
    if (i % 50 == 49) {
      by_ticks.OnCycles(tick);
      Clear(tick);
    }
  }
  const Summary a = one_by_one.summary(), b = by_ticks.summary();
  EXPECT_EQ(a.cycles, b.cycles);
  EXPECT_EQ(a.outcomes, b.outcomes);
  EXPECT_EQ(a.hangups, b.hangups);
  EXPECT_EQ(a.dial.p99, b.dial.p99);
  EXPECT_EQ(a.dial_all.p50, b.dial_all.p50);
  EXPECT_EQ(a.dial.mean, b.dial.mean);
  ASSERT_EQ(b.failures.size(), 1u);
  EXPECT_EQ(b.failures[0].count, 100);
  EXPECT_EQ(b.failures[0].first_cycle, 0);
}

TEST(ReportSummaryTest, KeepsFirstFiveDistinctFailuresWithCounts) {
  RunSummary rs;
  rs.OnCycle(Connected(milliseconds(1), milliseconds(1)));  // not a failure
  for (int i = 0; i < 7; ++i) {
    CycleRecord c = Cycle(CallResult::Error, milliseconds(1), "ERROR " + std::to_string(i));
    c.line = i % 3;
    c.cycle = 100 + i;
    rs.OnCycle(c);
  }
  CycleRecord again = Cycle(CallResult::Error, milliseconds(1), "ERROR 1");
  rs.OnCycle(again);
  rs.OnCycle(again);
  rs.OnCycle(Cycle(CallResult::Busy, milliseconds(1), "ERROR 0"));  // other outcome, same text
  Summary s = rs.summary();
  ASSERT_EQ(s.failures.size(), kMaxFailureDetails);
  EXPECT_EQ(s.failures[0].what, "error");
  EXPECT_EQ(s.failures[0].detail, "ERROR 0");
  EXPECT_EQ(s.failures[0].count, 1);
  EXPECT_EQ(s.failures[1].detail, "ERROR 1");
  EXPECT_EQ(s.failures[1].count, 3);
  EXPECT_EQ(s.failures[1].first_line, 1);
  EXPECT_EQ(s.failures[1].first_cycle, 101);
  EXPECT_EQ(s.failures[4].detail, "ERROR 4");
  EXPECT_EQ(s.other_failures, 3) << "ERROR 5, ERROR 6 and the BUSY";
}

TEST(ReportSummaryTest, FailedHangupIsAFailureDetail) {
  RunSummary rs;
  rs.OnCycle(Connected(milliseconds(1), milliseconds(1), HangupMethod::Escape, false));
  Summary s = rs.summary();
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].what, "hangup");
  EXPECT_EQ(s.failures[0].detail, "no OK after ATH0");
}

TEST(ReportSummaryTest, LongDetailIsCutAtACharacterBoundary) {
  RunSummary rs;
  // 'é' is two bytes; an odd prefix makes the cut fall inside one.
  std::string detail = "x";
  while (detail.size() < 2 * kMaxDetailLength) detail += "\xc3\xa9";
  rs.OnCycle(Cycle(CallResult::Error, milliseconds(1), detail));
  Summary s = rs.summary();
  ASSERT_EQ(s.failures.size(), 1u);
  EXPECT_EQ(s.failures[0].detail.size(), kMaxDetailLength - 1);
  EXPECT_EQ(s.failures[0].detail, detail.substr(0, kMaxDetailLength - 1));
}

TEST(ReportSummaryTest, ProcessBaselineToEndWithExtremes) {
  RunSummary rs;
  rs.OnProbe(Sample("self", SampleKind::Baseline, 11, 5, 100));
  rs.OnProbe(Sample("self", SampleKind::Periodic, 15, 7, 300));
  rs.OnProbe(Sample("self", SampleKind::Periodic, 9, 6, 200));
  rs.OnProbe(Sample("self", SampleKind::End, 12, 5, 250));
  rs.OnProbe(Sample("self", SampleKind::Periodic, 13, 5, 250));  // after End: not the end
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("self");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->baseline && p->end && p->min && p->max);
  EXPECT_TRUE(p->baseline_was_sampled);
  EXPECT_TRUE(p->end_was_sampled);
  EXPECT_EQ(p->baseline->handles, 11);
  EXPECT_EQ(p->baseline->threads, 5);
  EXPECT_EQ(p->baseline->resident_bytes, 100);
  EXPECT_EQ(p->end->handles, 12);
  EXPECT_EQ(p->end->resident_bytes, 250);
  EXPECT_EQ(p->min->handles, 9);
  EXPECT_EQ(p->max->handles, 15);
  EXPECT_EQ(p->max->threads, 7);
  EXPECT_EQ(p->max->resident_bytes, 300);
  EXPECT_EQ(p->samples, 5);
  EXPECT_TRUE(p->alive_at_end);
  EXPECT_FALSE(p->vanished);
  EXPECT_EQ(p->pid, 4242);
}

TEST(ReportSummaryTest, WithoutBaselineOrEndSamplesTheFirstAndLastStandIn) {
  RunSummary rs;
  rs.OnProbe(Sample("pppd", SampleKind::Periodic, 20));
  rs.OnProbe(Sample("pppd", SampleKind::AfterCycle, 21));
  rs.OnProbe(Sample("pppd", SampleKind::Periodic, 23));
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("pppd");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->baseline && p->end);
  EXPECT_EQ(p->baseline->handles, 20);
  EXPECT_FALSE(p->baseline_was_sampled);
  EXPECT_EQ(p->end->handles, 23);
  EXPECT_FALSE(p->end_was_sampled);
}

TEST(ReportSummaryTest, LateBaselineSampleReplacesTheStandIn) {
  RunSummary rs;
  rs.OnProbe(Sample("self", SampleKind::Periodic, 30));
  rs.OnProbe(Sample("self", SampleKind::Baseline, 11));
  rs.OnProbe(Sample("self", SampleKind::Baseline, 12));  // only the first Baseline counts
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("self");
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(p->baseline);
  EXPECT_EQ(p->baseline->handles, 11);
  EXPECT_TRUE(p->baseline_was_sampled);
}

TEST(ReportSummaryTest, ProcessThatVanishedKeepsItsLastGoodCounts) {
  RunSummary rs;
  rs.OnProbe(Sample("pppd", SampleKind::Baseline, 20));
  rs.OnProbe(Sample("pppd", SampleKind::Periodic, 22));
  rs.OnProbe(Gone("pppd"));
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("pppd");
  ASSERT_NE(p, nullptr);
  EXPECT_TRUE(p->vanished);
  EXPECT_FALSE(p->alive_at_end);
  ASSERT_TRUE(p->end);
  EXPECT_EQ(p->end->handles, 22);
  EXPECT_EQ(p->last_error, "no such process");
  EXPECT_EQ(p->samples, 3);
}

TEST(ReportSummaryTest, ProcessNeverFoundHasNoCountsAndDidNotVanish) {
  RunSummary rs;
  rs.OnProbe(Gone("ghost"));
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("ghost");
  ASSERT_NE(p, nullptr);
  EXPECT_FALSE(p->vanished);
  EXPECT_FALSE(p->alive_at_end);
  EXPECT_FALSE(p->baseline.has_value());
  EXPECT_FALSE(p->end.has_value());
}

TEST(ReportSummaryTest, FailedProbeSamplesDoNotCount) {
  RunSummary rs;
  rs.OnProbe(Sample("self", SampleKind::Baseline, 11));
  ProbeSample bad = Sample("self", SampleKind::End, 0);
  bad.error = "open /proc/self/fd: Too many open files";
  rs.OnProbe(bad);
  Summary s = rs.summary();
  const ProcessSummary* p = s.FindProcess("self");
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->failed_samples, 1);
  EXPECT_EQ(p->last_error, "open /proc/self/fd: Too many open files");
  ASSERT_TRUE(p->end && p->min);
  EXPECT_EQ(p->end->handles, 11);
  EXPECT_EQ(p->min->handles, 11);
  EXPECT_TRUE(p->alive_at_end);
}

TEST(ReportSummaryTest, ProcessesInOrderOfFirstSample) {
  RunSummary rs;
  rs.OnProbe(Sample("self", SampleKind::Baseline, 1));
  rs.OnProbe(Sample("pppd", SampleKind::Baseline, 2));
  rs.OnProbe(Sample("self", SampleKind::End, 3));
  rs.OnProbe(Sample("chat", SampleKind::End, 4));
  Summary s = rs.summary();
  ASSERT_EQ(s.processes.size(), 3u);
  EXPECT_EQ(s.processes[0].process, "self");
  EXPECT_EQ(s.processes[1].process, "pppd");
  EXPECT_EQ(s.processes[2].process, "chat");
  EXPECT_EQ(s.FindProcess("nobody"), nullptr);
}

TEST(ReportSummaryTest, ElapsedRateAndStopReasonFromRunEnd) {
  RunSummary rs;
  for (int i = 0; i < 1000; ++i) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(1)));
  rs.OnRunEnd(RunEnd{StopReason::Interrupted, seconds(8), 1000, "SIGINT"});
  Summary s = rs.summary();
  EXPECT_TRUE(s.ended);
  EXPECT_EQ(s.stop_reason, StopReason::Interrupted);
  EXPECT_EQ(s.stop_message, "SIGINT");
  EXPECT_EQ(s.elapsed, seconds(8));
  EXPECT_DOUBLE_EQ(s.cycles_per_second, 125.0);
}

TEST(ReportSummaryTest, BeforeTheEndElapsedSpansTheTimePointsSeen) {
  RunSummary rs;
  rs.OnTick(T0() + seconds(1), 0);
  CycleRecord c = Cycle(CallResult::Connect, milliseconds(500));
  c.due = T0() + seconds(2);
  rs.OnCycle(c);
  rs.OnTick(T0() + seconds(5), 1);
  Summary s = rs.summary();
  EXPECT_FALSE(s.ended);
  EXPECT_EQ(s.elapsed, seconds(4));
  EXPECT_DOUBLE_EQ(s.cycles_per_second, 0.25);
}

TEST(ReportSummaryTest, DroppedAtOriginCountedApartFromCyclesAndOutcomes) {
  RunSummary rs;
  EXPECT_EQ(rs.summary().dropped_at_origin, 0);
  for (int i = 0; i < 3; ++i) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(1)));
  for (std::int64_t a = 0; a < 5; ++a) rs.OnDropped(DroppedCall{a, T0() + seconds(a)});
  Summary s = rs.summary();
  EXPECT_EQ(s.dropped_at_origin, 5);
  EXPECT_EQ(s.cycles, 3) << "a dropped call is not a cycle";
  std::int64_t outcomes = 0;
  for (std::int64_t n : s.outcomes) outcomes += n;
  EXPECT_EQ(outcomes, 3) << "a dropped call has no outcome";
  EXPECT_EQ(s.dial.count, 3u) << "a dropped call was never dialled";
  EXPECT_EQ(s.elapsed, seconds(4)) << "a drop's arrival is a time point of the run";
}

// A daemon followed by name that crashed and came back: each life its own row and
// baseline, the restart listed; the new pid is never taken over with the old baseline.
TEST(ReportSummaryTest, ARestartedProcessIsTwoLivesAndARestart) {
  RunSummary rs;
  ProbeSample s = Sample("pppd", SampleKind::Baseline, 16);
  s.pid = 100;
  rs.OnProbe(s);
  s.kind = SampleKind::Periodic;
  s.handles = 117;
  s.cycles_done = 400;
  s.at += std::chrono::seconds(4);
  rs.OnProbe(s);
  s.pid = 200;  // back, no sample fell into the gap
  s.handles = 16;
  s.cycles_done = 410;
  s.at += std::chrono::seconds(1);
  rs.OnProbe(s);
  s.kind = SampleKind::End;
  s.handles = 44;
  rs.OnProbe(s);
  const Summary sum = rs.summary();
  ASSERT_EQ(sum.processes.size(), 2u);
  EXPECT_EQ(sum.processes[0].pid, 100);
  EXPECT_EQ(sum.processes[0].incarnation, 0);
  EXPECT_TRUE(sum.processes[0].restarted);
  EXPECT_EQ(sum.processes[0].end->handles, 117);
  EXPECT_EQ(sum.processes[1].pid, 200);
  EXPECT_EQ(sum.processes[1].incarnation, 1);
  EXPECT_FALSE(sum.processes[1].restarted);
  EXPECT_EQ(sum.processes[1].baseline->handles, 16) << "its own baseline";
  EXPECT_EQ(sum.processes[1].end->handles, 44);
  ASSERT_EQ(sum.restarts.size(), 1u);
  const ProcessRestart& r = sum.restarts[0];
  EXPECT_EQ(r.process, "pppd");
  EXPECT_EQ(r.old_pid, 100);
  EXPECT_EQ(r.new_pid, 200);
  EXPECT_EQ(r.incarnation, 1);
  EXPECT_EQ(r.last_seen_cycles, 400);
  EXPECT_EQ(r.seen_again_cycles, 410);
  EXPECT_EQ(r.seen_again - r.last_seen, std::chrono::seconds(1));
}

TEST(ReportSummaryTest, AProcessGoneAndBackUnderTheSamePidIsNoRestart) {
  RunSummary rs;
  rs.OnProbe(Sample("pppd", SampleKind::Baseline, 16));
  rs.OnProbe(Gone("pppd"));
  rs.OnProbe(Sample("pppd", SampleKind::End, 16));
  const Summary sum = rs.summary();
  EXPECT_TRUE(sum.restarts.empty());
  ASSERT_EQ(sum.processes.size(), 1u);
  EXPECT_TRUE(sum.processes[0].vanished);
}

// A process started anew for every call restarts with every cycle: memory stays bounded.
TEST(ReportSummaryTest, LivesAndRestartsListedAreBoundedAndCounted) {
  RunSummary rs;
  ProbeSample s = Sample("pppd", SampleKind::Periodic, 16);
  for (int pid = 1; pid <= 150; ++pid) {
    s.pid = pid;
    s.cycles_done = pid;
    rs.OnProbe(s);
  }
  const Summary sum = rs.summary();
  EXPECT_EQ(sum.restart_count, 149);
  EXPECT_EQ(sum.restarts.size(), kMaxRestartsListed);
  ASSERT_EQ(sum.processes.size(), static_cast<std::size_t>(kMaxLivesKept));
  EXPECT_EQ(sum.processes[0].pid, 1);
  EXPECT_EQ(sum.processes[kMaxLivesKept - 2].pid, kMaxLivesKept - 1);
  EXPECT_EQ(sum.processes.back().pid, 150) << "the latest life is kept";
  EXPECT_EQ(sum.processes.back().incarnation, 149);
  const std::string text = RenderSummary(sum, 9, "");
  EXPECT_NE(text.find("restarts: 139 more (149 in all; the report lists the first 100)"),
            std::string::npos)
      << text;
}

}  // namespace
}  // namespace dialsoak::report
