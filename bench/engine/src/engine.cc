#include "dialsoak/engine/engine.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "call_step.h"
#include "latch.h"

namespace dialsoak::engine {
namespace {

using namespace std::chrono_literals;

// How often the collector drains the workers' buffers and ticks the observers.
constexpr auto kCollectPeriod = 100ms;

// The cycle target (every line's cycles) and the duration the sampling is paced by.
SamplePacing PacingOf(const EngineConfig& c, int lines) {
  SamplePacing p;
  if (c.cycles) p.target_cycles = *c.cycles * lines;
  p.duration = c.duration;
  return p;
}

}  // namespace

// One line's worker. Aligned so that no two workers' counters share a cache line.
struct alignas(64) Engine::Worker {
  std::atomic<std::int64_t> cycles{0};
  std::atomic<int> state{static_cast<int>(LineState::Idle)};
  std::mutex mu;  // guards the two buffers; taken by this worker and, to swap, the collector
  std::vector<CycleRecord> records;
  std::vector<ProbeSample> samples;
  std::unique_ptr<Line> line;
  std::unique_ptr<probes::ProcessProbe> self_probe;
  std::string open_error;
  std::thread thread;

  void SetState(LineState s) { state.store(static_cast<int>(s), std::memory_order_relaxed); }
};

Engine::Engine(EngineConfig config, LineFactory lines, EngineClock& clock)
    : config_(std::move(config)), make_line_(std::move(lines)), clock_(clock) {}

Engine::~Engine() {
  RequestStop();
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

void Engine::AddProbe(std::unique_ptr<probes::ProcessProbe> probe) {
  probes_.push_back(std::move(probe));
}

void Engine::RequestStop(int signal) {
  int none = 0;
  if (signal != 0) stop_signal_.compare_exchange_strong(none, signal);
  interrupted_.store(true);
  clock_.Stop();
}

std::int64_t Engine::cycles_done() const { return cycles_done_.load(std::memory_order_relaxed); }

void Engine::CycleDone() {
  const std::int64_t done = cycles_done_.fetch_add(1, std::memory_order_relaxed) + 1;
  if (done != sample_mark_.load(std::memory_order_relaxed)) return;
  // Through the collector's lock: it is either waiting (and woken) or yet to look at the
  // count (and sees this one).
  { std::lock_guard<std::mutex> lock(done_mu_); }
  done_cv_.notify_all();
}

LineStateCounts Engine::line_states() const {
  LineStateCounts counts{};
  for (const auto& w : workers_) counts[static_cast<size_t>(w->state.load(std::memory_order_relaxed))]++;
  return counts;
}

RunEnd Engine::Run(RunInfo info) {
  const int n = std::max(config_.lines, 0);
  Latch opened(n);
  Latch go(1);
  Latch release(1);  // held until the end sample: threads stay up, counts comparable
  running_ = n;
  cycles_done_.store(0);
  pacer_ = SamplePacer(PacingOf(config_, n));
  workers_.clear();
  for (int i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>());
  for (int i = 0; i < n; ++i) {
    Worker& w = *workers_[static_cast<size_t>(i)];
    w.thread = std::thread([this, &w, i, &opened, &go, &release] {
      WorkerMain(w, i);
      opened.count_down();
      go.wait();
      if (w.line && !clock_.stopped()) RunCycles(w, i);
      w.SetState(LineState::Idle);
      {
        std::lock_guard<std::mutex> lock(done_mu_);
        last_finish_ = std::max(last_finish_, clock_.Now());
        if (--running_ == 0) done_cv_.notify_all();
      }
      release.wait();
    });
  }
  opened.wait();

  auto join_all = [&] {
    release.count_down();
    for (auto& w : workers_) w->thread.join();
  };
  RunEnd end;
  for (auto& w : workers_) {
    if (!w->open_error.empty()) {
      end.reason = StopReason::Failed;
      end.message = w->open_error;
      break;
    }
  }
  if (end.reason == StopReason::Failed) {
    clock_.Stop();  // nobody dials: the workers see the stop and return
    go.count_down();
    join_all();
    workers_.clear();
    for (RunObserver* o : observers_) o->OnRunEnd(end);
    return end;
  }

  info.start = clock_.Now();
  for (RunObserver* o : observers_) o->OnRunStart(info);
  SampleAll(SampleKind::Baseline);
  start_ = clock_.Now();
  last_finish_ = start_;
  if (config_.duration) end_ = start_ + *config_.duration;
  go.count_down();

  auto next_sample = start_ + config_.sample_interval;
  auto next_tick = Clock::now() + kCollectPeriod;  // real time, as the waits
  for (;;) {
    bool all_done = false;
    {
      // Wake for the next collect period, for the next time-based sample when it is due
      // before (so a --sample-interval below 100 ms is honoured), when a worker's cycle
      // reaches the sample mark, or, past the mark, when the sampling budget allows.
      std::unique_lock<std::mutex> lock(done_mu_);
      const auto real_now = Clock::now();
      auto wait = std::min<Clock::duration>(next_tick - real_now, next_sample - clock_.Now());
      const bool reached = cycles_done() >= pacer_.next_mark();
      if (reached) wait = std::min<Clock::duration>(wait, pacer_.not_before() - real_now);
      done_cv_.wait_for(lock, std::max<Clock::duration>(wait, {}), [this, reached] {
        // Not reached yet: wake when it is, to wait out the budget from there if need be.
        return running_ == 0 || (reached ? pacer_.Due(cycles_done(), Clock::now())
                                         : cycles_done() >= pacer_.next_mark());
      });
      all_done = running_ == 0;
    }
    Drain();
    if (all_done) break;
    const auto now = clock_.Now();
    bool ticked = false;
    if (now >= next_sample) {
      SampleAll(SampleKind::Periodic);
      next_sample = std::max(next_sample + config_.sample_interval, now);
      ticked = true;
    } else if (pacer_.Due(cycles_done(), Clock::now())) {
      SampleAll(SampleKind::Periodic);
    } else {
      pacer_.Progress(now, cycles_done());
      sample_mark_.store(pacer_.next_mark(), std::memory_order_relaxed);
    }
    if (!ticked && Clock::now() < next_tick) continue;
    next_tick = Clock::now() + kCollectPeriod;
    const LineStateCounts states = line_states();
    for (RunObserver* o : observers_) {
      o->OnTick(now, cycles_done());
      o->OnLineStates(states);
    }
  }

  // Every line is on hook, still open, its thread still up: comparable with the baseline.
  for (RunObserver* o : observers_) o->OnLineStates(line_states());
  if (config_.settle.count() > 0 && !interrupted_.load()) clock_.WaitUntil(clock_.Now() + config_.settle);
  SampleAll(SampleKind::End);
  join_all();
  end.elapsed = last_finish_ - start_;
  end.cycles_done = cycles_done();
  if (interrupted_.load()) {
    end.reason = StopReason::Interrupted;
    end.signal = stop_signal_.load();
  } else if (config_.cycles && end.cycles_done >= *config_.cycles * n) {
    end.reason = StopReason::Completed;
  } else {
    end.reason = StopReason::Duration;
  }
  for (RunObserver* o : observers_) o->OnRunEnd(end);
  workers_.clear();  // closes the lines
  return end;
}

void Engine::WorkerMain(Worker& w, int index) {
  auto line = make_line_(index);
  if (!line) {
    w.open_error = line.error().message;
    w.SetState(LineState::Failed);
    return;
  }
  w.line = std::move(*line);
  if (per_cycle_probe_) w.self_probe = per_cycle_probe_();
}

void Engine::RunCycles(Worker& w, int index) {
  const LinePlan plan = detail::PlanFor(config_.plans, index);
  auto sample_self = [&](SampleKind kind) {
    if (!w.self_probe) return;
    probes::ResourceCounts c = w.self_probe->SampleHandles();
    ProbeSample s{w.self_probe->label(), c.pid, kind, clock_.Now(),
                  w.cycles.load(std::memory_order_relaxed), c.alive, c.handles, c.threads,
                  c.resident_bytes, c.error};
    std::lock_guard<std::mutex> lock(w.mu);
    w.samples.push_back(std::move(s));
  };

  Clock::time_point due = start_;
  for (std::int64_t cycle = 0;; ++cycle) {
    if (clock_.stopped() || due >= end_) break;
    if (config_.cycles && cycle >= *config_.cycles) break;
    if (!clock_.WaitUntil(due)) break;

    sample_self(SampleKind::BeforeCycle);
    Clock::time_point hung_up;
    CycleRecord r = detail::PlaceCall(*w.line, plan, clock_,
                                      {due, config_.hold, end_, config_.stop_timeout}, w.state,
                                      hung_up);
    r.line = index;
    r.cycle = cycle;
    {
      std::lock_guard<std::mutex> lock(w.mu);
      w.records.push_back(std::move(r));
    }
    w.cycles.fetch_add(1, std::memory_order_relaxed);
    CycleDone();
    sample_self(SampleKind::AfterCycle);
    due = hung_up + config_.think;
  }
}

void Engine::Drain() {
  std::vector<CycleRecord> records;
  std::vector<ProbeSample> samples;
  for (auto& w : workers_) {
    {
      std::lock_guard<std::mutex> lock(w->mu);
      records.swap(w->records);
      samples.swap(w->samples);
    }
    for (const ProbeSample& s : samples) {
      for (RunObserver* o : observers_) o->OnProbe(s);
    }
    for (const CycleRecord& r : records) {
      for (RunObserver* o : observers_) o->OnCycle(r);
    }
    records.clear();  // keeps capacity: the next swap hands it back to the worker
    samples.clear();
  }
}

void Engine::SampleAll(SampleKind kind) {
  const std::int64_t cycles = cycles_done();
  const auto cost = detail::SampleProbes(probes_, kind, cycles, clock_, observers_);
  // The baseline and the end cost more (the leak watch's fd tables): not in the budget.
  pacer_.Sampled(clock_.Now(), cycles, kind == SampleKind::Periodic ? std::optional(cost) : std::nullopt,
                 Clock::now());
  sample_mark_.store(pacer_.next_mark(), std::memory_order_relaxed);
}

}  // namespace dialsoak::engine
