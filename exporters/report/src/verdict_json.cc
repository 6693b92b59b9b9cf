#include "verdict_json.h"

#include <cmath>

namespace dialsoak::report {
namespace {

using nlohmann::json;

json Finite(double v) { return FiniteOrNull(v); }

template <typename T>
json Optional(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

json Leak(const LeakCheck& c) {
  json kinds = json::array();
  for (const FdKindGrowth& g : c.fd_growth) {
    kinds.push_back({{"kind", g.kind}, {"baseline", g.baseline}, {"end", g.end},
                     {"growth", g.growth}, {"examples", g.examples}});
  }
  json projection = nullptr;
  if (c.limit && c.cycles_to_limit) {
    projection = {{"limit", *c.limit},
                  {"cycles_to_limit", Finite(*c.cycles_to_limit)},
                  {"earliest_cycles_to_limit", c.earliest_cycles_to_limit ? Finite(*c.earliest_cycles_to_limit) : json(nullptr)},
                  {"seconds_to_limit", c.seconds_to_limit ? Finite(*c.seconds_to_limit) : json(nullptr)},
                  {"earliest_seconds_to_limit", c.earliest_seconds_to_limit ? Finite(*c.earliest_seconds_to_limit) : json(nullptr)}};
  }
  return {{"process", c.process},
          {"pid", c.pid},
          {"incarnation", c.incarnation},
          {"resource", c.resource},
          {"verdict", c.verdict},
          {"slope_per_cycle", Finite(c.slope_per_cycle)},
          {"slope_per_1000_cycles", Finite(c.slope_per_1000_cycles)},
          {"lower_per_cycle", Finite(c.lower_per_cycle)},
          {"upper_per_cycle", Finite(c.upper_per_cycle)},
          {"confidence", c.confidence},
          {"intercept", Finite(c.intercept)},
          {"threshold_per_cycle", c.threshold_per_cycle},
          {"baseline", c.baseline},
          {"end", c.end},
          {"growth", c.growth},
          {"warmup_cycles", c.warmup_cycles},
          {"points", c.points_used},
          {"first_suspected_cycle", Optional(c.first_suspected_cycle)},
          {"projection", projection},
          {"reason", c.reason},
          {"fd_growth", {{"summary", c.fd_summary}, {"kinds", kinds}}},
          {"chart", c.chart.empty() ? json(nullptr) : json(c.chart)}};
}

}  // namespace

json FiniteOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json LeaksToJson(const Summary& s) {
  json out = json::array();
  for (const LeakCheck& c : s.leaks) out.push_back(Leak(c));
  return out;
}

json ThresholdsToJson(const Summary& s) {
  json out = json::array();
  for (const ThresholdCheck& t : s.thresholds) {
    out.push_back({{"expression", t.expression},
                   {"metric", t.metric},
                   {"observed", t.has_value ? Finite(t.observed) : json(nullptr)},
                   {"passed", t.passed},
                   {"message", t.message}});
  }
  return out;
}

}  // namespace dialsoak::report
