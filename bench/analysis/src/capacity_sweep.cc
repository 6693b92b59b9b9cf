#include "dialsoak/analysis/capacity_sweep.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

#include "dialsoak/analysis/capacity_interval.h"
#include "dialsoak/analysis/erlang_b.h"

namespace dialsoak::analysis {
namespace {

using namespace std::chrono_literals;

constexpr auto kMinWarmup = 100ms;
constexpr int kWarmupHolds = 5;
constexpr auto kMinSettle = 1s;        // before a step is forwarded as complete
constexpr auto kLiveInterval = 1s;     // between live updates of the running step

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

std::chrono::nanoseconds FromSeconds(double s) {
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::llround(s * 1e9)));
}

[[noreturn]] void Bad(const std::string& what) { throw std::invalid_argument(what); }

void Check(const SweepOptions& o) {
  if (o.ports < 1 || o.ports > kMaxPorts) {
    Bad(fmt::format("ports: expected 1 to {}, got {}", kMaxPorts, o.ports));
  }
  for (double e : o.loads) {
    if (!std::isfinite(e) || e <= 0) Bad(fmt::format("loads: expected Erlangs > 0, got {}", e));
  }
  if (o.mean_hold <= 0ns) Bad("mean hold: must be more than 0");
  if (!(o.confidence > 0 && o.confidence < 1)) {
    Bad(fmt::format("confidence: expected a level between 0 and 1, got {}", o.confidence));
  }
  if (!(std::isfinite(o.precision) && o.precision > 0)) {
    Bad(fmt::format("precision: expected a relative half-width > 0, got {}", o.precision));
  }
  if (!(o.min_half_width > 0 && o.min_half_width <= 0.5)) {
    Bad(fmt::format("min half-width: expected (0, 0.5], got {}", o.min_half_width));
  }
  if (o.step_calls && *o.step_calls < 1) Bad("step calls: expected at least 1");
  if (o.step_window && *o.step_window <= 0ns) Bad("step window: must be more than 0");
  if (o.min_calls < 1) Bad("min calls: expected at least 1");
  if (o.max_window <= 0ns) Bad("max window: must be more than 0");
  if (o.warmup && *o.warmup < 0ns) Bad("warm-up: must not be negative");
}

}  // namespace

std::vector<double> DefaultLoads(int ports) {
  std::vector<double> loads;
  for (double b : kDefaultSweepBlocking) loads.push_back(OfferedLoadForBlocking(ports, b));
  return loads;
}

std::vector<StepPlan> PlanSweep(const SweepOptions& o) {
  Check(o);
  std::vector<double> loads = o.loads.empty() ? DefaultLoads(o.ports) : o.loads;
  std::sort(loads.begin(), loads.end());
  const double hold = Seconds(o.mean_hold);
  const auto warmup = o.warmup ? *o.warmup : std::max<std::chrono::nanoseconds>(kWarmupHolds * o.mean_hold, kMinWarmup);
  std::vector<StepPlan> plan;
  std::chrono::nanoseconds at{0};
  for (double e : loads) {
    StepPlan s;
    s.erlangs = e;
    s.rate = e / hold;
    s.expected_blocking = ErlangB(e, o.ports);
    s.start = at;
    s.warmup = warmup;
    s.design_effect = BlockingDesignEffect(e, o.ports);
    if (o.step_window) {
      s.window = *o.step_window;
    } else {
      std::int64_t calls = 0;
      if (o.step_calls) {
        calls = *o.step_calls;
      } else {
        // The interval the step will have: batch means over kMaxBatches batches, with the
        // design effect Erlang's model gives; batches long compared with a busy period.
        const double half_width = std::max(o.precision * s.expected_blocking, o.min_half_width);
        calls = std::max(o.min_calls,
                         CallsForBatchInterval(s.expected_blocking, std::min(half_width, 0.5),
                                               o.confidence, kMaxBatches, s.design_effect));
      }
      s.window = FromSeconds(static_cast<double>(calls) / s.rate);
      if (!o.step_calls) {
        s.window = std::max<std::chrono::nanoseconds>(
            s.window, FromSeconds(kMaxBatches * kMinBatchHolds * hold));
      }
      if (s.window > o.max_window) {
        s.window = o.max_window;
        s.window_capped = true;
      }
    }
    s.batches = BatchesForWindow(s.window, o.mean_hold);
    s.planned_calls = std::llround(s.rate * Seconds(s.window));
    at = s.end();
    plan.push_back(s);
  }
  return plan;
}

