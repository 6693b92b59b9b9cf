// BM_LeakWatchLiveEstimate: one live leak estimate of one watched process (three Theil-Sen
// fits of a full window, what LeakWatch does every second per process on the collector
// thread), with range(0) samples in the window.
// BM_LeakWatchSample: what each probe sample costs the leak watch (series and window).
#include <benchmark/benchmark.h>

#include <chrono>

#include "dialsoak/analysis/leak_watch.h"
#include "suites.h"

namespace dialsoak::gbench {
namespace {

using namespace std::chrono_literals;

ProbeSample SampleAt(Clock::time_point at, std::int64_t cycles) {
  // A flat count with a little noise: the common case, and the costliest (many ties).
  return ProbeSample{"self", 1, SampleKind::Periodic, at, cycles, true,
                     20 + cycles % 3, 4, (12 << 20) + (cycles % 7) * 4096, ""};
}

void BM_LeakWatchLiveEstimate(benchmark::State& state) {
  const auto points = static_cast<std::size_t>(state.range(0));
  analysis::LeakWatchOptions options;
  options.snapshot_fds = false;
  options.live_interval = 0s;  // an estimate at every tick
  options.window_points = points;
  analysis::LeakWatch watch(options);
  Clock::time_point at{};
  const auto spacing = options.window / static_cast<std::int64_t>(points);
  for (std::int64_t c = 0; c < static_cast<std::int64_t>(points); ++c) {
    at += spacing;
    watch.OnProbe(SampleAt(at, c * 10));
  }
  const std::int64_t cycles = static_cast<std::int64_t>(points) * 10;
  for (auto _ : state) watch.OnTick(at, cycles);
}

void BM_LeakWatchSample(benchmark::State& state) {
  analysis::LeakWatchOptions options;
  options.snapshot_fds = false;
  analysis::LeakWatch watch(options);
  Clock::time_point at{};
  std::int64_t c = 0;
  for (auto _ : state) {
    at += 10ms;
    watch.OnProbe(SampleAt(at, ++c));
  }
}

}  // namespace

void RegisterLeakWatchBenchmarks() {
  benchmark::RegisterBenchmark("BM_LeakWatchLiveEstimate", BM_LeakWatchLiveEstimate)
      ->Arg(100)
      ->Arg(300)
      ->Arg(1000)
      ->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("BM_LeakWatchSample", BM_LeakWatchSample);
}

}  // namespace dialsoak::gbench
