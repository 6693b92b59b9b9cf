// PushgatewayReporter: a benchmark::BenchmarkReporter that sits in front of the display
// reporter (the console table, or what --benchmark_format chose), forwards everything to
// it unchanged, and keeps a BenchSample of each run; PushSamples then pushes them to a
// Prometheus Pushgateway, once, after the run. --benchmark_out files are unaffected: the
// library writes them with its own file reporter.
// Thread safety: the reporter is called by RunSpecifiedBenchmarks on one thread; read
// samples() after it returned. PushSamples may be called from any thread.
// Errors: PushSamples returns what went wrong as a value; nothing here throws or exits.
#pragma once

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "bench_metrics.h"
#include "dialsoak/prometheus/pushgateway.h"
#include "push_flags.h"

namespace dialsoak::gbench {

class PushgatewayReporter : public benchmark::BenchmarkReporter {
 public:
  // DISPLAY must outlive this reporter (CreateDefaultDisplayReporter's does).
  explicit PushgatewayReporter(benchmark::BenchmarkReporter& display);

  bool ReportContext(const Context& context) override;
  void ReportRuns(const std::vector<Run>& reports) override;
  void Finalize() override;

  const std::vector<BenchSample>& samples() const { return samples_; }

 private:
  benchmark::BenchmarkReporter& display_;
  std::vector<BenchSample> samples_;
};

struct PushResult {
  enum class Status { kPushed, kFailed, kTimedOut };
  Status status = Status::kFailed;
  std::string message;             // why it failed; empty when pushed
  std::vector<std::string> notes;  // counters left out (see BuildRegistry)
};

// Pushes SAMPLES, and dialsoak_build_info with this build's version, to the Pushgateway
// of OPTIONS in one request (HTTP PUT, so the group job=OPTIONS.job, instance=INSTANCE
// then holds exactly this run's metrics; an empty INSTANCE leaves the instance label
// out). Waits at most OPTIONS.timeout (kTimedOut). SECURITY: the CA file and basic auth
// of a protected gateway (the caller read the credentials).
PushResult PushSamples(const PushOptions& options, const std::vector<BenchSample>& samples,
                       const std::string& instance,
                       const prometheus_export::PushSecurity& security = {});

}  // namespace dialsoak::gbench
