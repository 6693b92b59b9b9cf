#include "dialsoak/report/summary_table.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "records_builder.h"

namespace dialsoak::report {
namespace {

using namespace fixtures;  // NOLINT: the record builders
using ::testing::HasSubstr;
using ::testing::Not;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The first line that starts with prefix, or "".
std::string LineStartingWith(const std::string& text, const std::string& prefix) {
  for (const auto& line : Lines(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return "";
}

Summary OneToThousand() {
  RunSummary rs;
  rs.OnRunStart(Info());
  for (int i = 1; i <= 1000; ++i) rs.OnCycle(Connected(milliseconds(i), milliseconds(2)));
  rs.OnRunEnd(RunEnd{StopReason::Completed, seconds(4), 1000, ""});
  return rs.summary();
}

TEST(ReportSummaryTableTest, EveryOutcomeHasARowEvenWhenZero) {
  RunSummary rs;
  for (int i = 0; i < 3; ++i) rs.OnCycle(Cycle(CallResult::NoCarrier, milliseconds(1)));
  std::string text = RenderSummary(rs.summary(), 1, "");
  const char* labels[] = {"CONNECT",   "BUSY",  "NO CARRIER", "NO DIALTONE",
                          "NO ANSWER", "ERROR", "TIMEOUT",    "IO ERROR"};
  for (const char* label : labels) {
    std::string row = LineStartingWith(text, std::string(label) + " ");
    ASSERT_FALSE(row.empty()) << "no row for " << label << " in\n" << text;
    bool carrier = std::string(label) == "NO CARRIER";
    EXPECT_THAT(row, HasSubstr(carrier ? " 3 " : " 0 ")) << row;
    EXPECT_THAT(row, HasSubstr(carrier ? "100.00%" : "0.00%")) << row;
  }
}

TEST(ReportSummaryTableTest, OutcomeCountsAreRightAligned) {
  RunSummary rs;
  for (int i = 0; i < 1234; ++i) rs.OnCycle(Cycle(CallResult::Connect, milliseconds(1)));
  rs.OnCycle(Cycle(CallResult::Busy, milliseconds(1)));
  std::string text = RenderSummary(rs.summary(), 1, "");
  std::string connect = LineStartingWith(text, "CONNECT ");
  std::string busy = LineStartingWith(text, "BUSY ");
  ASSERT_FALSE(connect.empty());
  ASSERT_FALSE(busy.empty());
  EXPECT_EQ(connect.find("1234") + 4, busy.find(" 1 ") + 2) << connect << "\n" << busy;
  EXPECT_EQ(connect.size(), busy.size());
}

TEST(ReportSummaryTableTest, ShowsExitCodeAndItsMeaning) {
  std::string text = RenderSummary(OneToThousand(), 3, "set-up failed");
  EXPECT_THAT(text, HasSubstr("exit code 3: set-up failed\n"));
  EXPECT_THAT(RenderSummary(OneToThousand(), 0, ""), HasSubstr("exit code 0\n"));
}

// The numbers of a table row after its label.
std::vector<double> Numbers(const std::string& row, std::size_t label_words) {
  std::istringstream in(row);
  std::string word;
  for (std::size_t i = 0; i < label_words; ++i) in >> word;
  std::vector<double> out;
  while (in >> word) out.push_back(std::stod(word));
  return out;
}

TEST(ReportSummaryTableTest, LatenciesInMillisecondsWithThreeDecimals) {
  std::string text = RenderSummary(OneToThousand(), 0, "");
  std::string dial = LineStartingWith(text, "dial, connected ");
  EXPECT_THAT(dial, HasSubstr(" 1000 "));
  EXPECT_THAT(dial, HasSubstr(" 1.000 "));
  EXPECT_THAT(dial, ::testing::EndsWith(" 1000.000"));
  // count min p50 p90 p99 p99.9 p99.99 max; the percentiles within 0.1 % (histograms).
  const std::vector<double> n = Numbers(dial, 2);
  ASSERT_EQ(n.size(), 8u) << dial;
  const double exact[] = {1000, 1, 500, 900, 990, 999, 1000, 1000};
  for (std::size_t i = 0; i < n.size(); ++i) EXPECT_NEAR(n[i], exact[i], exact[i] * 1e-3) << i;
  EXPECT_THAT(text, HasSubstr("within 0.1 % of the exact values"));
  EXPECT_EQ(LineStartingWith(text, "dial, all "), "") << "every dial connected: no second row";
  std::string hangup = LineStartingWith(text, "hang-up, confirmed ");
  EXPECT_THAT(hangup, HasSubstr(" 2.000 "));
  EXPECT_THAT(text, HasSubstr("cycles:  1000 in 4.000 s = 250.0 cycles/s"));
  EXPECT_THAT(text, HasSubstr("stopped: completed  (target 4 x 250 cycles)"));
}

TEST(ReportSummaryTableTest, NoSamplesShowAsNotAvailable) {
  RunSummary rs;
  rs.OnCycle(Cycle(CallResult::Busy, milliseconds(1)));
  std::string text = RenderSummary(rs.summary(), 1, "");
  std::string hangup = LineStartingWith(text, "hang-up, confirmed ");
  EXPECT_THAT(hangup, HasSubstr(" 0 "));
  EXPECT_THAT(hangup, ::testing::EndsWith("n/a"));
  EXPECT_THAT(LineStartingWith(text, "dial, connected "), HasSubstr("n/a")) << "none connected";
  EXPECT_THAT(LineStartingWith(text, "dial, BUSY "), Not(HasSubstr("n/a")));
  EXPECT_THAT(LineStartingWith(text, "dial, all "), Not(HasSubstr("n/a")));
  EXPECT_THAT(text, HasSubstr("stopped: still running"));
}

TEST(ReportSummaryTableTest, ProcessesShowBaselineToEnd) {
  RunSummary rs;
  rs.OnProbe(Sample("self", SampleKind::Baseline, 11, 4, 2 << 20));
  rs.OnProbe(Sample("self", SampleKind::Periodic, 15, 6, 3 << 20));
  rs.OnProbe(Sample("self", SampleKind::End, 14, 4, 3 << 20));
  rs.OnProbe(Sample("pppd", SampleKind::Periodic, 20));
  rs.OnProbe(Gone("pppd"));
  std::string text = RenderSummary(rs.summary(), 1, "");
  std::string self = LineStartingWith(text, "self ");
  EXPECT_THAT(self, HasSubstr("11 -> 14 (max 15)"));
  EXPECT_THAT(self, HasSubstr("4 -> 4 (max 6)"));
  EXPECT_THAT(self, HasSubstr("2.0 -> 3.0 (max 3.0)"));
  EXPECT_THAT(self, HasSubstr("alive"));
  std::string pppd = LineStartingWith(text, "pppd ");
  EXPECT_THAT(pppd, HasSubstr("20* -> 20 (max 20)"));
  EXPECT_THAT(pppd, HasSubstr("vanished"));
  EXPECT_THAT(text, HasSubstr("* no baseline sample"));
}

TEST(ReportSummaryTableTest, FailuresListedWithCountsAndModemTextEscaped) {
  RunSummary rs;
  CycleRecord c = Cycle(CallResult::Error, milliseconds(1), "ERROR\r\x1b[2J");
  c.line = 2;
  c.cycle = 17;
  rs.OnCycle(c);
  rs.OnCycle(c);
  std::string text = RenderSummary(rs.summary(), 1, "");
  EXPECT_THAT(text, HasSubstr("  ERROR  2x  first line 2 cycle 17:  ERROR\\x0d\\x1b[2J"));
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

TEST(ReportSummaryTableTest, HangupMethodsAndFailuresSummarised) {
  RunSummary rs;
  rs.OnCycle(Connected(milliseconds(1), milliseconds(1), HangupMethod::Dtr));
  rs.OnCycle(Connected(milliseconds(1), milliseconds(1), HangupMethod::Escape, false));
  std::string text = RenderSummary(rs.summary(), 1, "");
  EXPECT_THAT(text, HasSubstr("hang-ups: 2 attempted, 1 failed; methods: dtr 1, escape 1\n"));
  EXPECT_THAT(text, HasSubstr("  hang-up failed  1x  first line 0 cycle 0:  no OK after ATH0\n"));
}

TEST(ReportSummaryTableTest, DroppedAtOriginLineOnlyWhenThereWereDrops) {
  RunSummary rs;
  for (int i = 0; i < 3; ++i) rs.OnCycle(Connected(milliseconds(1), milliseconds(1)));
  std::string none = RenderSummary(rs.summary(), 0, "");
  EXPECT_THAT(none, Not(HasSubstr("dropped"))) << none;

  rs.OnDropped(DroppedCall{3, T0()});
  std::string text = RenderSummary(rs.summary(), 0, "");
  // 1 of 4 arrivals (3 cycles + 1 drop), on the line after the hang-ups.
  const std::vector<std::string> lines = Lines(text);
  auto hangups = std::find_if(lines.begin(), lines.end(),
                              [](const std::string& l) { return l.rfind("hang-ups:", 0) == 0; });
  ASSERT_NE(hangups, lines.end()) << text;
  ASSERT_NE(hangups + 1, lines.end()) << text;
  EXPECT_EQ(*(hangups + 1), "dropped at origin: 1 (25.00% of arrivals)") << text;
}

}  // namespace
}  // namespace dialsoak::report
