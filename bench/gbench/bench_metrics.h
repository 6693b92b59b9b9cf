// Google Benchmark results as Prometheus metrics: which runs of a benchmark::Run report
// are kept (BenchSample), and the registry of gauges pushed for them:
//   dialsoak_bench_real_time_seconds{benchmark,threads[,aggregate]}   per iteration
//   dialsoak_bench_cpu_time_seconds{...}                              per iteration
//   dialsoak_bench_iterations{benchmark,threads}                      single runs only
//   dialsoak_bench_error{...}                    1 when the run failed (SkipWithError)
//   dialsoak_bench_counter_<name>{...}           each user counter (state.counters[name])
//   dialsoak_build_info{version}                 always 1, as `dialsoak run` exports it
// `benchmark` is the run's name without its threads:N part, `threads` the thread count.
// Pure functions (no I/O); thread-compatible. Nothing throws for any Run or name.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <prometheus/registry.h>

namespace dialsoak::gbench {

// What is pushed of one run.
struct BenchSample {
  std::string benchmark;  // "BM_DialHangupCycle/real_time", "BM_AtParse/chunk:64"
  std::int64_t threads = 1;
  std::string aggregate;  // "" for a single run; "mean", "median", "stddev" otherwise
  bool error = false;     // times, iterations and counters are then absent
  double real_seconds = 0;  // per iteration
  double cpu_seconds = 0;   // per iteration
  double iterations = 0;     // all threads'; not pushed for an aggregate (see .cc)
  std::vector<std::pair<std::string, double>> counters;  // as the benchmark named them
};

// VALUE in UNIT (a Run's time unit) in seconds.
double ToSeconds(double value, benchmark::TimeUnit unit);

// NAME with every character outside [A-Za-z0-9_] replaced by '_' ("" gives "_").
std::string SanitizeMetricName(std::string_view name);

// The run's name without the threads:N part: function, arguments, min_time, iterations,
// repetitions and real_time parts joined by '/', as Google Benchmark joins them.
std::string BenchmarkLabel(const benchmark::BenchmarkName& name);

// The sample of RUN, or nullopt for a run that is not pushed:
//  - one repetition of several (--benchmark_repetitions=N): its mean, median and stddev
//    aggregates are pushed instead, labelled aggregate="mean" etc.; the repetitions
//    themselves would all have the same labels;
//  - an aggregate that is not a time (cv, a percentage; or the BigO and RMS of a
//    complexity fit): a ratio does not belong in a *_seconds series.
// A failed run is always kept, as an error sample.
std::optional<BenchSample> SampleOf(const benchmark::BenchmarkReporter::Run& run);

// A registry with the metrics above for SAMPLES, families created once, and
// dialsoak_build_info{version=VERSION} (what the dashboards' job and instance variables
// list). Two counter names that sanitize to one metric name within one sample keep the
// first; a note for each such clash is appended to NOTES.
std::shared_ptr<prometheus::Registry> BuildRegistry(const std::vector<BenchSample>& samples,
                                                    std::string_view version,
                                                    std::vector<std::string>& notes);

}  // namespace dialsoak::gbench
