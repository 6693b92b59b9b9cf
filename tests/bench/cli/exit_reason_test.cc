// The exit code of a finished run (its order of precedence, a stop that keeps the
// verdict) and the exit line that names the check and its figure.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <string>
#include <utility>

#include "exit_codes.h"
#include "exit_reason.h"

namespace dialsoak::cli {
namespace {

using ::testing::HasSubstr;

void SetCount(report::Summary& s, CallResult r, std::int64_t n) {
  s.outcomes[static_cast<std::size_t>(r)] = n;
}

// 1000 cycles, 89 BUSY: 8.90 % failed.
report::Summary Busy89() {
  report::Summary s;
  s.cycles = 1000;
  SetCount(s, CallResult::Connect, 911);
  SetCount(s, CallResult::Busy, 89);
  return s;
}

LeakCheck Check(std::string process, std::string resource, std::string verdict,
                double slope_per_cycle = 0) {
  LeakCheck c;
  c.process = std::move(process);
  c.resource = std::move(resource);
  c.verdict = std::move(verdict);
  c.slope_per_cycle = slope_per_cycle;
  return c;
}

ThresholdCheck Threshold(std::string metric, bool passed, std::string message) {
  ThresholdCheck t;
  t.metric = std::move(metric);
  t.expression = t.metric + "...";
  t.has_value = !message.ends_with(": failed");
  t.passed = passed;
  t.message = std::move(message);
  return t;
}

ExitContext Stopped(int signo) {
  ExitContext c;
  c.stop_signal = signo;
  return c;
}

TEST(StopSignalTest, TheSignalsCodeIs128PlusItsNumber) {
  EXPECT_EQ(StopSignalExitCode(SIGINT), kInterrupted);
  EXPECT_EQ(StopSignalExitCode(SIGTERM), kTerminated);
  EXPECT_EQ(kInterrupted, 130);
  EXPECT_EQ(kTerminated, 143);
  EXPECT_EQ(StopSignalName(SIGTERM), "SIGTERM");
  EXPECT_EQ(StopSignalName(SIGINT), "SIGINT");
}

TEST(StopSignalTest, OfARunEndIsItsSignalOnlyWhenInterrupted) {
  RunEnd end;
  end.reason = StopReason::Interrupted;
  end.signal = SIGTERM;
  EXPECT_EQ(StopSignalOf(end), SIGTERM);
  end.signal = 0;  // a journal from before the signal was recorded
  EXPECT_EQ(StopSignalOf(end), SIGINT);
  end.reason = StopReason::Completed;
  end.signal = SIGTERM;
  EXPECT_EQ(StopSignalOf(end), 0);
  end.reason = StopReason::Duration;
  EXPECT_EQ(StopSignalOf(end), 0);
}

// The bug: a run stopped by SIGINT/SIGTERM exited 130 whatever it had found.
TEST(FinalExitCodeTest, AStopKeepsTheVerdict) {
  for (int signo : {SIGINT, SIGTERM}) {
    EXPECT_EQ(FinalExitCode(kCallsFailed, Stopped(signo)), kCallsFailed);
    EXPECT_EQ(FinalExitCode(kLeakDetected, Stopped(signo)), kLeakDetected);
    EXPECT_EQ(FinalExitCode(kThresholdBreached, Stopped(signo)), kThresholdBreached);
    EXPECT_EQ(FinalExitCode(8, Stopped(signo)), 8) << "another verdict code (leak inconclusive)";
  }
}

TEST(FinalExitCodeTest, OnlyARunThatFoundNothingWrongExitsWithTheSignalsCode) {
  EXPECT_EQ(FinalExitCode(kOk, Stopped(SIGINT)), 130);
  EXPECT_EQ(FinalExitCode(kOk, Stopped(SIGTERM)), 143);
  EXPECT_EQ(FinalExitCode(kOk, ExitContext{}), kOk);
}

TEST(FinalExitCodeTest, AWriteFailureComesAfterTheLeakAndThresholdsBeforeCallsAndSignals) {
  ExitContext c = Stopped(SIGTERM);
  c.write_failed = true;
  EXPECT_EQ(FinalExitCode(kOk, c), kJournalFailed);
  EXPECT_EQ(FinalExitCode(kCallsFailed, c), kJournalFailed);
  EXPECT_EQ(FinalExitCode(kThresholdBreached, c), kThresholdBreached);
  EXPECT_EQ(FinalExitCode(kLeakDetected, c), kLeakDetected);
}

TEST(ExitReasonTest, FailedCallsNameThePercentTheOutcomesAndTheLimit) {
  EXPECT_EQ(ExitReason(kCallsFailed, Busy89(), ExitContext{}),
            "8.90 % of calls failed (BUSY 89), over --max-failures 0 %");
  report::Summary s = Busy89();
  SetCount(s, CallResult::Connect, 900);
  SetCount(s, CallResult::NoCarrier, 11);
  s.hangup_failures = 2;
  ExitContext c;
  c.max_failures_percent = 0.5;
  EXPECT_EQ(ExitReason(kCallsFailed, s, c),
            "10.20 % of calls failed (BUSY 89, NO CARRIER 11, hang-ups failed 2), over "
            "--max-failures 0.5 %");
}

TEST(ExitReasonTest, ALeakNamesTheProcessResourceAndSlope) {
  report::Summary s;
  s.leaks = {Check("self", "threads", "ok"), Check("self", "handles", "leak", 1.0)};
  EXPECT_EQ(ExitReason(kLeakDetected, s, ExitContext{}), "self handles leak +1.00 per cycle");
  const LeakCheck memory = Check("pppd", "resident_memory", "leak", 4096);
  s.leaks.push_back(memory);
  EXPECT_EQ(ExitReason(kLeakDetected, s, ExitContext{}),
            "self handles leak +1.00 per cycle (and 1 more leak)");
  s.leaks = {memory};
  EXPECT_EQ(ExitReason(kLeakDetected, s, ExitContext{}),
            "pppd resident_memory leak +4.00 KiB per cycle");
}

TEST(ExitReasonTest, ABreachedThresholdIsItsCheckWithoutTheVerdict) {
  report::Summary s;
  s.thresholds = {Threshold("cycles", true, "cycles = 5, limit > 1: ok"),
                  Threshold("dial_p99", false, "dial_p99 = 1.2 s, limit <= 1 s: breached")};
  EXPECT_EQ(ExitReason(kThresholdBreached, s, ExitContext{}), "dial_p99 = 1.2 s, limit <= 1 s");
  s.thresholds.push_back(Threshold(
      "hangup_p99", false, "hangup_p99 has no value (no hang-up was confirmed), limit <= 1 s: failed"));
  EXPECT_EQ(ExitReason(kThresholdBreached, s, ExitContext{}),
            "dial_p99 = 1.2 s, limit <= 1 s (and 1 more breached)");
}

TEST(ExitReasonTest, AStopThatFoundNothingSaysWhichSignal) {
  report::Summary s;
  EXPECT_EQ(ExitReason(143, s, Stopped(SIGTERM)), "stopped by SIGTERM, no check failed");
  EXPECT_EQ(ExitReason(130, s, Stopped(SIGINT)), "stopped by SIGINT, no check failed");
  EXPECT_EQ(ExitReason(kOk, s, ExitContext{}), "ok");
}

TEST(ExitReasonTest, AWriteFailureSaysWhy) {
  ExitContext c;
  c.write_failed = true;
  c.write_error = "runs/x/journal.jsonl: write: No space left on device";
  EXPECT_EQ(ExitReason(kJournalFailed, report::Summary{}, c),
            "the run directory could not be written: runs/x/journal.jsonl: write: No space left "
            "on device");
}

TEST(ExitReasonTest, ACodeWithoutACheckOfItsOwnGetsItsMeaning) {
  EXPECT_EQ(ExitReason(kSetupFailed, report::Summary{}, ExitContext{}), "set-up failed");
}

// The bug: open-loop arrivals dropped at origin (every line busy) were not failed calls;
// 111 of 136 arrivals dropped still exited 0.
TEST(DroppedAtOriginTest, AreFailedCallsOfTheArrivals) {
  report::Summary s;
  s.cycles = 25;
  SetCount(s, CallResult::Connect, 25);
  s.dropped_at_origin = 111;
  EXPECT_EQ(s.Calls(), 136);
  EXPECT_EQ(s.FailedCalls(), 111);
  EXPECT_NEAR(s.FailedPercent(), 100.0 * 111 / 136, 1e-9);
  EXPECT_THAT(ExitReason(kCallsFailed, s, ExitContext{}),
              HasSubstr("81.62 % of calls failed (dropped at origin 111)"));
  report::Summary only_dropped;
  only_dropped.dropped_at_origin = 3;
  EXPECT_EQ(only_dropped.FailedPercent(), 100.0);
  EXPECT_EQ(report::Summary{}.FailedPercent(), 0.0);
}

TEST(ExitJsonTest, TheReportGetsTheReasonAndTheSignal) {
  nlohmann::json j = {{"exit_code", 143}, {"stop", {{"reason", "interrupted"}}}};
  AddExitToJson(j, "stopped by SIGTERM, no check failed", SIGTERM);
  EXPECT_EQ(j.at("exit_reason"), "stopped by SIGTERM, no check failed");
  EXPECT_EQ(j.at("stop").at("signal"), "SIGTERM");
  EXPECT_EQ(j.at("stop").at("reason"), "interrupted");
  nlohmann::json done = {{"exit_code", 0}, {"stop", {{"reason", "completed"}}}};
  AddExitToJson(done, "ok", 0);
  EXPECT_FALSE(done.at("stop").contains("signal"));
}

TEST(ExitReasonTest, AWatchFailureNamesTheProcessThatWasNotSeenOrRestarted) {
  report::Summary s;
  LeakCheck missing = Check("leaker.py", "handles", "not_seen");
  missing.reason = "no process named leaker.py was seen in 40 samples (a name matches ...)";
  s.leaks = {missing};
  EXPECT_EQ(ExitReason(kWatchFailed, s, {}), "no process named leaker.py was seen in 40 samples");
  s.leaks.clear();
  ProcessRestart r;
  r.process = "pppd";
  r.old_pid = 100;
  r.new_pid = 200;
  r.seen_again_cycles = 5000;
  s.restarts = {r, r};
  s.restart_count = 2;
  EXPECT_EQ(ExitReason(kWatchFailed, s, {}),
            "pppd restarted: pid 100 -> 200 at cycle 5000 (and 1 more restart), not allowed "
            "without --allow-restarts");
  EXPECT_STREQ(ExitMeaning(kWatchFailed), "a watched process restarted or was never seen");
}

}  // namespace
}  // namespace dialsoak::cli
