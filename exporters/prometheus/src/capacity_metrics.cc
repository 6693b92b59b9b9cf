#include "dialsoak/prometheus/capacity_metrics.h"

#include <string>

namespace dialsoak::prometheus_export {
namespace {

prometheus::Gauge& Gauge(prometheus::Registry& registry, const std::string& name,
                         const std::string& help) {
  return prometheus::BuildGauge().Name(name).Help(help).Register(registry).Add({});
}

}  // namespace

CapacityMetrics::CapacityMetrics(prometheus::Registry& registry, int ports, int steps)
    : ports_(Gauge(registry, "dialsoak_capacity_ports",
                   "Capacity sweep: the far end's answering ports C that Erlang B is computed for")),
      steps_(Gauge(registry, "dialsoak_capacity_steps", "Capacity sweep: steps of offered load")),
      step_(Gauge(registry, "dialsoak_capacity_step",
                  "Capacity sweep: the step shown by the blocking gauges (1-based)")),
      blocking_(Gauge(registry, "dialsoak_blocking_ratio",
                      "Capacity sweep: blocked (BUSY) / dialed calls of the step's window so far")),
      lower_(Gauge(registry, "dialsoak_blocking_lower_bound_ratio",
                   "Capacity sweep: lower bound of the blocking ratio's confidence interval")),
      upper_(Gauge(registry, "dialsoak_blocking_upper_bound_ratio",
                   "Capacity sweep: upper bound of the blocking ratio's confidence interval")),
      erlang_b_(Gauge(registry, "dialsoak_predicted_blocking_ratio",
                      "Capacity sweep: the blocking Erlang B predicts for the far end's ports at "
                      "the load the step measured")),
      carried_(Gauge(registry, "dialsoak_carried_load_erlangs",
                     "Capacity sweep: the load the step's connected calls carried, in Erlangs")),
      measured_offered_(Gauge(registry, "dialsoak_measured_offered_load_erlangs",
                              "Capacity sweep: the load the far end was offered in the step, as "
                              "measured (dialed calls/s x port time per call), in Erlangs")) {
  ports_.Set(ports);
  steps_.Set(steps);
  upper_.Set(1);  // nothing measured yet: nothing known
}

void CapacityMetrics::OnCapacityStep(const CapacityStep& s) {
  if (s.dialed == 0 || s.index < shown_) return;
  shown_ = s.index;
  step_.Set(s.index + 1);
  blocking_.Set(s.blocking);
  lower_.Set(s.blocking_lower);
  upper_.Set(s.blocking_upper);
  erlang_b_.Set(s.erlang_b);
  carried_.Set(s.carried_erlangs);
  measured_offered_.Set(s.offered_erlangs);
}

}  // namespace dialsoak::prometheus_export
