#include "dialsoak/analysis/thresholds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "exporters/report/records_builder.h"

namespace dialsoak::analysis {
namespace {

using report::fixtures::Connected;
using report::fixtures::Cycle;
using report::fixtures::Info;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Threshold Parsed(std::string_view expression) {
  auto t = ParseThreshold(expression);
  EXPECT_TRUE(t.has_value()) << expression << ": " << (t ? "" : t.error());
  return t.value_or(Threshold{});
}

std::string ErrorOf(std::string_view expression) {
  auto t = ParseThreshold(expression);
  EXPECT_FALSE(t.has_value()) << expression << " parsed as " << (t ? t->metric : "");
  return t ? std::string() : t.error();
}

// 1000 cycles over 10 s, dials of 1..1000 ms: every 100th is BUSY (10), the rest CONNECT
// and hang up in (i % 50 + 1) ms, five of those hang-ups failing.
report::Summary SoakRun() {
  report::RunSummary rs;
  rs.OnRunStart(Info());
  int failed_hangups = 0;
  for (int i = 1; i <= 1000; ++i) {
    if (i % 100 == 0) {
      rs.OnCycle(Cycle(CallResult::Busy, milliseconds(i), "BUSY"));
    } else {
      const bool ok = !(i % 7 == 0 && failed_hangups < 5);
      if (!ok) ++failed_hangups;
      rs.OnCycle(Connected(milliseconds(i), milliseconds(i % 50 + 1), HangupMethod::Dtr, ok));
    }
  }
  RunEnd end;
  end.elapsed = seconds(10);
  end.cycles_done = 1000;
  rs.OnRunEnd(end);
  report::Summary s = rs.summary();
  // The latencies exact (1..1000 ms dials, 1..50 ms hang-ups): these tests are of the
  // checks' arithmetic and units, not of the histograms' 0.1 % (summary_test has those).
  std::vector<std::chrono::nanoseconds> dials, hangups;
  for (int i = 1; i <= 1000; ++i) {
    dials.push_back(milliseconds(i));
    if (i % 100 != 0) hangups.push_back(milliseconds(i % 50 + 1));
  }
  s.dial = report::ComputeLatencyStats(dials);
  s.hangup = report::ComputeLatencyStats(hangups);
  return s;
}

LeakCheck Leak(std::string process, std::string resource, std::string verdict, double per_1000) {
  LeakCheck c;
  c.process = std::move(process);
  c.resource = std::move(resource);
  c.verdict = std::move(verdict);
  c.slope_per_1000_cycles = per_1000;
  c.slope_per_cycle = per_1000 / 1000;
  return c;
}

ThresholdCheck CheckOne(std::string_view expression, const report::Summary& s,
                        std::span<const LeakCheck> leaks = {}) {
  const std::vector<Threshold> t = {Parsed(expression)};
  std::vector<ThresholdCheck> c = CheckThresholds(t, s, leaks);
  EXPECT_EQ(c.size(), 1u);
  return c.empty() ? ThresholdCheck{} : c.front();
}

// --- parsing ---

TEST(ThresholdParseTest, KnowsEveryDocumentedMetric) {
  const std::vector<std::string_view> documented = {
      "success_ratio", "failure_ratio", "dial_p50",         "dial_p90",       "dial_p99",
      "dial_p99_9",    "dial_max",      "dial_mean",        "hangup_p50",     "hangup_p90",
      "hangup_p99",    "hangup_p99_9",  "hangup_max",       "hangup_mean",    "dial_p99_99",
      "hangup_p99_99", "dial_all_p50",  "dial_all_p90",     "dial_all_p99",   "dial_all_p99_9",
      "dial_all_p99_99", "dial_all_max", "dial_all_mean",   "hangup_all_p99", "hangup_all_max",
      "hangup_all_mean", "cycles_per_second", "cycles",     "leak_per_1000",  "threads_per_1000",
      "memory_per_1000", "connect_rate_p10", "connect_rate_p50", "connect_rate_min"};
  const auto names = ThresholdMetricNames();
  EXPECT_EQ(std::vector<std::string_view>(names.begin(), names.end()), documented);
  for (std::string_view m : documented) {
    const std::string expression = std::string(m) + "<=1";
    Threshold t = Parsed(expression);
    EXPECT_EQ(t.metric, m);
    EXPECT_EQ(t.expression, expression);
    EXPECT_EQ(t.op, Threshold::Op::Le) << m;
    EXPECT_DOUBLE_EQ(t.limit, 1.0) << m;
    EXPECT_EQ(t.unit, "") << m;
  }
}

TEST(ThresholdParseTest, ReadsEveryOperator) {
  EXPECT_EQ(Parsed("cycles<5").op, Threshold::Op::Lt);
  EXPECT_EQ(Parsed("cycles<=5").op, Threshold::Op::Le);
  EXPECT_EQ(Parsed("cycles>5").op, Threshold::Op::Gt);
  EXPECT_EQ(Parsed("cycles>=5").op, Threshold::Op::Ge);
  EXPECT_EQ(OpSymbol(Threshold::Op::Lt), "<");
  EXPECT_EQ(OpSymbol(Threshold::Op::Le), "<=");
  EXPECT_EQ(OpSymbol(Threshold::Op::Gt), ">");
  EXPECT_EQ(OpSymbol(Threshold::Op::Ge), ">=");
}

TEST(ThresholdParseTest, AllowsSpacesAroundTheOperatorAndBeforeTheUnit) {
  Threshold t = Parsed("  dial_p99 \t<=  30 s  ");
  EXPECT_EQ(t.metric, "dial_p99");
  EXPECT_EQ(t.op, Threshold::Op::Le);
  EXPECT_DOUBLE_EQ(t.limit, 30.0);
  EXPECT_EQ(t.unit, "s");
  EXPECT_EQ(t.expression, "  dial_p99 \t<=  30 s  ") << "kept as given";
  EXPECT_DOUBLE_EQ(Parsed("success_ratio >= 99 %").limit, 0.99);
  EXPECT_EQ(Parsed("leak_per_1000 < 1").op, Threshold::Op::Lt);
}

TEST(ThresholdParseTest, DurationsTakeMillisecondsSecondsOrMinutesAndBareIsSeconds) {
  EXPECT_DOUBLE_EQ(Parsed("dial_p99<=500ms").limit, 0.5);
  EXPECT_EQ(Parsed("dial_p99<=500ms").unit, "ms");
  EXPECT_DOUBLE_EQ(Parsed("dial_p99<=250us").limit, 250e-6);
  EXPECT_DOUBLE_EQ(Parsed("dial_max<2h").limit, 7200);
  EXPECT_DOUBLE_EQ(Parsed("dial_p99<=30s").limit, 30.0);
  EXPECT_DOUBLE_EQ(Parsed("hangup_p99<=5s").limit, 5.0);
  EXPECT_DOUBLE_EQ(Parsed("dial_max<=2m").limit, 120.0);
  EXPECT_DOUBLE_EQ(Parsed("dial_mean<=1.5m").limit, 90.0);
  EXPECT_DOUBLE_EQ(Parsed("dial_p50<=0.25").limit, 0.25);
  EXPECT_EQ(Parsed("dial_p50<=0.25").unit, "");
}

TEST(ThresholdParseTest, RatiosTakeABareNumberOrAPercent) {
  EXPECT_DOUBLE_EQ(Parsed("success_ratio>=0.99").limit, 0.99);
  EXPECT_DOUBLE_EQ(Parsed("success_ratio>=99%").limit, 0.99);
  EXPECT_EQ(Parsed("success_ratio>=99%").unit, "%");
  EXPECT_DOUBLE_EQ(Parsed("failure_ratio<0.5%").limit, 0.005);
  EXPECT_DOUBLE_EQ(Parsed("success_ratio>=100%").limit, 1.0);
  EXPECT_DOUBLE_EQ(Parsed("success_ratio>=1").limit, 1.0);
  EXPECT_DOUBLE_EQ(Parsed("failure_ratio<=0").limit, 0.0);
}

TEST(ThresholdParseTest, MemoryTakesBytesKibibytesOrMebibytes) {
  EXPECT_DOUBLE_EQ(Parsed("memory_per_1000<64KiB").limit, 65536.0);
  EXPECT_DOUBLE_EQ(Parsed("memory_per_1000<1.5MiB").limit, 1.5 * 1024 * 1024);
  EXPECT_DOUBLE_EQ(Parsed("memory_per_1000<100B").limit, 100.0);
  EXPECT_DOUBLE_EQ(Parsed("memory_per_1000<100").limit, 100.0);
}

TEST(ThresholdParseTest, CountsAndRatesTakeABareNumber) {
  EXPECT_DOUBLE_EQ(Parsed("cycles>=1000").limit, 1000.0);
  EXPECT_DOUBLE_EQ(Parsed("cycles_per_second>=50.5").limit, 50.5);
  EXPECT_DOUBLE_EQ(Parsed("leak_per_1000<1").limit, 1.0);
  EXPECT_DOUBLE_EQ(Parsed("threads_per_1000<=0").limit, 0.0);
}

struct BadCase {
  std::string expression;
  std::vector<std::string> says;  // every one must be in the message
};

TEST(ThresholdParseTest, BadExpressionsSayWhatIsWrongAndWhatIsAllowed) {
  const std::vector<BadCase> cases = {
      {"", {"empty", "METRIC OP NUMBER[UNIT]", "success_ratio", "memory_per_1000"}},
      {"   ", {"empty", "dial_p99<=30s"}},
      {"dial_p98<=30s", {"unknown metric \"dial_p98\"", "dial_p99_9", "hangup_mean", "cycles"}},
      {"DIAL_P99<=30s", {"unknown metric \"DIAL_P99\"", "dial_p99"}},
      {"<=30s", {"no metric name before \"<=30s\"", "leak_per_1000"}},
      {"dial_p99=30s", {"\"=\" is not an operator", "use <, <=, > or >="}},
      {"dial_p99==30s", {"\"==\" is not an operator", "use <, <=, > or >="}},
      {"dial_p99 => 30s", {"\"=>\" is not an operator"}},
      {"dial_p99 30s", {"no operator after dial_p99", "use <, <=, > or >="}},
      {"dial_p99", {"no operator after dial_p99"}},
      {"dial_p99<=", {"no limit after <=", "METRIC OP NUMBER[UNIT]"}},
      {"dial_p99<=30d",
       {"unknown unit \"d\" for dial_p99", "us, ms, s, m or h", "bare number is seconds"}},
      {"dial_p99<=30sec", {"unknown unit \"sec\" for dial_p99", "us, ms, s, m or h"}},
      {"dial_p99<=-1s", {"negative limit \"-1s\"", "below zero"}},
      {"dial_p99<=+1s", {"\"+1s\"", "without a sign"}},
      {"dial_p99<=nan", {"\"nan\" is not a number", "no exponent, inf or nan"}},
      {"dial_p99<=inf", {"\"inf\" is not a number"}},
      {"cycles>=1e6", {"\"1e6\" is not a number", "no exponent"}},
      {"dial_p99 <== 3", {"\"<==\" is not an operator", "use <, <=, > or >="}},
      {"dial_p99<>3", {"\"<>\" is not an operator"}},
      {"dial_p99<=1.2.3s", {"\"1.2.3s\" is not a number"}},
      {"dial_p99<=1.s", {"\"1.s\" is not a number"}},
      {"dial_p99<=1,5s", {"\"1,5s\" is not a number", "a point"}},
      {"dial_p99<=30s and more", {"unexpected \"and more\" after the limit 30s"}},
      {"success_ratio>=1.5", {"success_ratio is a ratio", "0..1 or 0%..100%", "not 1.5"}},
      {"success_ratio>=150%", {"0..1 or 0%..100%", "not 150%"}},
      {"success_ratio>=0.99ms", {"unknown unit \"ms\" for success_ratio", "percent (99%)"}},
      {"cycles>=1000s", {"unknown unit \"s\" for cycles", "bare number, no unit"}},
      {"memory_per_1000<64KB", {"unknown unit \"KB\" for memory_per_1000", "B, KiB or MiB"}},
      {"leak_per_1000<1%", {"unknown unit \"%\" for leak_per_1000"}},
      {"connect_rate_p10>=28.8kbps",
       {"unknown unit \"kbps\" for connect_rate_p10", "bare number of bit/s"}},
      {"cycles>=1" + std::string(400, '0'), {"is out of range"}},
  };
  for (const BadCase& c : cases) {
    const std::string message = ErrorOf(c.expression);
    EXPECT_THAT(message, StartsWith("threshold \"" + c.expression + "\": ")) << c.expression;
    for (const std::string& part : c.says) {
      EXPECT_THAT(message, HasSubstr(part)) << c.expression;
    }
  }
}

// --- checking ---

TEST(ThresholdCheckTest, TheFixtureRunIsWhatTheChecksAssume) {
  const report::Summary s = SoakRun();
  ASSERT_EQ(s.cycles, 1000);
  ASSERT_EQ(s.Count(CallResult::Connect), 990);
  ASSERT_EQ(s.hangup_failures, 5);
  ASSERT_EQ(s.dial.p99, milliseconds(990));
  ASSERT_DOUBLE_EQ(s.cycles_per_second, 100.0);
}

TEST(ThresholdCheckTest, DurationsPassOrBreachWithTheValueInTheLimitsUnit) {
  const report::Summary s = SoakRun();
  ThresholdCheck c = CheckOne("dial_p99<=30s", s);
  EXPECT_TRUE(c.has_value);
  EXPECT_TRUE(c.passed);
  EXPECT_DOUBLE_EQ(c.observed, 0.99);
  EXPECT_EQ(c.metric, "dial_p99");
  EXPECT_EQ(c.expression, "dial_p99<=30s");
  EXPECT_EQ(c.message, "dial_p99 = 0.99 s, limit <= 30 s: ok");

  c = CheckOne("dial_p99 <= 500ms", s);
  EXPECT_TRUE(c.has_value);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message, "dial_p99 = 990 ms, limit <= 500 ms: breached");

