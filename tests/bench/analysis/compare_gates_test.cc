#include "dialsoak/analysis/compare_gates.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace dialsoak::analysis {
namespace {

using report::Change;
using report::Comparison;
using report::ComparisonRow;
using report::GateResult;

Gate Parsed(const std::string& text) {
  auto g = ParseGate(text);
  if (!g) ADD_FAILURE() << text << ": " << g.error().message;
  return g ? *g : Gate{};
}

std::string Refusal(const std::string& text) {
  auto g = ParseGate(text);
  if (g) {
    ADD_FAILURE() << text << " was accepted";
    return "";
  }
  EXPECT_NE(g.error().message.find(text), std::string::npos) << g.error().message;  // names the gate
  return g.error().message;
}

// ---- ParseGate ----

TEST(ParseGateTest, AcceptsARelativeLatencyLimit) {
  const Gate g = Parsed("dial_p99>10%");
  EXPECT_EQ(g.kind, Gate::Kind::Limit);
  EXPECT_EQ(g.expression, "dial_p99>10%");
  EXPECT_EQ(g.metric, "dial_p99");
  EXPECT_TRUE(g.above);
  EXPECT_EQ(g.unit, Gate::Unit::Relative);
  EXPECT_DOUBLE_EQ(g.limit, 0.10);
}

TEST(ParseGateTest, AcceptsANegativeLimitInPercentagePointsOfAShare) {
  const Gate g = Parsed("connect_share<-0.5pp");
  EXPECT_EQ(g.metric, "connect_share");
  EXPECT_FALSE(g.above);
  EXPECT_EQ(g.unit, Gate::Unit::Points);
  EXPECT_DOUBLE_EQ(g.limit, -0.005);
}

TEST(ParseGateTest, AcceptsAFallingThroughputLimit) {
  const Gate g = Parsed("cycles_per_second<-5%");
  EXPECT_EQ(g.metric, "cycles_per_second");
  EXPECT_FALSE(g.above);
  EXPECT_EQ(g.unit, Gate::Unit::Relative);
  EXPECT_DOUBLE_EQ(g.limit, -0.05);
}

TEST(ParseGateTest, AcceptsTimesOfALatencyInSeconds) {
  const Gate ms = Parsed("dial_p50>2ms");
  EXPECT_EQ(ms.unit, Gate::Unit::Seconds);
  EXPECT_DOUBLE_EQ(ms.limit, 0.002);
  EXPECT_DOUBLE_EQ(Parsed("hangup_p99>300us").limit, 300e-6);
  EXPECT_DOUBLE_EQ(Parsed("start_lag_p99_9>0.2s").limit, 0.2);
}

TEST(ParseGateTest, AcceptsABareNumberInTheMetricsUnit) {
  const Gate g = Parsed("leak_per_1000>5");
  EXPECT_EQ(g.unit, Gate::Unit::Plain);
  EXPECT_DOUBLE_EQ(g.limit, 5);
}

TEST(ParseGateTest, AcceptsLeakAnyAndNone) {
  EXPECT_EQ(Parsed("leak").kind, Gate::Kind::Leak);
  EXPECT_EQ(Parsed("any").kind, Gate::Kind::Any);
  EXPECT_EQ(Parsed("none").kind, Gate::Kind::None);
}

TEST(ParseGateTest, AcceptsEveryMetricItLists) {
  for (const std::string& m : GateMetrics()) EXPECT_EQ(Parsed(m + ">1%").metric, m);
}

TEST(ParseGateTest, RefusesGarbageNamingTheFormsAllowed) {
  for (const char* bad : {"", "dial_p99", ">10%", "fail", "leaks"}) {
    const std::string m = Refusal(bad);
    EXPECT_NE(m.find("METRIC>LIMIT"), std::string::npos) << m;
    EXPECT_NE(m.find("leak, any or none"), std::string::npos) << m;
  }
}

TEST(ParseGateTest, RefusesAnUnknownMetricListingTheKnownOnes) {
  const std::string m = Refusal("dial_p95>10%");
  EXPECT_NE(m.find("dial_p95"), std::string::npos) << m;
  for (const std::string& known : GateMetrics()) EXPECT_NE(m.find(known), std::string::npos) << known;
}

TEST(ParseGateTest, RefusesALimitThatIsNotANumber) {
  for (const char* bad : {"dial_p99>", "dial_p99>abc", "dial_p99>10%%", "dial_p99>%", "dial_p99>nan",
                          "dial_p99>inf", "dial_p99>1e999", "dial_p99>10>5"}) {
    EXPECT_NE(Refusal(bad).find("not a number"), std::string::npos) << bad;
  }
}

TEST(ParseGateTest, RefusesOrEqualSaying) {
  EXPECT_NE(Refusal("dial_p99>=10%").find("use > or <"), std::string::npos);
}

TEST(ParseGateTest, RefusesUnitsThatDoNotFitTheMetric) {
  EXPECT_NE(Refusal("cycles_per_second<-5ms").find("latencies"), std::string::npos);
  EXPECT_NE(Refusal("busy_share>1s").find("latencies"), std::string::npos);
  EXPECT_NE(Refusal("dial_p99>1pp").find("shares"), std::string::npos);
  EXPECT_NE(Refusal("cycles_per_second<-1pp").find("shares"), std::string::npos);
  // Percentage points of blocking are a share's.
  EXPECT_EQ(Parsed("blocking>1pp").unit, Gate::Unit::Points);
}

// ---- EvaluateGates ----

// A row with BASE `base`, difference `diff` and its interval; its verdict from the
// interval (as CompareRuns would have it, without a noise floor).
ComparisonRow Row(std::string metric, std::string unit, double base, double diff, double lower,
                  double upper, bool higher_is_worse = true) {
  ComparisonRow r;
  r.group = "latency";
  r.label = metric;
  r.metric = std::move(metric);
  r.unit = std::move(unit);
  r.base = base;
  r.next = base + diff;
  r.diff = diff;
  r.lower = lower;
  r.upper = upper;
  r.higher_is_worse = higher_is_worse;
  const bool up = lower > 0, down = upper < 0;
  r.change = !up && !down ? Change::NoChange : up == higher_is_worse ? Change::Worse : Change::Better;
  return r;
}

Comparison With(std::vector<ComparisonRow> rows) {
  Comparison c;
  c.kind = "run";
  c.confidence = 0.99;
  c.rows = std::move(rows);
  c.simultaneous = static_cast<int>(c.rows.size());
  return c;
}

GateResult Evaluate(const std::string& gate, const Comparison& c) {
  const auto results = EvaluateGates({Parsed(gate)}, c);
  EXPECT_EQ(results.size(), 1u);
  return results.empty() ? GateResult{} : results[0];
}

TEST(EvaluateGatesTest, ALimitGateFailsWhenTheIntervalIsWhollyBeyondTheLimit) {
  // dial p99 100 ms -> 115 ms, [+12 ms, +18 ms]: +12 % at least, over 10 %.
  const Comparison c = With({Row("dial_p99", "s", 0.100, 0.015, 0.012, 0.018)});
  const GateResult g = Evaluate("dial_p99>10%", c);
  EXPECT_TRUE(g.failed) << g.message;
  EXPECT_EQ(g.expression, "dial_p99>10%");
  EXPECT_NE(g.message.find("dial_p99"), std::string::npos) << g.message;
  EXPECT_TRUE(Evaluate("dial_p99>10ms", c).failed);
  EXPECT_FALSE(Evaluate("dial_p99>20ms", c).failed);  // wholly below +20 ms
  EXPECT_FALSE(Evaluate("dial_p99>20%", c).failed);
}

TEST(EvaluateGatesTest, ALimitGatePassesWhenTheDifferenceIsNotToldFromNoise) {
  // +15 %, but the interval holds 0.
  const Comparison c = With({Row("dial_p99", "s", 0.100, 0.015, -0.002, 0.032)});
  const GateResult g = Evaluate("dial_p99>10%", c);
  EXPECT_FALSE(g.failed) << g.message;
}

TEST(EvaluateGatesTest, ALimitGatePassesWhenTheIntervalIsWhollyWithinTheLimit) {
  // Certainly worse (+3 ms, [+2, +4]), but within 10 %.
  const Comparison c = With({Row("dial_p99", "s", 0.100, 0.003, 0.002, 0.004)});
  EXPECT_EQ(c.rows[0].change, Change::Worse);
  EXPECT_FALSE(Evaluate("dial_p99>10%", c).failed);
  EXPECT_TRUE(Evaluate("any", c).failed);  // and yet a row is worse
}

TEST(EvaluateGatesTest, AFallingLimitGateFailsOnlyBelowItsLimit) {
  // Connect share 99 % -> 97.5 %, [-2 pp, -1 pp].
  const Comparison fell = With({Row("connect_share", "share", 0.99, -0.015, -0.02, -0.01, false)});
  EXPECT_TRUE(Evaluate("connect_share<-0.5pp", fell).failed);
  EXPECT_FALSE(Evaluate("connect_share<-3pp", fell).failed);
  // A rise never fails a '<' gate.
  const Comparison rose = With({Row("connect_share", "share", 0.97, 0.015, 0.01, 0.02, false)});
  EXPECT_FALSE(Evaluate("connect_share<-0.5pp", rose).failed);
  // Throughput: 100 -> 90 cycles/s, [-12, -8].
  const Comparison slower = With({Row("cycles_per_second", "cycles/s", 100, -10, -12, -8, false)});
  EXPECT_TRUE(Evaluate("cycles_per_second<-5%", slower).failed);
  EXPECT_FALSE(Evaluate("cycles_per_second<-15%", slower).failed);
}

TEST(EvaluateGatesTest, AMetricWithSeveralRowsFailsWhenAnyRowDoes) {
  ComparisonRow low = Row("blocking", "share", 0.001, 0.0001, -0.0001, 0.0003);
  low.label = "blocking at 2 E";
  ComparisonRow high = Row("blocking", "share", 0.02, 0.02, 0.015, 0.025);
  high.label = "blocking at 6 E";
  const GateResult g = Evaluate("blocking>1pp", With({low, high}));
  EXPECT_TRUE(g.failed);
  EXPECT_NE(g.message.find("blocking at 6 E"), std::string::npos) << g.message;
  EXPECT_EQ(g.message.find("blocking at 2 E"), std::string::npos) << g.message;
}

TEST(EvaluateGatesTest, AMetricNeitherRunHasPassesAndSaysSo) {
  const GateResult g = Evaluate("hangup_p99>10%", With({Row("dial_p99", "s", 0.1, 0.05, 0.04, 0.06)}));
  EXPECT_FALSE(g.failed);
  EXPECT_NE(g.message.find("neither run"), std::string::npos) << g.message;
}

TEST(EvaluateGatesTest, TheDefaultGateFailsWhenARowIsWorse) {
  ComparisonRow worse = Row("busy_share", "share", 0.01, 0.02, 0.015, 0.025);
  ComparisonRow same = Row("dial_p50", "s", 0.05, 0.0001, -0.001, 0.001);
  const auto failing = EvaluateGates({}, With({same, worse}));
  ASSERT_EQ(failing.size(), 1u);
  EXPECT_TRUE(failing[0].failed);
  EXPECT_NE(failing[0].message.find("busy_share"), std::string::npos) << failing[0].message;
  const auto passing = EvaluateGates({}, With({same}));
  ASSERT_EQ(passing.size(), 1u);
  EXPECT_FALSE(passing[0].failed) << passing[0].message;
  // A better row is no regression.
  EXPECT_FALSE(EvaluateGates({}, With({Row("busy_share", "share", 0.03, -0.02, -0.025, -0.015)}))[0].failed);
}

TEST(EvaluateGatesTest, NoneNeverFails) {
  const Comparison c = With({Row("dial_p99", "s", 0.1, 0.1, 0.09, 0.11)});
  ASSERT_EQ(c.rows[0].change, Change::Worse);
  const auto results = EvaluateGates({Parsed("none")}, c);
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].failed);
}

