// The live metrics of a run or a sweep: the Prometheus sink on its own registry, served on
// --listen and pushed to --push, as the settings ask; nothing when they ask for neither.
// Started once from the main thread; the sink is then fed by the engine's collector.
#pragma once

#include <memory>
#include <string>

#include <prometheus/registry.h>
#include <tl/expected.hpp>

#include "dialsoak/prometheus/metrics_endpoint.h"
#include "dialsoak/prometheus/metrics_sink.h"
#include "dialsoak/prometheus/pushgateway.h"
#include "run_settings.h"

namespace dialsoak::cli {

struct Telemetry {
  std::shared_ptr<prometheus::Registry> registry;  // null: no metrics asked for
  std::unique_ptr<prometheus_export::MetricsSink> metrics;
  std::unique_ptr<prometheus_export::MetricsEndpoint> endpoint;
  std::unique_ptr<prometheus_export::MetricsPusher> pusher;

  // The final push, after the summary is out (a gateway that is down only warns).
  void Finish() {
    if (pusher) pusher->Finish();
  }
};

struct TelemetryError {
  int exit_code;  // kSetupFailed: the port is in use; kUsage: a bad push target
  std::string message;
};

// Starts what the settings ask for and says where on stderr (so a port picked for
// --listen 0 can be found).
tl::expected<Telemetry, TelemetryError> StartTelemetry(const RunSettings& s);

// "20261128T064512-4f2a": the UTC start time and 16 random bits.
std::string NewRunId();

}  // namespace dialsoak::cli