  EXPECT_EQ(CheckOne("dial_p50<0.6", s).message, "dial_p50 = 0.5 s, limit < 0.6 s: ok");
  EXPECT_EQ(CheckOne("dial_p90>=1m", s).message, "dial_p90 = 0.015 m, limit >= 1 m: breached");
  EXPECT_DOUBLE_EQ(CheckOne("dial_p99_9<1s", s).observed, 0.999);
  EXPECT_DOUBLE_EQ(CheckOne("dial_max<1s", s).observed, 1.0);
  EXPECT_FALSE(CheckOne("dial_max<1s", s).passed);
  EXPECT_DOUBLE_EQ(CheckOne("dial_mean<1s", s).observed, 0.5005);
  EXPECT_DOUBLE_EQ(CheckOne("hangup_max<=50ms", s).observed, 0.05);
  EXPECT_TRUE(CheckOne("hangup_max<=50ms", s).passed);
  EXPECT_FALSE(CheckOne("hangup_p50>30ms", s).passed);
  EXPECT_GT(CheckOne("hangup_p90>1ms", s).observed, 0.04);
  EXPECT_GT(CheckOne("hangup_p99_9>1ms", s).observed, 0.04);
  EXPECT_GT(CheckOne("hangup_mean>1ms", s).observed, 0.02);
  EXPECT_TRUE(CheckOne("hangup_p99<=5s", s).passed);
}

TEST(ThresholdCheckTest, EqualValuesMeetInclusiveLimitsWhateverTheUnit) {
  const report::Summary s = SoakRun();
  EXPECT_TRUE(CheckOne("dial_p99<=990ms", s).passed);
  EXPECT_TRUE(CheckOne("dial_p99<=0.99s", s).passed);
  EXPECT_TRUE(CheckOne("dial_p99>=0.0165m", s).passed);
  EXPECT_FALSE(CheckOne("dial_p99<0.99s", s).passed);
  EXPECT_FALSE(CheckOne("dial_p99>990ms", s).passed);
  EXPECT_TRUE(CheckOne("success_ratio>=99%", s).passed);
  EXPECT_FALSE(CheckOne("success_ratio>0.99", s).passed);
}

TEST(ThresholdCheckTest, PercentLimitsMeetTheRatioTheyWrite) {
  // 57 * 0.01 is 0.5700000000000001 in binary floating point, 57 / 100 is 0.57.
  report::RunSummary rs;
  for (int i = 0; i < 100; ++i) {
    rs.OnCycle(Cycle(i < 57 ? CallResult::Connect : CallResult::NoAnswer, milliseconds(1)));
  }
  const report::Summary s = rs.summary();
  EXPECT_TRUE(CheckOne("success_ratio>=57%", s).passed);
  EXPECT_TRUE(CheckOne("success_ratio<=57%", s).passed);
  EXPECT_FALSE(CheckOne("success_ratio>57%", s).passed);
  EXPECT_FALSE(CheckOne("success_ratio<57%", s).passed);
  EXPECT_EQ(CheckOne("success_ratio>=57%", s).message, "success_ratio = 57%, limit >= 57%: ok");
}

TEST(ThresholdCheckTest, RatiosCountsAndRates) {
  const report::Summary s = SoakRun();
  ThresholdCheck c = CheckOne("success_ratio>=99.5%", s);
  EXPECT_DOUBLE_EQ(c.observed, 0.99);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message, "success_ratio = 99%, limit >= 99.5%: breached");
  c = CheckOne("failure_ratio<=0.02", s);
  EXPECT_DOUBLE_EQ(c.observed, 0.015) << "10 BUSY and 5 failed hang-ups in 1000";
  EXPECT_TRUE(c.passed);
  EXPECT_EQ(c.message, "failure_ratio = 0.015, limit <= 0.02: ok");
  c = CheckOne("cycles>=1000", s);
  EXPECT_EQ(c.message, "cycles = 1000, limit >= 1000: ok");
  EXPECT_FALSE(CheckOne("cycles>1000", s).passed);
  c = CheckOne("cycles_per_second>=120", s);
  EXPECT_DOUBLE_EQ(c.observed, 100.0);
  EXPECT_EQ(c.message, "cycles_per_second = 100, limit >= 120: breached");
}

