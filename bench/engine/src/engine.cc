#include "dialsoak/engine/engine.h"

#include <algorithm>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include "call_step.h"
#include "latch.h"
#include "run_lifecycle.h"

namespace dialsoak::engine {
namespace {

// The cycle target (every line's cycles) and the duration the sampling is paced by.
SamplePacing PacingOf(const EngineConfig& c, int lines) {
  SamplePacing p;
  if (c.cycles) p.target_cycles = *c.cycles * lines;
  p.duration = c.duration;
  return p;
}

}  // namespace

// One line's worker. Aligned so that no two workers' counters share a cache line.
struct alignas(64) Engine::Worker : detail::WorkerBase {
  std::atomic<std::int64_t> cycles{0};
  std::vector<ProbeSample> samples;  // the per-cycle ones; guarded by mu, as records
  std::unique_ptr<probes::ProcessProbe> self_probe;
};

Engine::Engine(EngineConfig config, LineFactory lines, EngineClock& clock)
    : config_(std::move(config)), make_line_(std::move(lines)), clock_(clock) {}

Engine::~Engine() {
  RequestStop();
  detail::JoinWorkers(workers_);
}

void Engine::AddProbe(std::unique_ptr<probes::ProcessProbe> probe) {
  probes_.push_back(std::move(probe));
}

void Engine::RequestStop(int signal) {
  detail::RequestStop(signal, stop_signal_, interrupted_, clock_);
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

LineStateCounts Engine::line_states() const { return detail::CountLineStates(workers_); }

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
      if (detail::OpenLine(make_line_, w, i) && per_cycle_probe_) w.self_probe = per_cycle_probe_();
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
    detail::JoinWorkers(workers_);
  };
  RunEnd end;
  if (auto error = detail::FirstOpenError(workers_)) {
    end.reason = StopReason::Failed;
    end.message = std::move(*error);
    clock_.Stop();  // nobody dials: the workers see the stop and return
    go.count_down();
    join_all();
    workers_.clear();
    for (RunObserver* o : observers_) o->OnRunEnd(end);
    return end;
  }

  detail::Collector collector(clock_, pacer_, observers_, probes_, interrupted_, {
      .sample_interval = config_.sample_interval,
      .settle = config_.settle,
      .done = cycles_done_,
      .mu = done_mu_,
      .wake = done_cv_,
      .finished = [this] { return running_ == 0; },
      .line_states = [this] { return line_states(); },
      .drain = [this] { Drain(); },
      // The worker whose cycle reaches the mark wakes the collector (CycleDone).
      .mark_moved = [this] { sample_mark_.store(pacer_.next_mark(), std::memory_order_relaxed); },
      .offered = {},
  });
  info.start = clock_.Now();
  for (RunObserver* o : observers_) o->OnRunStart(info);
  collector.SampleAll(SampleKind::Baseline);
  start_ = clock_.Now();
  last_finish_ = start_;
  if (config_.duration) end_ = start_ + *config_.duration;
  go.count_down();

  collector.Collect(start_);
  collector.End();
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

}  // namespace dialsoak::engine
