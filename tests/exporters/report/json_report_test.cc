#include "dialsoak/report/json_report.h"
#include "dialsoak/report/summary_table.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "records_builder.h"

namespace dialsoak::report {
namespace {

using namespace fixtures;  // NOLINT: the record builders
using nlohmann::json;

Summary Sample1() {
  RunSummary rs;
  RunInfo info = Info();
  using namespace std::chrono;
  info.started =
      sys_days{year{2026} / 11 / 28} + hours(6) + minutes(45) + seconds(12) + milliseconds(123);
  info.duration = hours(1);
  rs.OnRunStart(info);
  rs.OnProbe(Sample("self", SampleKind::Baseline, 11, 4, 1000));
  for (int i = 1; i <= 1000; ++i) rs.OnCycle(Connected(milliseconds(i), microseconds(1500)));
  rs.OnCycle(Cycle(CallResult::Busy, milliseconds(7), "BUSY"));
  rs.OnProbe(Sample("self", SampleKind::Periodic, 16, 5, 3000));
  rs.OnProbe(Sample("self", SampleKind::End, 12, 4, 2000));
  rs.OnRunEnd(RunEnd{StopReason::Completed, seconds(2), 1001, ""});
  return rs.summary();
}

json Config() { return json{{"lines", 4}, {"cycles", 250}, {"answer_delay", "fixed:0"}}; }

TEST(ReportJsonTest, RunIdentityAndStop) {
  json j = SummaryToJson(Sample1(), Config(), 1);
  EXPECT_EQ(j["report_format"], 2);
  EXPECT_EQ(j["tool"], "dialsoak");
  EXPECT_EQ(j["version"], "0.1.0");
  EXPECT_EQ(j["run_id"], "20261128T064512-4f2a");
  EXPECT_EQ(j["backend"], "sim");
  EXPECT_EQ(j["lines"], 4);
  EXPECT_EQ(j["cycles_per_line"], 250);
  EXPECT_EQ(j["duration_seconds"], 3600.0);
  EXPECT_EQ(j["started"], "2026-11-28T06:45:12.123Z");
  EXPECT_EQ(j["ended"], true);
  EXPECT_EQ(j["stop"]["reason"], "completed");
  EXPECT_EQ(j["elapsed_seconds"], 2.0);
  EXPECT_EQ(j["cycles"], 1001);
  EXPECT_EQ(j["cycles_per_second"], 500.5);
  EXPECT_EQ(j["exit_code"], 1);
  EXPECT_EQ(j["config"], Config());
}

TEST(ReportJsonTest, OutcomesKeyedByMetricLabelValues) {
  json o = SummaryToJson(Sample1(), Config(), 1)["outcomes"];
  ASSERT_TRUE(o.is_object());
  EXPECT_EQ(o.size(), static_cast<std::size_t>(kCallResultCount));
  for (int i = 0; i < kCallResultCount; ++i) {
    EXPECT_TRUE(o.contains(std::string(ToString(static_cast<CallResult>(i))))) << i;
  }
  EXPECT_EQ(o["connect"], 1000);
  EXPECT_EQ(o["busy"], 1);
  EXPECT_EQ(o["no_carrier"], 0);
  EXPECT_EQ(o["io_error"], 0);
}

TEST(ReportJsonTest, LatencyInSecondsAndNullWithoutSamples) {
  json l = SummaryToJson(Sample1(), Config(), 0)["latency_seconds"];
  // "dial": the 1000 connected dials (1..1000 ms), percentiles within 0.1 %.
  EXPECT_EQ(l["dial"]["count"], 1000);
  EXPECT_DOUBLE_EQ(l["dial"]["min"].get<double>(), 0.001);
  EXPECT_NEAR(l["dial"]["p50"].get<double>(), 0.500, 0.0005);
  EXPECT_NEAR(l["dial"]["p99"].get<double>(), 0.990, 0.00099);
  EXPECT_NEAR(l["dial"]["p99_99"].get<double>(), 1.0, 0.001);
  EXPECT_DOUBLE_EQ(l["dial"]["max"].get<double>(), 1.0);
  // "dial_all": with the 7 ms BUSY; by result, each its own.
  EXPECT_EQ(l["dial_all"]["count"], 1001);
  EXPECT_EQ(l["dial_by_result"]["busy"]["count"], 1);
  EXPECT_DOUBLE_EQ(l["dial_by_result"]["busy"]["p50"].get<double>(), 0.007);
  EXPECT_FALSE(l["dial_by_result"].contains("timeout")) << "results without dials left out";
  EXPECT_NEAR(l["hangup"]["p99_9"].get<double>(), 0.0015, 0.0000015);
  EXPECT_EQ(l["hangup"]["count"], 1000);
  EXPECT_EQ(l["hangup_failed"]["count"], 0);

  json empty = SummaryToJson(Summary{}, json::object(), 0)["latency_seconds"]["dial"];
  EXPECT_EQ(empty["count"], 0);
  EXPECT_TRUE(empty["p50"].is_null());
  EXPECT_TRUE(empty["max"].is_null());
}

TEST(ReportJsonTest, HangupsWithEveryMethod) {
  json h = SummaryToJson(Sample1(), Config(), 0)["hangups"];
  EXPECT_EQ(h["attempted"], 1000);
  EXPECT_EQ(h["failed"], 0);
  EXPECT_EQ(h["methods"]["dtr"], 1000);
  EXPECT_EQ(h["methods"]["escape"], 0);
  EXPECT_EQ(h["methods"].size(), static_cast<std::size_t>(kHangupMethodCount));
}

TEST(ReportJsonTest, DroppedAtOriginAlwaysPresent) {
  EXPECT_EQ(SummaryToJson(Sample1(), Config(), 0).at("dropped_at_origin"), 0);
  RunSummary rs;
  rs.OnCycle(Cycle(CallResult::Connect, milliseconds(1)));
  rs.OnDropped(DroppedCall{1, T0()});
  rs.OnDropped(DroppedCall{2, T0()});
  json j = SummaryToJson(rs.summary(), Config(), 0);
  EXPECT_EQ(j.at("dropped_at_origin"), 2);
  EXPECT_EQ(j.at("cycles"), 1);
}

TEST(ReportJsonTest, ProcessesBaselineEndMax) {
  json p = SummaryToJson(Sample1(), Config(), 0)["processes"]["self"];
  EXPECT_EQ(p["pid"], 4242);
  EXPECT_EQ(p["alive_at_end"], true);
  EXPECT_EQ(p["vanished"], false);
  EXPECT_EQ(p["samples"], 3);
  EXPECT_EQ(p["handles"]["baseline"], 11);
  EXPECT_EQ(p["handles"]["end"], 12);
  EXPECT_EQ(p["handles"]["max"], 16);
  EXPECT_EQ(p["threads"]["max"], 5);
  EXPECT_EQ(p["resident_bytes"]["baseline"], 1000);
  EXPECT_EQ(p["resident_bytes"]["end"], 2000);
  EXPECT_EQ(p["resident_bytes"]["max"], 3000);
}

TEST(ReportJsonTest, FailuresListed) {
  json f = SummaryToJson(Sample1(), Config(), 1)["failures"];
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0]["what"], "busy");
  EXPECT_EQ(f[0]["detail"], "BUSY");
  EXPECT_EQ(f[0]["count"], 1);
}

class ReportJsonFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dialsoak_json_XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    ::unlink((dir_ + "/report.json").c_str());
    ::rmdir(dir_.c_str());
  }
  std::string dir_;
};

TEST_F(ReportJsonFileTest, RoundTripsThroughTheFile) {
  json j = SummaryToJson(Sample1(), Config(), 1);
  std::string path = dir_ + "/report.json";
  auto written = WriteJsonReport(path, j);
  ASSERT_TRUE(written) << written.error().message;
  std::ifstream in(path);
  json back = json::parse(in);
  EXPECT_EQ(back, j);
}

TEST_F(ReportJsonFileTest, InvalidUtf8FromAModemIsReplacedNotThrown) {
  RunSummary rs;
  rs.OnCycle(Cycle(CallResult::Error, milliseconds(1), "ERR\xff\xfe"));
  json j = SummaryToJson(rs.summary(), json::object(), 1);
  std::string path = dir_ + "/report.json";
  auto written = WriteJsonReport(path, j);
  ASSERT_TRUE(written) << written.error().message;
  std::ifstream in(path);
  json back = json::parse(in);
  EXPECT_EQ(back["failures"][0]["detail"], "ERR\xef\xbf\xbd\xef\xbf\xbd");
}

// A restarted process: the restart listed, the name's entry the latest life, the earlier
// ones kept under it; the summary table says the same in words.
TEST(ReportJsonTest, RestartsListedAndEachLifeKept) {
  RunSummary rs;
  rs.OnRunStart(Info());
  ProbeSample s = Sample("pppd", SampleKind::Baseline, 16);
  s.pid = 100;
  rs.OnProbe(s);
  s.pid = 200;
  s.kind = SampleKind::Periodic;
  s.at += std::chrono::milliseconds(1500);
  s.cycles_done = 99;
  rs.OnProbe(s);
  const json j = SummaryToJson(rs.summary(), Config(), 9);
  ASSERT_EQ(j["restarts"].size(), 1u);
  EXPECT_EQ(j["restarts"][0]["process"], "pppd");
  EXPECT_EQ(j["restarts"][0]["old_pid"], 100);
  EXPECT_EQ(j["restarts"][0]["new_pid"], 200);
  EXPECT_EQ(j["restarts"][0]["seen_again_cycles"], 99);
  EXPECT_DOUBLE_EQ(j["restarts"][0]["gone_at_most_seconds"].get<double>(), 1.5);
  EXPECT_EQ(j["processes"]["pppd"]["pid"], 200);
  EXPECT_EQ(j["processes"]["pppd"]["incarnation"], 1);
  ASSERT_EQ(j["processes"]["pppd"]["earlier_lives"].size(), 1u);
  EXPECT_EQ(j["processes"]["pppd"]["earlier_lives"][0]["pid"], 100);
  EXPECT_EQ(j["processes"]["pppd"]["earlier_lives"][0]["restarted"], true);
  const std::string text = RenderSummary(rs.summary(), 9, "");
  EXPECT_NE(text.find("restart: pppd pid 100 -> 200"), std::string::npos) << text;
  EXPECT_NE(text.find("gone for at most 1.500 s"), std::string::npos) << text;
  EXPECT_NE(text.find("restarted"), std::string::npos) << text;
}

}  // namespace
}  // namespace dialsoak::report
