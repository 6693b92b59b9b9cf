#include "bench_metrics.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>

namespace dialsoak::gbench {
namespace {

using BenchRun = benchmark::BenchmarkReporter::Run;

TEST(ToSecondsTest, ConvertsEveryTimeUnit) {
  EXPECT_DOUBLE_EQ(ToSeconds(1500, benchmark::kNanosecond), 1.5e-6);
  EXPECT_DOUBLE_EQ(ToSeconds(7, benchmark::kMicrosecond), 7e-6);
  EXPECT_DOUBLE_EQ(ToSeconds(2, benchmark::kMillisecond), 0.002);
  EXPECT_DOUBLE_EQ(ToSeconds(3, benchmark::kSecond), 3);
}

TEST(SanitizeMetricNameTest, ReplacesWhatPrometheusNamesCannotHold) {
  EXPECT_EQ(SanitizeMetricName("cycles_per_second"), "cycles_per_second");
  EXPECT_EQ(SanitizeMetricName("bytes/s"), "bytes_s");
  EXPECT_EQ(SanitizeMetricName("a-b.c:d e"), "a_b_c_d_e");
  EXPECT_EQ(SanitizeMetricName("\xce\x94t"), "__t");  // a UTF-8 Delta is two bytes
  EXPECT_EQ(SanitizeMetricName(""), "_");
}

benchmark::BenchmarkName DialName(const std::string& threads) {
  benchmark::BenchmarkName n;
  n.function_name = "BM_DialHangupCycle";
  n.time_type = "real_time";
  n.threads = threads;
  return n;
}

TEST(BenchmarkLabelTest, DropsOnlyTheThreadsPart) {
  EXPECT_EQ(BenchmarkLabel(DialName("threads:4")), "BM_DialHangupCycle/real_time");
  benchmark::BenchmarkName at;
  at.function_name = "BM_AtParse";
  at.args = "chunk:64";
  EXPECT_EQ(BenchmarkLabel(at), "BM_AtParse/chunk:64");
}

// A single run of 4 threads: 200 iterations in 0.01 s of real time, measured in us.
BenchRun SingleRun() {
  BenchRun r;
  r.run_name = DialName("threads:4");
  r.threads = 4;
  r.iterations = 200;
  r.repetitions = 1;
  r.time_unit = benchmark::kMicrosecond;
  r.real_accumulated_time = 0.01;
  r.cpu_accumulated_time = 0.004;
  r.counters["cycles_per_second"] = benchmark::Counter(20000);
  r.counters["handle_delta"] = benchmark::Counter(0);
  return r;
}

TEST(SampleOfTest, SingleRunInSecondsPerIteration) {
  auto s = SampleOf(SingleRun());
  ASSERT_TRUE(s);
  EXPECT_EQ(s->benchmark, "BM_DialHangupCycle/real_time");
  EXPECT_EQ(s->threads, 4);
  EXPECT_EQ(s->aggregate, "");
  EXPECT_FALSE(s->error);
  EXPECT_DOUBLE_EQ(s->real_seconds, 0.01 / 200);
  EXPECT_DOUBLE_EQ(s->cpu_seconds, 0.004 / 200);
  EXPECT_DOUBLE_EQ(s->iterations, 200);
  ASSERT_EQ(s->counters.size(), 2u);
  EXPECT_EQ(s->counters[0], (std::pair<std::string, double>{"cycles_per_second", 20000}));
}

TEST(SampleOfTest, RepetitionsGiveWayToTheirTimeAggregates) {
  BenchRun rep = SingleRun();
  rep.repetitions = 3;
  EXPECT_FALSE(SampleOf(rep));

  BenchRun mean = rep;
  mean.run_type = BenchRun::RT_Aggregate;
  mean.aggregate_name = "mean";
  mean.iterations = 3;
  mean.real_accumulated_time = 2e-5;  // an aggregate holds the statistic over iterations
  auto s = SampleOf(mean);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->aggregate, "mean");
  EXPECT_DOUBLE_EQ(s->real_seconds, 2e-5 / 3);  // as GetAdjustedRealTime divides it