// The bug: an open-loop run that dropped 111 of 136 arrivals at origin (every line busy,
// never dialed) had success_ratio 1. The ratios are over the calls: dials + dropped.
TEST(ThresholdCheckTest, RatiosCountCallsDroppedAtOrigin) {
  report::Summary s = SoakRun();  // 1000 cycles, 990 CONNECT, 5 failed hang-ups
  s.dropped_at_origin = 1000;
  ThresholdCheck c = CheckOne("success_ratio>=0.99", s);
  EXPECT_DOUBLE_EQ(c.observed, 0.495) << "990 of 2000 calls connected";
  EXPECT_FALSE(c.passed);
  c = CheckOne("failure_ratio<=0.5", s);
  EXPECT_DOUBLE_EQ(c.observed, 1015.0 / 2000) << "10 BUSY, 5 failed hang-ups, 1000 dropped";
  EXPECT_FALSE(c.passed);
  report::Summary none_dialed;
  none_dialed.dropped_at_origin = 4;
  c = CheckOne("success_ratio>=0.5", none_dialed);
  EXPECT_TRUE(c.has_value) << "4 calls offered, none dialed";
  EXPECT_DOUBLE_EQ(c.observed, 0);
  EXPECT_FALSE(c.passed);
}

TEST(ThresholdCheckTest, NothingToMeasureFailsAndSaysWhy) {
  report::RunSummary rs;
  rs.OnRunStart(Info());
  const report::Summary empty = rs.summary();
  struct Want {
    const char* expression;
    const char* why;
  };
  for (const Want& w :
       {Want{"dial_p99<=30s", "no dial connected"},
        Want{"dial_all_p99<=30s", "no dial was made"},
        Want{"hangup_p99<=5s", "no hang-up was confirmed"},
        Want{"hangup_all_p99<=5s", "no call needed a hang-up"},
        Want{"success_ratio>=0.99", "no call was made"},
        Want{"failure_ratio<=1", "no call was made"},
        Want{"cycles_per_second>=0", "elapsed time is zero"},
        Want{"leak_per_1000<1", "no handles leak check was made"},
        Want{"threads_per_1000<1", "no threads leak check was made"},
        Want{"memory_per_1000<1KiB", "no resident_memory leak check was made"}}) {
    ThresholdCheck c = CheckOne(w.expression, empty);
    EXPECT_FALSE(c.has_value) << w.expression;
    EXPECT_FALSE(c.passed) << w.expression;
    EXPECT_THAT(c.message, HasSubstr(w.why)) << w.expression;
    EXPECT_THAT(c.message, HasSubstr(": failed")) << w.expression;
  }
  EXPECT_EQ(CheckOne("dial_p99<=30s", empty).message,
            "dial_p99 has no value (no dial connected), limit <= 30 s: failed");
  ThresholdCheck cycles = CheckOne("cycles>=0", empty);
  EXPECT_TRUE(cycles.has_value) << "cycles always has a value";
  EXPECT_TRUE(cycles.passed);
}

