#include "call_step.h"

#include <algorithm>
#include <utility>

#include "thread_cpu.h"

namespace dialsoak::engine::detail {
namespace {

// How long a watched hold waits before looking at the stop request again.
constexpr auto kWatchSlice = std::chrono::milliseconds(100);

void Set(std::atomic<int>& state, LineState s) {
  state.store(static_cast<int>(s), std::memory_order_relaxed);
}

}  // namespace

LinePlan PlanFor(const std::vector<LinePlan>& plans, int index) {
  if (plans.empty()) return LinePlan{};
  return plans[std::min(static_cast<size_t>(index), plans.size() - 1)];
}

CycleRecord PlaceCall(Line& line, const LinePlan& plan, EngineClock& clock,
                      const CallTiming& timing, std::atomic<int>& state,
                      Clock::time_point& hung_up_at) {
  CycleRecord r;
  r.due = timing.due;
  r.hold = timing.hold;
  Set(state, LineState::Dialing);
  r.start_lag = std::max(clock.Now() - timing.due, Clock::duration::zero());
  DialOutcome d = line.dial(plan.number, Deadline::After(plan.dial_timeout));
  const auto dialed = clock.Now();
  r.result = d.result;
  r.dial_latency = dialed - timing.due;
  r.detail = std::move(d.detail);

  r.reopened = d.reopened;
  r.noise_bytes = d.noise_bytes;
  r.connect_rate = d.connect_rate;
  r.modulation = std::move(d.modulation);
  r.error_control = std::move(d.error_control);
  r.compression = std::move(d.compression);
  if (d.result == CallResult::Connect) {
    Set(state, LineState::Connected);
    const auto hold_end = std::min(dialed + timing.hold, timing.hold_cap);
    if (line.watchable()) {
      // Watched in slices, so that a stop still cuts the hold short.
      while (!clock.stopped() && clock.Now() < hold_end) {
        const auto slice = std::min(hold_end, clock.Now() + kWatchSlice);
        if (auto ended = line.watch(Deadline(slice))) {
          r.dropped = true;
          r.drop_detail = std::move(*ended);
          break;
        }
      }
    } else {
      clock.WaitUntil(hold_end);  // a stop cuts it short
    }
  }
  // Always asked: after a timeout the modem may still be dialing and must be stopped.
  Set(state, LineState::HangingUp);
  const auto hangup_timeout =
      clock.stopped() ? std::min(plan.hangup_timeout, timing.stop_timeout) : plan.hangup_timeout;
  const auto hangup_start = clock.Now();
  if (d.result == CallResult::Connect) r.held = hangup_start - dialed;
  HangupOutcome h = line.hangup(Deadline::After(hangup_timeout));
  hung_up_at = clock.Now();
  r.hung_up = h.method != HangupMethod::None;
  r.hangup_ok = h.ok;
  r.hangup_latency = r.hung_up ? hung_up_at - hangup_start : std::chrono::nanoseconds{0};
  r.hangup_method = h.method;
  r.hangup_detail = std::move(h.detail);
  Set(state, LineState::Idle);
  return r;
}

std::chrono::nanoseconds SampleProbes(const std::vector<std::unique_ptr<probes::ProcessProbe>>& probes,
                                      SampleKind kind, std::int64_t cycles_done, EngineClock& clock,
                                      const std::vector<RunObserver*>& observers) {
  const auto started = ThreadCpuTime();
  for (const auto& p : probes) {
    probes::ResourceCounts c = p->Sample();
    ProbeSample s{p->label(), c.pid,     kind,      clock.Now(),      cycles_done,
                  c.alive,    c.handles, c.threads, c.resident_bytes, c.error};
    for (RunObserver* o : observers) o->OnProbe(s);
  }
  return ThreadCpuTime() - started;
}

}  // namespace dialsoak::engine::detail