ComparisonRow LeakRow(std::string base_verdict, std::string next_verdict) {
  ComparisonRow r;
  r.group = "leaks";
  r.metric = "leak_per_1000";
  r.label = "self handles";
  r.unit = "per 1000 cycles";
  r.base_verdict = std::move(base_verdict);
  r.next_verdict = std::move(next_verdict);
  return r;
}

TEST(EvaluateGatesTest, LeakFailsWhenNewHasALeakVerdictWhateverBaseHad) {
  EXPECT_TRUE(Evaluate("leak", With({LeakRow("ok", "leak")})).failed);
  EXPECT_TRUE(Evaluate("leak", With({LeakRow("leak", "leak")})).failed);
  EXPECT_TRUE(Evaluate("leak", With({LeakRow("", "exhausted")})).failed);
  EXPECT_FALSE(Evaluate("leak", With({LeakRow("leak", "ok")})).failed);
  EXPECT_FALSE(Evaluate("leak", With({LeakRow("ok", "inconclusive")})).failed);
  EXPECT_FALSE(Evaluate("leak", With({})).failed);
}

TEST(EvaluateGatesTest, GivesOneResultPerGateInOrder) {
  const Comparison c = With({Row("dial_p99", "s", 0.1, 0.05, 0.04, 0.06), LeakRow("ok", "ok")});
  const auto results = EvaluateGates({Parsed("dial_p99>10%"), Parsed("leak"), Parsed("none")}, c);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0].expression, "dial_p99>10%");
  EXPECT_TRUE(results[0].failed);
  EXPECT_EQ(results[1].expression, "leak");
  EXPECT_FALSE(results[1].failed);
  EXPECT_EQ(results[2].expression, "none");
  EXPECT_FALSE(results[2].failed);
}

}  // namespace
}  // namespace dialsoak::analysis