TEST(ThresholdCheckTest, HangupMetricsHaveNoValueWhenNoCallConnected) {
  report::RunSummary rs;
  for (int i = 0; i < 3; ++i) rs.OnCycle(Cycle(CallResult::NoCarrier, milliseconds(40)));
  const report::Summary s = rs.summary();
  EXPECT_TRUE(CheckOne("dial_all_p99<=1s", s).passed) << "every dial: 40 ms";
  EXPECT_FALSE(CheckOne("dial_p99<=1s", s).has_value) << "no connected dial";
  EXPECT_FALSE(CheckOne("hangup_p99<=1s", s).has_value);
  EXPECT_DOUBLE_EQ(CheckOne("success_ratio>=0", s).observed, 0.0);
}

TEST(ThresholdCheckTest, LeakPer1000IsTheLargestHandlesSlopeWithData) {
  const report::Summary s = SoakRun();
  const std::vector<LeakCheck> leaks = {
      Leak("self", "handles", "ok", 0.2),
      Leak("modemsim", "handles", "leak", 37),
      Leak("pppd", "handles", "insufficient_data", 500),  // not counted
      Leak("self", "threads", "leak", 5),
      Leak("self", "resident_memory", "ok", 2048),
      Leak("modemsim", "resident_memory", "insufficient_data", 1e9),  // not counted
  };
  ThresholdCheck c = CheckOne("leak_per_1000<1", s, leaks);
  EXPECT_TRUE(c.has_value);
  EXPECT_DOUBLE_EQ(c.observed, 37.0);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message, "leak_per_1000 = 37, limit < 1: breached");
  EXPECT_TRUE(CheckOne("leak_per_1000<=37", s, leaks).passed);
  EXPECT_DOUBLE_EQ(CheckOne("threads_per_1000<1", s, leaks).observed, 5.0);
  c = CheckOne("memory_per_1000<1KiB", s, leaks);
  EXPECT_DOUBLE_EQ(c.observed, 2048.0);
  EXPECT_EQ(c.message, "memory_per_1000 = 2 KiB, limit < 1 KiB: breached");
  EXPECT_EQ(CheckOne("memory_per_1000<4096", s, leaks).message,
            "memory_per_1000 = 2048 B, limit < 4096 B: ok");
}

