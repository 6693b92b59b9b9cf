// CapacityMetrics: a capacity sweep's steps as Prometheus gauges, live, next to the run's
// own metrics (metrics_sink.h) on the same registry, for the capacity dashboard: the far
// end's ports, the step under way, its measured blocking ratio with the interval's bounds,
// Erlang B at the load it measured, and the load carried. A RunObserver fed by the engine's
// collector thread (through the sweep, which forwards its steps). The gauges exist from
// construction: a sweep always has ports and steps. They show the latest step that has
// measured a call: a step's final values stay until the next step's first measured call
// (a warm-up measures nothing), so the dashboard never shows an empty interval.
// Thread safety: as MetricsSink (the registry may be scraped from any thread).
#pragma once

#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <memory>

#include "dialsoak/observer/run_observer.h"

namespace dialsoak::prometheus_export {

class CapacityMetrics final : public RunObserver {
 public:
  CapacityMetrics(prometheus::Registry& registry, int ports, int steps);
  void OnCapacityStep(const CapacityStep& step) override;

 private:
  prometheus::Gauge& ports_;
  prometheus::Gauge& steps_;
  prometheus::Gauge& step_;
  prometheus::Gauge& blocking_;
  prometheus::Gauge& lower_;
  prometheus::Gauge& upper_;
  prometheus::Gauge& erlang_b_;
  prometheus::Gauge& carried_;
  prometheus::Gauge& measured_offered_;
  int shown_ = -1;  // index of the step on show
};

}  // namespace dialsoak::prometheus_export
