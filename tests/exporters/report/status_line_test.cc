#include "dialsoak/report/status_line.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "records_builder.h"

namespace dialsoak::report {
namespace {

using namespace fixtures;  // NOLINT: the record builders
using ::testing::HasSubstr;
using ::testing::Not;

StatusSnapshot Full() {
  StatusSnapshot s;
  s.elapsed = seconds(83);
  s.target_duration = std::chrono::hours(1);
  s.target_cycles = 100000;
  s.cycles_done = 1234;
  s.cycles_per_second = 81.24;
  s.cycles_recorded = 1000;
  s.connects = 991;
  s.dial_p99 = std::chrono::microseconds(52125);
  s.handles_now = 12;
  s.handles_baseline = 11;
  return s;
}

TEST(ReportStatusLineTest, FormatsEveryFigure) {
  EXPECT_EQ(FormatStatus(Full()),
            "elapsed 00:01:23/01:00:00  cycles 1234/100000  81.2/s  success 99.10%  "
            "dial p99 52.125 ms  handles 12 (baseline 11, +1)");
}

TEST(ReportStatusLineTest, MissingFiguresShowAsDashes) {
  StatusSnapshot s;
  s.elapsed = std::chrono::hours(26) + seconds(5);
  EXPECT_EQ(FormatStatus(s), "elapsed 26:00:05  cycles 0  0.0/s  success -  dial p99 -  handles -");
}

TEST(ReportStatusLineTest, HandlesWithoutBaselineAndBelowIt) {
  StatusSnapshot s = Full();
  s.handles_baseline.reset();
  EXPECT_THAT(FormatStatus(s), ::testing::EndsWith("  handles 12"));
  s.handles_baseline = 15;
  EXPECT_THAT(FormatStatus(s), ::testing::EndsWith("  handles 12 (baseline 15, -3)"));
  s.handles_baseline = 12;
  EXPECT_THAT(FormatStatus(s), ::testing::EndsWith("  handles 12 (baseline 12, +0)"));
}

// A FILE* over a growing string (open_memstream), read back after each step.
class MemoryFile {
 public:
  MemoryFile() : file_(open_memstream(&buf_, &size_)) {}
  ~MemoryFile() {
    if (file_ != nullptr) std::fclose(file_);
    std::free(buf_);
  }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  std::FILE* get() { return file_; }
  std::string text() {
    std::fflush(file_);
    return std::string(buf_, size_);
  }

