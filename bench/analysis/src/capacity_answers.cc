#include "dialsoak/analysis/capacity_answers.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <fmt/format.h>

#include "dialsoak/analysis/erlang_b.h"

namespace dialsoak::analysis {

double ChanceOfDisagreements(int disagreeing, int steps, double confidence) {
  if (disagreeing <= 0) return 1;
  if (disagreeing > steps) return 0;
  const double miss = 1 - confidence;
  // P(X < k) term by term: C(n, i) miss^i (1 - miss)^(n - i), by the ratio of neighbours.
  double term = std::pow(1 - miss, steps);  // i = 0
  double below = 0;
  for (int i = 0; i < disagreeing; ++i) {
    below += term;
    term *= static_cast<double>(steps - i) / static_cast<double>(i + 1) * miss / (1 - miss);
  }
  return std::clamp(1 - below, 0.0, 1.0);
}

CapacityAnswers AnswerCapacity(const std::vector<CapacityStep>& steps, int ports,
                               double target_blocking, std::optional<double> plan_load,
                               std::optional<double> p99_limit_seconds, double confidence) {
  if (plan_load && !(std::isfinite(*plan_load) && *plan_load >= 0)) {
    throw std::invalid_argument(fmt::format("plan load: expected Erlangs >= 0, got {}", *plan_load));
  }
  if (p99_limit_seconds && !(*p99_limit_seconds > 0)) {
    throw std::invalid_argument("setup p99 limit: must be more than 0");
  }
  CapacityAnswers a;
  a.ports = ports;
  a.target_blocking = target_blocking;
  a.load_at_target = OfferedLoadForBlocking(ports, target_blocking);  // checks both

  std::vector<const CapacityStep*> done;
  for (const CapacityStep& s : steps) {
    if (s.complete && s.dialed > 0) done.push_back(&s);
  }
  a.steps_complete = static_cast<int>(done.size());
  double highest = 0;
  for (const CapacityStep* s : done) {
    a.steps_agreeing += s->agrees ? 1 : 0;
    highest = std::max(highest, s->offered_erlangs);
  }
  a.chance_of_disagreements =
      ChanceOfDisagreements(a.steps_complete - a.steps_agreeing, a.steps_complete, confidence);
  a.disagrees_beyond_chance = a.chance_of_disagreements < kChanceLimit;
  // The first pair of neighbours that straddles the target, linearly between them.
  for (std::size_t i = 0; i + 1 < done.size(); ++i) {
    const CapacityStep& lo = *done[i];
    const CapacityStep& hi = *done[i + 1];
    if (lo.blocking < target_blocking && hi.blocking >= target_blocking) {
      const double f = (target_blocking - lo.blocking) / (hi.blocking - lo.blocking);
      a.measured_load_at_target = lo.offered_erlangs + f * (hi.offered_erlangs - lo.offered_erlangs);
      a.crossing_after_step = lo.index;
      break;
    }
  }
  a.plan_load_given = plan_load.has_value();
  a.plan_load = plan_load ? *plan_load : highest;
  a.ports_for_plan_load = PortsForBlocking(a.plan_load, target_blocking);

  if (p99_limit_seconds) {
    a.p99_limit_seconds = p99_limit_seconds;
    for (const CapacityStep* s : done) {
      if (!s->dial_p99_seconds) continue;  // no connected call: nothing to judge
      if (*s->dial_p99_seconds > *p99_limit_seconds) {
        a.first_breach_step = s->index;
        break;
      }
      a.max_sustained_step = s->index;
      a.max_sustained_rate = static_cast<double>(s->dialed) / s->measured_seconds;
    }
  }
  return a;
}

}  // namespace dialsoak::analysis
