// BM_MetricsSinkCycle: what the Prometheus sink adds to each cycle (MetricsSink::OnCycle,
// called by the collector thread: one counter, one histogram observation, the hang-up
// histogram and the cycle counter; with arg 1, also the per-line counter).
// BM_MetricsExposition: one scrape's (or one push's) text of a run's registry with
// range(0) lines' per-line series (0: none), i.e. the cost the exposer pays per scrape.
#include <benchmark/benchmark.h>

#include <chrono>
#include <memory>

#include "dialsoak/prometheus/metrics_sink.h"
#include "dialsoak/prometheus/pushgateway.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

using namespace std::chrono_literals;

CycleRecord ConnectCycle(int line) {
  CycleRecord c;
  c.line = line;
  c.result = CallResult::Connect;
  c.dial_latency = 230ms;
  c.hung_up = true;
  c.hangup_latency = 400us;
  return c;
}

void BM_MetricsSinkCycle(benchmark::State& state) {
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus_export::MetricsSink sink(registry, "bench", {.per_line = state.range(0) != 0});
  RunInfo info;
  info.lines = 64;
  sink.OnRunStart(info);
  int line = 0;
  for (auto _ : state) {
    sink.OnCycle(ConnectCycle(line));
    line = (line + 1) % info.lines;
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_MetricsExposition(benchmark::State& state) {
  auto registry = std::make_shared<prometheus::Registry>();
  const int lines = static_cast<int>(state.range(0));
  prometheus_export::MetricsSink sink(registry, "bench", {.per_line = lines > 0});
  RunInfo info;
  info.lines = lines;
  sink.OnRunStart(info);
  for (int i = 0; i < 1000; ++i) sink.OnCycle(ConnectCycle(lines > 0 ? i % lines : 0));
  std::size_t bytes = 0;
  for (auto _ : state) {
    const std::string text = prometheus_export::Exposition(*registry);
    bytes = text.size();
    benchmark::DoNotOptimize(text.data());
  }
  state.counters["scrape_bytes"] = static_cast<double>(bytes);
}

}  // namespace

void RegisterMetricsBenchmarks() {
  benchmark::RegisterBenchmark("BM_MetricsSinkCycle", BM_MetricsSinkCycle)->Arg(0)->Arg(1);
  benchmark::RegisterBenchmark("BM_MetricsExposition", BM_MetricsExposition)
      ->Arg(0)
      ->Arg(64)
      ->Arg(1000);
}

}  // namespace dialsoak::gbench
