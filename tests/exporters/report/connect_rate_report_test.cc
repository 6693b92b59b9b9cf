// The connect-rate part of a run's summary: the tally of connected calls by rate and
// modulation, its nearest-rank percentiles, the table in the terminal summary and the
// "connect_rate" object of the JSON report. Synthetic records.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "dialsoak/report/json_report.h"
#include "dialsoak/report/summary_table.h"
#include "records_builder.h"

namespace dialsoak::report {
namespace {

using namespace fixtures;  // NOLINT: the record builders
using ::testing::HasSubstr;
using ::testing::Not;

CycleRecord At(std::optional<std::uint32_t> rate, std::string modulation) {
  CycleRecord c = Connected(milliseconds(5), milliseconds(1));
  c.connect_rate = rate;
  c.modulation = std::move(modulation);
  return c;
}

// 7 at 33600 (V34), 2 at 28800 (V34), 1 at 2400 (V22BIS), 1 CONNECT without a rate, 1 BUSY.
Summary Fallbacks() {
  RunSummary rs;
  rs.OnRunStart(Info());
  for (int i = 0; i < 7; ++i) rs.OnCycle(At(33600, "V34"));
  for (int i = 0; i < 2; ++i) rs.OnCycle(At(28800, "V34"));
  rs.OnCycle(At(2400, "V22BIS"));
  rs.OnCycle(At(std::nullopt, ""));
  rs.OnCycle(Cycle(CallResult::Busy, milliseconds(3), "BUSY"));
  rs.OnRunEnd(RunEnd{StopReason::Completed, seconds(1), 12, ""});
  return rs.summary();
}

TEST(ConnectRateReportTest, CountsConnectedCallsByRateAndModulation) {
  const Summary s = Fallbacks();
  EXPECT_EQ(s.connect_rates.at(33600), 7);
  EXPECT_EQ(s.connect_rates.at(28800), 2);
  EXPECT_EQ(s.connect_rates.at(2400), 1);
  EXPECT_EQ(s.connect_rate_unknown, 1);
  EXPECT_EQ(s.modulations[ModulationIndex("V34")], 9);
  EXPECT_EQ(s.modulations[ModulationIndex("V22BIS")], 1);
  EXPECT_EQ(s.modulations[kModulationLabelCount - 1], 1);  // unknown
  // Nearest rank over the 10 calls that said a rate: 2400, 28800 x2, 33600 x7.
  EXPECT_EQ(s.ConnectRate(0.1), 2400u);
  EXPECT_EQ(s.ConnectRate(0.2), 28800u);
  EXPECT_EQ(s.ConnectRate(0.3), 28800u);
  EXPECT_EQ(s.ConnectRate(0.31), 33600u);
  EXPECT_EQ(s.ConnectRate(0.5), 33600u);
  EXPECT_EQ(s.ConnectRate(0.0), 2400u);
  EXPECT_EQ(s.ConnectRate(1.0), 33600u);
}

TEST(ConnectRateReportTest, ModulationLabelsAreAFixedSmallSet) {
  EXPECT_EQ(kModulationLabels[ModulationIndex("V32BIS")], "v32bis");
  EXPECT_EQ(kModulationLabels[ModulationIndex("V90")], "v90");
  EXPECT_EQ(kModulationLabels[ModulationIndex("K56FLEX")], "other");
  EXPECT_EQ(kModulationLabels[ModulationIndex("V23")], "other");
  EXPECT_EQ(kModulationLabels[ModulationIndex("")], "unknown");
}

TEST(ConnectRateReportTest, ATallyTellsAtMostSoManyRatesApart) {
  CycleTally t;
  for (std::uint32_t r = 1; r <= kMaxConnectRates + 6; ++r) {
    CycleRecord c = At(r * 100, "V34");
    AddCycle(t, c);
  }
  EXPECT_EQ(t.connect_rates.size(), kMaxConnectRates);
  EXPECT_EQ(t.connect_rate_other, 6);
  CycleTally merged;
  Merge(merged, t);
  Merge(merged, t);
  EXPECT_EQ(merged.connect_rates.size(), kMaxConnectRates);
  EXPECT_EQ(merged.connect_rates.at(100), 2);
  EXPECT_EQ(merged.connect_rate_other, 12);
  EXPECT_EQ(merged.modulations[ModulationIndex("V34")], 2 * (kMaxConnectRates + 6));
}

TEST(ConnectRateReportTest, TheSummaryTableShowsEachRateItsShareAndTheMedian) {
  const std::string text = RenderSummary(Fallbacks(), 0, "ok");
  EXPECT_THAT(text, HasSubstr("connect rate (bit/s)"));
  // Shares of the 11 connected calls.
  EXPECT_THAT(text, HasSubstr("33600                     7  63.64%"));
  EXPECT_THAT(text, HasSubstr("28800                     2  18.18%"));
  EXPECT_THAT(text, HasSubstr("2400                      1   9.09%"));
  EXPECT_THAT(text, HasSubstr("no rate said              1   9.09%"));
  EXPECT_THAT(text, HasSubstr("connect rate: median 33600 bit/s, p10 2400 bit/s, min 2400 bit/s"));
  EXPECT_THAT(text, HasSubstr("modulation: v22bis 1, v34 9, unknown 1"));
}

TEST(ConnectRateReportTest, NoTableWhenNoModemSaidARate) {
  RunSummary rs;
  rs.OnRunStart(Info());
  rs.OnCycle(At(std::nullopt, ""));  // a RAS line, a bare CONNECT
  rs.OnRunEnd(RunEnd{StopReason::Completed, seconds(1), 1, ""});
  const std::string text = RenderSummary(rs.summary(), 0, "ok");
  EXPECT_THAT(text, Not(HasSubstr("connect rate")));
}

TEST(ConnectRateReportTest, TheJsonReportHasTheSameTable) {
  const nlohmann::json j = SummaryToJson(Fallbacks(), nlohmann::json::object(), 0)["connect_rate"];
  ASSERT_EQ(j["rates"].size(), 3u);
  EXPECT_EQ(j["rates"][0]["rate"], 33600);
  EXPECT_EQ(j["rates"][0]["calls"], 7);
  EXPECT_NEAR(j["rates"][0]["share"].get<double>(), 7.0 / 11.0, 1e-12);
  EXPECT_EQ(j["rates"][2]["rate"], 2400);
  EXPECT_EQ(j["unknown"], 1);
  EXPECT_EQ(j["other"], 0);
  EXPECT_EQ(j["median"], 33600);
  EXPECT_EQ(j["p10"], 2400);
  EXPECT_EQ(j["min"], 2400);
  EXPECT_EQ(j["modulations"]["v34"], 9);
  EXPECT_EQ(j["modulations"]["unknown"], 1);
  EXPECT_EQ(j["modulations"].size(), kModulationLabelCount);
  // No connected call: nulls, not zeros.
  RunSummary empty;
  empty.OnRunStart(Info());
  const nlohmann::json e = SummaryToJson(empty.summary(), nlohmann::json::object(), 0);
  EXPECT_TRUE(e["connect_rate"]["median"].is_null());
  EXPECT_TRUE(e["connect_rate"]["rates"].empty());
}

}  // namespace
}  // namespace dialsoak::report