TEST(ThresholdCheckTest, LeakPer1000KeepsNegativeSlopesAndSkipsInsufficientData) {
  const report::Summary s = SoakRun();
  const std::vector<LeakCheck> shrinking = {Leak("self", "handles", "ok", -3),
                                            Leak("modemsim", "handles", "ok", -1),
                                            Leak("pppd", "handles", "not_seen", 0)};  // skipped
  ThresholdCheck c = CheckOne("leak_per_1000<1", s, shrinking);
  EXPECT_DOUBLE_EQ(c.observed, -1.0);
  EXPECT_TRUE(c.passed);
  const std::vector<LeakCheck> unsure = {Leak("self", "handles", "insufficient_data", 0),
                                         Leak("self", "threads", "ok", 0)};
  c = CheckOne("leak_per_1000<1", s, unsure);
  EXPECT_FALSE(c.has_value);
  EXPECT_FALSE(c.passed);
  EXPECT_THAT(c.message, HasSubstr("every handles leak check had insufficient data"));
}

TEST(ThresholdCheckTest, OneCheckPerThresholdInOrder) {
  const report::Summary s = SoakRun();
  std::vector<Threshold> t;
  for (const char* e : {"cycles>=1", "dial_p99<=1ms", "success_ratio>=0.5"}) t.push_back(Parsed(e));
  const std::vector<ThresholdCheck> c = CheckThresholds(t, s, {});
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].expression, "cycles>=1");
  EXPECT_TRUE(c[0].passed);
  EXPECT_EQ(c[1].expression, "dial_p99<=1ms");
  EXPECT_FALSE(c[1].passed);
  EXPECT_EQ(c[2].metric, "success_ratio");
  EXPECT_TRUE(c[2].passed);
}

}  // namespace
}  // namespace dialsoak::analysis

