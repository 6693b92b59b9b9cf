// MetricsSink: the run's measurements as Prometheus metrics, live. A RunObserver (fed by
// the engine's collector thread) that updates a prometheus::Registry, which an exposer
// (exposer.h) serves on /metrics. Metric names follow ../shared/DESIGN.md: base units,
// `_total` counters, histograms for durations with buckets that fit dial-up (10 ms to
// 120 s). Label values are created once: every dial result at construction, each
// process at its first sample, each line's series (opt-in) at the run's start. Thread safety: the
// registry may be scraped from any thread while the collector updates it (prometheus-cpp's metrics
// are atomic).
#pragma once

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/observer/incarnations.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::prometheus_export {

// Bucket edges of dialsoak_dial_duration_seconds, in seconds: fine enough below 1 s for a
// simulator's or an ISDN answer (a quantile can be no better than its buckets), then the
// usual dial-up limits up to the 120 s a slow answer or a ring timeout takes.
const std::vector<double>& DialBuckets();
// Bucket edges of dialsoak_hangup_duration_seconds: from 0.5 ms (a pty) to 30 s (an
// escape sequence with long guard times, or a hang-up timeout).
const std::vector<double>& HangupBuckets();
// Bucket edges of dialsoak_connect_rate_bits_per_second: the standard modem rates, from
// 300 (V.21) through 33600 (V.34) to 48000 (V.92 upstream) and 56000 (V.90/V.92 down).
const std::vector<double>& ConnectRateBuckets();

class MetricsSink final : public RunObserver {
 public:
  struct Options {
    // Also dialsoak_line_dial_attempts_total{line,result}: eight series per line, so
    // only when asked (a thousand lines must not make a thousand-fold scrape).
    bool per_line = false;
  };

  MetricsSink(std::shared_ptr<prometheus::Registry> registry, const std::string& version,
              Options options);
  MetricsSink(std::shared_ptr<prometheus::Registry> registry, const std::string& version)
      : MetricsSink(std::move(registry), version, Options{}) {}

  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  // dialsoak_calls_dropped_total: open-loop calls dropped at origin (0 from construction).
  void OnDropped(const DroppedCall& d) override;
  void OnProbe(const ProbeSample& s) override;
  void OnLineStates(const LineStateCounts& counts) override;
  // The slope in its resource's unit, dialsoak_leak_handles_per_cycle{process},
  // dialsoak_leak_threads_per_cycle{process} or
  // dialsoak_leak_resident_memory_bytes_per_cycle{process}, and
  // dialsoak_leak_suspected{process,resource}; each pair of series is created at its
  // first estimate (a resource of another name gets the suspicion only).
  void OnLeakEstimate(const LeakEstimate& e) override;
  // Open loop: dialsoak_offered_load_erlangs and dialsoak_offered_calls_per_second, created
  // at the first estimate (a closed-loop run offers no load of its own, so has neither).
  void OnOfferedLoad(const OfferedLoad& load) override;

 private:
  struct ProcessGauges {
    prometheus::Gauge* handles;
    prometheus::Gauge* threads;
    prometheus::Gauge* resident;
    prometheus::Counter* restarts;
    bool baseline_set = false;  // the *_baseline gauges exist from the first alive sample
  };

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Gauge>& run_info_;
  std::array<prometheus::Counter*, kCallResultCount> attempts_{};
  std::array<prometheus::Histogram*, kCallResultCount> dial_duration_{};
  prometheus::Histogram& hangup_duration_;
  prometheus::Counter& cycles_;
  prometheus::Counter& hangup_failures_;
  prometheus::Counter& dropped_;
  prometheus::Counter& dropped_during_hold_;
  prometheus::Counter& reopens_;
  // Connected calls: the rate their modem said (those that said one), and by modulation
  // (kModulationLabels, every label created at construction).
  prometheus::Histogram& connect_rate_;
  std::array<prometheus::Counter*, kModulationLabelCount> modulations_{};
  prometheus::Family<prometheus::Gauge>& handles_;
  prometheus::Family<prometheus::Gauge>& threads_;
  prometheus::Family<prometheus::Gauge>& resident_;
  prometheus::Family<prometheus::Gauge>& baseline_handles_;
  prometheus::Family<prometheus::Gauge>& baseline_threads_;
  prometheus::Family<prometheus::Gauge>& baseline_resident_;
  prometheus::Family<prometheus::Counter>& restarts_;
  std::map<std::string, ProcessGauges> processes_;
  Incarnations incarnations_;
  struct LeakGauges {
    prometheus::Gauge* per_cycle;  // null for a resource without a family of its own
    prometheus::Gauge* suspected;
  };
  prometheus::Family<prometheus::Gauge>& leak_handles_;
  prometheus::Family<prometheus::Gauge>& leak_threads_;
  prometheus::Family<prometheus::Gauge>& leak_resident_;
  prometheus::Family<prometheus::Gauge>& leak_suspected_;
  std::map<std::pair<std::string, std::string>, LeakGauges> leaks_;  // by (process, resource)
  std::array<prometheus::Gauge*, kLineStateCount> lines_{};
  prometheus::Family<prometheus::Gauge>& offered_erlangs_family_;
  prometheus::Family<prometheus::Gauge>& offered_rate_family_;
  prometheus::Gauge* offered_erlangs_ = nullptr;
  prometheus::Gauge* offered_rate_ = nullptr;
  Options options_;
  // Per line (opt-in): [line][result], created at the run's start.
  std::vector<std::array<prometheus::Counter*, kCallResultCount>> line_attempts_;
};

}  // namespace dialsoak::prometheus_export