CapacitySweep::CapacitySweep(std::vector<StepPlan> plan, int ports, double confidence,
                             std::chrono::nanoseconds mean_hold)
    : plan_(std::move(plan)),
      ports_(ports),
      confidence_(confidence),
      mean_hold_seconds_(Seconds(mean_hold)),
      tallies_(plan_.size()) {
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    tallies_[i].batches.resize(static_cast<std::size_t>(std::max(1, plan_[i].batches)));
  }
}

void CapacitySweep::OnRunStart(const RunInfo& info) { start_ = info.start; }

std::optional<std::size_t> CapacitySweep::StepAt(std::chrono::nanoseconds offset) const {
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    if (offset >= plan_[i].window_start() && offset < plan_[i].end()) return i;
  }
  return std::nullopt;  // in a warm-up, or after the sweep
}

void CapacitySweep::OnCycle(const CycleRecord& c) {
  const auto offset = c.due - start_;
  const auto step = StepAt(offset);
  if (!step) return;
  Tally& t = tallies_[*step];
  const StepPlan& p = plan_[*step];
  // The batch of its arrival time: equal parts of the window.
  const double at = Seconds(offset - p.window_start()) / Seconds(p.window);
  const auto k = t.batches.size();
  BlockingBatch& batch =
      t.batches[std::min(k - 1, static_cast<std::size_t>(at * static_cast<double>(k)))];
  ++t.dialed;
  ++batch.dialed;
  if (!t.frozen) t.lag.Record(c.start_lag.count());
  if (c.result == CallResult::Busy) {
    ++t.blocked;
    ++batch.blocked;
  } else if (c.result == CallResult::Connect) {
    ++t.connected;
    // The far end's port is held from the dial's start to the hang-up's confirmation.
    t.occupancy_seconds += Seconds(c.dial_latency - c.start_lag + c.held + c.hangup_latency);
    if (c.hold > 0ns) {
      ++t.drawn_holds;
      t.drawn_hold_seconds += Seconds(c.hold);
    }
    if (!t.frozen) t.dial.Record(c.dial_latency.count());
  } else {
    ++t.failed;
  }
}

void CapacitySweep::AddFarEndCall(Clock::time_point arrived, std::chrono::nanoseconds port_time) {
  if (port_time <= 0ns) return;
  const auto step = StepAt(arrived - start_);
  if (!step) return;
  ++tallies_[*step].far_end_held;
  tallies_[*step].far_end_port_seconds += Seconds(port_time);
}

void CapacitySweep::OnDropped(const DroppedCall& d) {
  if (const auto step = StepAt(d.due - start_)) ++tallies_[*step].dropped;
}

