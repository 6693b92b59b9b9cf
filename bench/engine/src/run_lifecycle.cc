#include "run_lifecycle.h"

#include <algorithm>
#include <utility>

#include "call_step.h"

namespace dialsoak::engine::detail {
namespace {

using namespace std::chrono_literals;

// How often the collector drains the workers' buffers and ticks the observers.
constexpr auto kCollectPeriod = 100ms;

}  // namespace

bool OpenLine(const LineFactory& make_line, WorkerBase& w, int index) {
  auto line = make_line(index);
  if (!line) {
    w.open_error = line.error().message;
    w.SetState(LineState::Failed);
    return false;
  }
  w.line = std::move(*line);
  return true;
}

void RequestStop(int signal, std::atomic<int>& stop_signal, std::atomic<bool>& interrupted,
                 EngineClock& clock) {
  int none = 0;
  if (signal != 0) stop_signal.compare_exchange_strong(none, signal);
  interrupted.store(true);
  clock.Stop();
}

void Collector::SampleAll(SampleKind kind) {
  const std::int64_t cycles = done();
  const auto cost = SampleProbes(probes_, kind, cycles, clock_, observers_);
  // The baseline and the end cost more (the leak watch's fd tables): not in the budget.
  pacer_.Sampled(clock_.Now(), cycles,
                 kind == SampleKind::Periodic ? std::optional(cost) : std::nullopt, Clock::now());
  MarkMoved();
}

void Collector::Collect(Clock::time_point start) {
  auto next_sample = start + h_.sample_interval;
  auto next_tick = Clock::now() + kCollectPeriod;  // real time, as the waits
  for (;;) {
    bool finished = false;
    {
      // Wake for the next collect period, for the next time-based sample when it is due
      // before (so a --sample-interval below 100 ms is honoured), when the count done
      // reaches the sample mark, or, past the mark, when the sampling budget allows.
      std::unique_lock<std::mutex> lock(h_.mu);
      const auto real_now = Clock::now();
      auto wait = std::min<Clock::duration>(next_tick - real_now, next_sample - clock_.Now());
      const bool reached = done() >= pacer_.next_mark();
      if (reached) wait = std::min<Clock::duration>(wait, pacer_.not_before() - real_now);
      h_.wake.wait_for(lock, std::max<Clock::duration>(wait, {}), [this, reached] {
        // Not reached yet: wake when it is, to wait out the budget from there if need be.
        return h_.finished() ||
               (reached ? pacer_.Due(done(), Clock::now()) : done() >= pacer_.next_mark());
      });
      finished = h_.finished();
    }
    h_.drain();
    if (finished) break;
    const auto now = clock_.Now();
    bool ticked = false;
    if (now >= next_sample) {
      SampleAll(SampleKind::Periodic);
      next_sample = std::max(next_sample + h_.sample_interval, now);
      ticked = true;
    } else if (pacer_.Due(done(), Clock::now())) {
      SampleAll(SampleKind::Periodic);
    } else {
      pacer_.Progress(now, done());
      MarkMoved();
    }
    if (!ticked && Clock::now() < next_tick) continue;
    next_tick = Clock::now() + kCollectPeriod;
    Tick(now);
  }
}

void Collector::Tick(Clock::time_point now) {
  const LineStateCounts states = h_.line_states();
  const std::optional<OfferedLoad> load =
      h_.offered ? std::optional(h_.offered(now)) : std::nullopt;
  for (RunObserver* o : observers_) {
    o->OnTick(now, done());
    o->OnLineStates(states);
    if (load) o->OnOfferedLoad(*load);
  }
}

void Collector::End() {
  for (RunObserver* o : observers_) o->OnLineStates(h_.line_states());
  if (h_.settle.count() > 0 && !interrupted_.load()) {
    clock_.WaitUntil(clock_.Now() + h_.settle);
  }
  SampleAll(SampleKind::End);
}

}  // namespace dialsoak::engine::detail
