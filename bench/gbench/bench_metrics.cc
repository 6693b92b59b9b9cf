#include "bench_metrics.h"

#include <cctype>
#include <map>
#include <set>

#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/labels.h>

namespace dialsoak::gbench {
namespace {

using Run = benchmark::BenchmarkReporter::Run;
using GaugeFamily = prometheus::Family<prometheus::Gauge>;

constexpr std::string_view kPrefix = "dialsoak_bench_";
constexpr std::string_view kCounterPrefix = "dialsoak_bench_counter_";

GaugeFamily& MakeFamily(prometheus::Registry& registry, std::string_view name,
                        std::string_view help) {
  return prometheus::BuildGauge()
      .Name(std::string(kPrefix) + std::string(name))
      .Help(std::string(help))
      .Register(registry);
}

prometheus::Labels LabelsOf(const BenchSample& s) {
  prometheus::Labels labels{{"benchmark", s.benchmark}, {"threads", std::to_string(s.threads)}};
  if (!s.aggregate.empty()) labels.emplace("aggregate", s.aggregate);
  return labels;
}

}  // namespace

double ToSeconds(double value, benchmark::TimeUnit unit) {
  return value / benchmark::GetTimeUnitMultiplier(unit);
}

std::string SanitizeMetricName(std::string_view name) {
  if (name.empty()) return "_";
  std::string out(name);
  for (char& c : out) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0) c = '_';
  }
  return out;
}

std::string BenchmarkLabel(const benchmark::BenchmarkName& name) {
  benchmark::BenchmarkName without_threads = name;
  without_threads.threads.clear();
  return without_threads.str();
}

std::optional<BenchSample> SampleOf(const Run& run) {
  BenchSample s;
  s.benchmark = BenchmarkLabel(run.run_name);
  s.threads = run.threads;
  if (run.error_occurred) {
    s.error = true;
    return s;
  }
  if (run.run_type == Run::RT_Aggregate) {
    if (run.report_big_o || run.report_rms || run.aggregate_unit != benchmark::kTime) {
      return std::nullopt;
    }
    s.aggregate = run.aggregate_name;
  } else if (run.repetitions > 1) {
    return std::nullopt;
  }
  s.real_seconds = ToSeconds(run.GetAdjustedRealTime(), run.time_unit);
  s.cpu_seconds = ToSeconds(run.GetAdjustedCPUTime(), run.time_unit);
  s.iterations = static_cast<double>(run.iterations);
  for (const auto& [name, counter] : run.counters) s.counters.emplace_back(name, counter.value);
  return s;
}

std::shared_ptr<prometheus::Registry> BuildRegistry(const std::vector<BenchSample>& samples,
                                                    std::string_view version,
                                                    std::vector<std::string>& notes) {
  auto registry = std::make_shared<prometheus::Registry>();
  // The same series as `dialsoak run` exports (exporters/prometheus), so a bench run shows
  // up in the dashboards' job and instance variables (label_values(dialsoak_build_info)).
  prometheus::BuildGauge()
      .Name("dialsoak_build_info")
      .Help("dialsoak's version (always 1)")
      .Register(*registry)
      .Add({{"version", std::string(version)}})
      .Set(1);
  GaugeFamily& real = MakeFamily(*registry, "real_time_seconds",
                                 "Wall-clock time per iteration of a Google Benchmark run.");
  GaugeFamily& cpu = MakeFamily(*registry, "cpu_time_seconds",
                                "CPU time per iteration of a Google Benchmark run.");
  GaugeFamily& iterations =
      MakeFamily(*registry, "iterations", "Iterations of a Google Benchmark run (all threads).");
  GaugeFamily& error = MakeFamily(
      *registry, "error", "1 when the benchmark run failed (SkipWithError), else 0.");
  std::map<std::string, GaugeFamily*> counter_families;

  for (const BenchSample& s : samples) {
    const prometheus::Labels labels = LabelsOf(s);
    error.Add(labels).Set(s.error ? 1 : 0);
    if (s.error) continue;
    real.Add(labels).Set(s.real_seconds);
    cpu.Add(labels).Set(s.cpu_seconds);
    // An aggregate's "iterations" is Google Benchmark's count of repetitions: left out.
    if (s.aggregate.empty()) iterations.Add(labels).Set(s.iterations);
    std::set<std::string> seen;
    for (const auto& [counter, value] : s.counters) {
      const std::string metric = std::string(kCounterPrefix) + SanitizeMetricName(counter);
      if (!seen.insert(metric).second) {
        notes.push_back("counter '" + counter + "' of " + s.benchmark + " is also " + metric +
                        ": not pushed");
        continue;
      }
      auto [it, added] = counter_families.try_emplace(metric, nullptr);
      if (added) {
        it->second = &prometheus::BuildGauge()
                          .Name(metric)
                          .Help("The Google Benchmark user counter of that name (state.counters).")
                          .Register(*registry);
      }
      it->second->Add(labels).Set(value);
    }
  }
  return registry;
}

}  // namespace dialsoak::gbench