CapacityStep CapacitySweep::Build(std::size_t i, std::chrono::nanoseconds now) const {
  const StepPlan& p = plan_[i];
  const Tally& t = tallies_[i];
  CapacityStep s;
  s.index = static_cast<int>(i);
  s.steps = static_cast<int>(plan_.size());
  s.ports = ports_;
  s.planned_erlangs = p.erlangs;
  s.rate = p.rate;
  s.mean_hold_seconds = mean_hold_seconds_;
  s.warmup_seconds = Seconds(p.warmup);
  s.window_seconds = Seconds(p.window);
  s.measured_seconds = Seconds(std::clamp(now - p.window_start(), std::chrono::nanoseconds{0}, p.window));
  s.complete = now >= p.end();
  s.dialed = t.dialed;
  s.blocked = t.blocked;
  s.connected = t.connected;
  s.failed = t.failed;
  s.dropped_at_origin = t.dropped;
  s.confidence = confidence_;
  // The far end's own account of its ports when it gives one, else the dialer's view.
  s.occupancy_from_far_end = t.far_end_held > 0;
  const double port_seconds = s.occupancy_from_far_end ? t.far_end_port_seconds : t.occupancy_seconds;
  const std::int64_t holders = s.occupancy_from_far_end ? t.far_end_held : t.connected;
  double sample_port = 0;  // the calls' own mean port time
  if (holders > 0) sample_port = port_seconds / static_cast<double>(holders);
  // The mean port time: the hold distribution's mean plus what a call held beyond its
  // drawn hold (set-up, clearing, the hold's wake-up), when the records carry the draws;
  // this leaves out the scatter of the window's sample of holds.
  s.mean_occupancy_seconds = sample_port;
  if (holders > 0 && t.drawn_holds > 0) {
    const double drawn = t.drawn_hold_seconds / static_cast<double>(t.drawn_holds);
    s.mean_occupancy_seconds = std::max(0.0, mean_hold_seconds_ + sample_port - drawn);
  }
  // Until a call has held a port and been measured, the plan's load stands in.
  s.offered_erlangs = p.erlangs;
  if (holders > 0) {
    const std::int64_t arrived = t.dialed + t.dropped;
    const double reached =
        arrived > 0 ? static_cast<double>(t.dialed) / static_cast<double>(arrived) : 1.0;
    s.offered_erlangs = p.rate * reached * s.mean_occupancy_seconds;
  }
  if (s.measured_seconds > 0) {
    s.carried_erlangs = port_seconds / s.measured_seconds;
    s.realized_erlangs = static_cast<double>(t.dialed) / s.measured_seconds * sample_port;
  }
  // Erlang's bursts at the load offered, for a step with too few blocked calls to show its own.
  const BlockingInterval b =
      BatchMeansInterval(t.batches, confidence_, BlockingDesignEffect(s.offered_erlangs, ports_));
  s.blocking = b.estimate;
  s.blocking_lower = b.lower;
  s.blocking_upper = b.upper;
  s.batches = b.batches;
  s.design_effect = b.design_effect;
  const ProportionInterval w = WilsonInterval(t.blocked, t.dialed, confidence_);
  s.wilson_lower = w.lower;
  s.wilson_upper = w.upper;
  s.erlang_b = ErlangB(s.offered_erlangs, ports_);
  s.agrees = t.dialed > 0 && s.erlang_b >= b.lower && s.erlang_b <= b.upper;
  if (t.frozen) {
    s.dial_p50_seconds = t.dial_p50;
    s.dial_p99_seconds = t.dial_p99;
    s.start_lag_p99_seconds = t.lag_p99;
  } else {
    if (!t.dial.empty()) {
      s.dial_p50_seconds = 1e-9 * static_cast<double>(t.dial.Percentile(50));
      s.dial_p99_seconds = 1e-9 * static_cast<double>(t.dial.Percentile(99));
    }
    if (!t.lag.empty()) s.start_lag_p99_seconds = 1e-9 * static_cast<double>(t.lag.Percentile(99));
  }
  if (s.start_lag_p99_seconds) s.schedule_kept = *s.start_lag_p99_seconds <= mean_hold_seconds_;
  // Calls dropped at origin found every dialing line busy: lines held up by a stalled
  // dialer or simulator, and the far end then sees the calls thinned and clumped.
  if (t.dropped * 100 > t.dialed + t.dropped) s.schedule_kept = false;
  return s;
}

void CapacitySweep::Freeze(Tally& t) {
  if (t.frozen) return;
  if (!t.dial.empty()) {
    t.dial_p50 = 1e-9 * static_cast<double>(t.dial.Percentile(50));
    t.dial_p99 = 1e-9 * static_cast<double>(t.dial.Percentile(99));
  }
  if (!t.lag.empty()) t.lag_p99 = 1e-9 * static_cast<double>(t.lag.Percentile(99));
  t.frozen = true;
  // Give the counters back: a long sweep holds the histograms of its running steps only.
  t.dial = histogram::LatencyHistogram();
  t.lag = histogram::LatencyHistogram();
}

void CapacitySweep::Send(const CapacityStep& step) {
  for (RunObserver* sink : sinks_) sink->OnCapacityStep(step);
}

void CapacitySweep::OnTick(Clock::time_point now, std::int64_t /*cycles_done*/) {
  if (ended_ || plan_.empty()) return;
  const auto offset = now - start_;
  // A step is complete once the calls that arrived in its window have had time to end.
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    const auto settle = std::max<std::chrono::nanoseconds>(plan_[i].warmup, kMinSettle);
    if (!tallies_[i].forwarded_complete && offset >= plan_[i].end() + settle) {
      tallies_[i].forwarded_complete = true;
      Freeze(tallies_[i]);
      Send(Build(i, offset));
    }
  }
  if (offset - now_ < kLiveInterval && now_.count() > 0) return;
  now_ = offset;
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    if (offset >= plan_[i].start && offset < plan_[i].end()) Send(Build(i, offset));
  }
}

void CapacitySweep::OnRunEnd(const RunEnd& end) {
  ended_ = true;
  now_ = end.elapsed;
  for (std::size_t i = 0; i < plan_.size(); ++i) {
    if (tallies_[i].forwarded_complete || now_ < plan_[i].start) continue;
    tallies_[i].forwarded_complete = now_ >= plan_[i].end();
    Send(Build(i, now_));
  }
}

std::vector<CapacityStep> CapacitySweep::Steps() const {
  std::vector<CapacityStep> steps;
  for (std::size_t i = 0; i < plan_.size(); ++i) steps.push_back(Build(i, now_));
  return steps;
}

}  // namespace dialsoak::analysis