 private:
  char* buf_ = nullptr;
  std::size_t size_ = 0;
  std::FILE* file_;
};

int Count(const std::string& s, char c) {
  int n = 0;
  for (char x : s) n += x == c;
  return n;
}

TEST(ReportStatusLineTest, RefreshesAtMostOncePerSecond) {
  MemoryFile out;
  ASSERT_NE(out.get(), nullptr);
  StatusLine line(out.get());
  line.OnRunStart(Info());
  for (int i = 0; i <= 30; ++i) line.OnTick(T0() + milliseconds(100 * i) + milliseconds(5), i);
  // Ticks from 0.005 s to 3.005 s: refreshes at 0.005, 1.005, 2.005 and 3.005 s.
  EXPECT_EQ(line.refreshes(), 4);
  EXPECT_EQ(Count(out.text(), '\r'), 4);
  EXPECT_EQ(Count(out.text(), '\n'), 0);
}

TEST(ReportStatusLineTest, RewritesInPlaceAndEndsWithANewline) {
  MemoryFile out;
  StatusLine line(out.get());
  line.OnRunStart(Info());
  line.OnTick(T0(), 0);
  line.OnTick(T0() + seconds(1), 10);
  std::string text = out.text();
  EXPECT_EQ(text.rfind("\relapsed 00:00:00  cycles 0/1000", 0), 0u) << text;
  EXPECT_THAT(text, HasSubstr("\x1b[K\relapsed 00:00:01  cycles 10/1000"));
  EXPECT_THAT(text, ::testing::EndsWith("\x1b[K"));
  line.OnRunEnd(RunEnd{StopReason::Completed, seconds(4), 1000, ""});
  text = out.text();
  EXPECT_THAT(text, ::testing::EndsWith("\relapsed 00:00:04  cycles 1000/1000  250.0/s  success -  "
                                        "dial p99 -  handles -\x1b[K\n"));
  EXPECT_EQ(line.refreshes(), 3);
}

TEST(ReportStatusLineTest, CyclesPerSecondOverTheLastInterval) {
  MemoryFile out;
  StatusLine line(out.get());
  line.OnTick(T0(), 0);
  EXPECT_DOUBLE_EQ(line.Snapshot(T0() + seconds(1), 100).cycles_per_second, 100.0);
  line.OnTick(T0() + seconds(1), 100);
  EXPECT_DOUBLE_EQ(line.Snapshot(T0() + seconds(2), 400).cycles_per_second, 300.0);
  line.OnTick(T0() + seconds(2), 400);
  EXPECT_THAT(out.text(), HasSubstr("cycles 400  300.0/s"));
}

TEST(ReportStatusLineTest, ElapsedFromTheEarliestEventAgainstTheDurationTarget) {
  MemoryFile out;
  StatusLine line(out.get());
  RunInfo info = Info();
  info.cycles_per_line.reset();
  info.duration = std::chrono::hours(2);
  line.OnRunStart(info);
  line.OnProbe(Sample("self", SampleKind::Baseline, 11));  // at T0()
  StatusSnapshot s = line.Snapshot(T0() + seconds(3725), 5);
  EXPECT_EQ(s.elapsed, seconds(3725));
  EXPECT_FALSE(s.target_cycles.has_value());
  EXPECT_THAT(FormatStatus(s), ::testing::StartsWith("elapsed 01:02:05/02:00:00  cycles 5  "));
}

TEST(ReportStatusLineTest, SuccessShareFromConnects) {
  StatusLine line(stderr);
  for (int i = 0; i < 3; ++i) line.OnCycle(Cycle(CallResult::Connect, milliseconds(1)));
  line.OnCycle(Cycle(CallResult::NoAnswer, milliseconds(1)));
  StatusSnapshot s = line.Snapshot(T0() + seconds(1), 4);
  EXPECT_EQ(s.cycles_recorded, 4);
  EXPECT_EQ(s.connects, 3);
  EXPECT_THAT(FormatStatus(s), HasSubstr("  success 75.00%  "));
}

TEST(ReportStatusLineTest, DialP99OverARecentWindow) {
  StatusLine line(stderr, StatusLineOptions{std::chrono::seconds(1), 100, 0});
  for (int i = 0; i < 100; ++i) line.OnCycle(Cycle(CallResult::Connect, milliseconds(1000)));
  EXPECT_EQ(line.Snapshot(T0(), 0).dial_p99, milliseconds(1000));
  for (int i = 1; i <= 100; ++i) line.OnCycle(Cycle(CallResult::Connect, milliseconds(i)));
  EXPECT_EQ(line.Snapshot(T0(), 0).dial_p99, milliseconds(99)) << "the slow ones are gone";
  for (int i = 0; i < 2; ++i) line.OnCycle(Cycle(CallResult::Connect, milliseconds(5000)));
  EXPECT_EQ(line.Snapshot(T0(), 0).dial_p99, milliseconds(5000));
}

TEST(ReportStatusLineTest, HandlesOfSelfNowAgainstItsBaseline) {
  StatusLine line(stderr);
  line.OnProbe(Sample("self", SampleKind::Baseline, 11));
  line.OnProbe(Sample("pppd", SampleKind::Periodic, 99));  // another process: ignored
  line.OnProbe(Sample("self", SampleKind::Periodic, 14));
  ProbeSample failed = Sample("self", SampleKind::Periodic, 0);
  failed.error = "EMFILE";
  line.OnProbe(failed);  // a failed probe: ignored
  StatusSnapshot s = line.Snapshot(T0(), 0);
  EXPECT_EQ(s.handles_baseline, 11);
  EXPECT_EQ(s.handles_now, 14);
  EXPECT_THAT(FormatStatus(s), ::testing::EndsWith("handles 14 (baseline 11, +3)"));
}

TEST(ReportStatusLineTest, CutToTheTerminalWidth) {
  MemoryFile out;
  StatusLine line(out.get(), StatusLineOptions{std::chrono::seconds(1), 100, 20});
  line.OnTick(T0(), 0);
  EXPECT_EQ(out.text(), "\relapsed 00:00:00  c\x1b[K");
}

}  // namespace
}  // namespace dialsoak::report

namespace dialsoak::report {
namespace {

TEST(ReportStatusLineTest, SaysWhichLeaksTheLiveEstimateSuspectsNow) {
  StatusLine line(stdout);
  EXPECT_TRUE(line.Snapshot(Clock::time_point{}, 0).leak_suspected.empty());
  line.OnLeakEstimate({"self", "handles", 1.0, true, 100});
  line.OnLeakEstimate({"self", "threads", 0.0, false, 100});
  line.OnLeakEstimate({"pppd", "handles", 0.5, true, 100});
  StatusSnapshot s = line.Snapshot(Clock::time_point{}, 100);
  EXPECT_EQ(s.leak_suspected, (std::vector<std::string>{"self handles", "pppd handles"}));
  EXPECT_NE(FormatStatus(s).find("  leak? self handles pppd handles"), std::string::npos)
      << FormatStatus(s);
  line.OnLeakEstimate({"self", "handles", 0.0, false, 200});  // no longer suspected
  s = line.Snapshot(Clock::time_point{}, 200);
  EXPECT_EQ(s.leak_suspected, std::vector<std::string>{"pppd handles"});
}

}  // namespace
}  // namespace dialsoak::report