namespace dialsoak::analysis {
namespace {

// 8 calls at 33600, 1 at 28800, 1 at 2400 (a fallback), and one CONNECT without a rate.
report::Summary FallbackRun() {
  report::RunSummary rs;
  rs.OnRunStart(report::fixtures::Info());
  auto connected = [&rs](std::optional<std::uint32_t> rate) {
    CycleRecord c = report::fixtures::Connected(std::chrono::milliseconds(5),
                                                std::chrono::milliseconds(1));
    c.connect_rate = rate;
    rs.OnCycle(c);
  };
  for (int i = 0; i < 8; ++i) connected(33600);
  connected(28800);
  connected(2400);
  connected(std::nullopt);
  return rs.summary();
}

ThresholdCheck CheckRate(std::string_view expression, const report::Summary& s) {
  auto t = ParseThreshold(expression);
  EXPECT_TRUE(t.has_value()) << expression;
  if (!t) return {};
  return CheckThresholds(std::vector<Threshold>{*t}, s, {}).front();
}

TEST(ThresholdCheckTest, ConnectRatePercentilesAreNearestRankOverTheCallsThatSaidOne) {
  const report::Summary s = FallbackRun();
  ThresholdCheck c = CheckRate("connect_rate_p10>=28800", s);
  EXPECT_TRUE(c.has_value);
  EXPECT_DOUBLE_EQ(c.observed, 2400);  // rank 1 of 10
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message, "connect_rate_p10 = 2400 bit/s, limit >= 28800 bit/s: breached");
  EXPECT_TRUE(CheckRate("connect_rate_p10>=2400", s).passed);
  EXPECT_DOUBLE_EQ(CheckRate("connect_rate_p50>=28800", s).observed, 33600);
  EXPECT_TRUE(CheckRate("connect_rate_p50>=28800", s).passed);
  EXPECT_DOUBLE_EQ(CheckRate("connect_rate_min>1200", s).observed, 2400);
}

TEST(ThresholdCheckTest, ConnectRateHasNoValueWhenNoModemSaidARate) {
  report::RunSummary rs;
  rs.OnRunStart(report::fixtures::Info());
  rs.OnCycle(report::fixtures::Connected(std::chrono::milliseconds(5),
                                         std::chrono::milliseconds(1)));
  const ThresholdCheck c = CheckRate("connect_rate_p10>=28800", rs.summary());
  EXPECT_FALSE(c.has_value);
  EXPECT_FALSE(c.passed);
  EXPECT_EQ(c.message,
            "connect_rate_p10 has no value (no connected call's modem said its rate), "
            "limit >= 28800 bit/s: failed");
}

}  // namespace
}  // namespace dialsoak::analysis