  BenchRun cv = mean;
  cv.aggregate_name = "cv";
  cv.aggregate_unit = benchmark::kPercentage;
  EXPECT_FALSE(SampleOf(cv));
  BenchRun big_o = mean;
  big_o.aggregate_name = "BigO";
  big_o.report_big_o = true;
  EXPECT_FALSE(SampleOf(big_o));
}

TEST(SampleOfTest, AFailedRunIsAnErrorSampleEvenAmongRepetitions) {
  BenchRun r = SingleRun();
  r.repetitions = 3;
  r.error_occurred = true;
  r.error_message = "dial did not connect";
  auto s = SampleOf(r);
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->error);
  EXPECT_TRUE(s->counters.empty());
}

// The value of NAME{LABELS...} in the registry, if there is such a series.
std::optional<double> Value(prometheus::Registry& registry, const std::string& name,
                            const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& m : family.metric) {
      std::map<std::string, std::string> got;
      for (const auto& l : m.label) got[l.name] = l.value;
      if (got == labels) return m.gauge.value;
    }
  }
  return std::nullopt;
}

TEST(BuildRegistryTest, OneGaugePerQuantityLabelledByBenchmarkAndThreads) {
  BenchSample single = *SampleOf(SingleRun());
  BenchSample failed;
  failed.benchmark = "BM_AtParse/chunk:1";
  failed.error = true;
  BenchSample mean = single;
  mean.aggregate = "mean";
  std::vector<std::string> notes;
  auto registry = BuildRegistry({single, failed, mean}, "9.9.9", notes);
  EXPECT_TRUE(notes.empty());

  const std::map<std::string, std::string> dial = {
      {"benchmark", "BM_DialHangupCycle/real_time"}, {"threads", "4"}};
  EXPECT_EQ(Value(*registry, "dialsoak_bench_real_time_seconds", dial), 0.01 / 200);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_cpu_time_seconds", dial), 0.004 / 200);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_iterations", dial), 200);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_error", dial), 0);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_counter_cycles_per_second", dial), 20000);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_counter_handle_delta", dial), 0);

  auto dial_mean = dial;
  dial_mean["aggregate"] = "mean";
  EXPECT_EQ(Value(*registry, "dialsoak_bench_real_time_seconds", dial_mean), 0.01 / 200);
  EXPECT_FALSE(Value(*registry, "dialsoak_bench_iterations", dial_mean))
      << "an aggregate's iterations is a count of repetitions";

  const std::map<std::string, std::string> at = {{"benchmark", "BM_AtParse/chunk:1"},
                                                 {"threads", "1"}};
  EXPECT_EQ(Value(*registry, "dialsoak_bench_error", at), 1);
  EXPECT_FALSE(Value(*registry, "dialsoak_bench_real_time_seconds", at));
  EXPECT_FALSE(Value(*registry, "dialsoak_bench_iterations", at));
}

// The dashboards' job and instance variables list label_values(dialsoak_build_info, ...):
// without it a bench push would not appear in them.
TEST(BuildRegistryTest, HasBuildInfoWithTheVersionAsDialsoakRunExportsIt) {
  std::vector<std::string> notes;
  auto registry = BuildRegistry({*SampleOf(SingleRun())}, "9.9.9", notes);
  EXPECT_EQ(Value(*registry, "dialsoak_build_info", {{"version", "9.9.9"}}), 1);
  int build_info_series = 0;
  for (const auto& family : registry->Collect()) {
    if (family.name != "dialsoak_build_info") continue;
    EXPECT_EQ(family.type, prometheus::MetricType::Gauge);
    build_info_series += static_cast<int>(family.metric.size());
  }
  EXPECT_EQ(build_info_series, 1);
}

TEST(BuildRegistryTest, HasBuildInfoEvenWithoutSamples) {
  std::vector<std::string> notes;
  auto registry = BuildRegistry({}, "0.1.0", notes);
  EXPECT_EQ(Value(*registry, "dialsoak_build_info", {{"version", "0.1.0"}}), 1);
}

TEST(BuildRegistryTest, CounterNamesThatSanitizeAlikeKeepTheFirst) {
  BenchSample s = *SampleOf(SingleRun());
  s.counters = {{"bytes/s", 1}, {"bytes_s", 2}};
  std::vector<std::string> notes;
  auto registry = BuildRegistry({s}, "9.9.9", notes);
  EXPECT_EQ(Value(*registry, "dialsoak_bench_counter_bytes_s",
                  {{"benchmark", s.benchmark}, {"threads", "4"}}),
            1);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].find("'bytes_s'"), std::string::npos) << notes[0];
}

}  // namespace
}  // namespace dialsoak::gbench
