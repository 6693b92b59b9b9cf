// Private to bench/engine: the run lifecycle the closed-loop Engine and the OpenLoopEngine
// share, written once: a line's worker (its fields, opening its line, its state), a stop
// request, and the collector (the thread calling Run(): it drains the workers' records,
// samples the probes, ticks the observers and takes the end sample; observers are called
// from it only).
// What differs on purpose stays in each engine: how a worker gets its calls (its own
// cycles, or the dispatcher's arrivals), when the run has finished, how a drain orders what
// it hands on, the offered load (open loop only) and the RunEnd's reason.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "dialsoak/engine/engine.h"
#include "dialsoak/engine/engine_clock.h"
#include "dialsoak/engine/sample_pacer.h"
#include "dialsoak/line/line.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/probes/process_probe.h"

namespace dialsoak::engine::detail {

// What a line's worker has in either engine; each engine's Worker adds its own. `state` is
// written by the worker (and the open-loop dispatcher) and read by anyone; the rest as noted.
struct WorkerBase {
  std::atomic<int> state{static_cast<int>(LineState::Idle)};  // a LineState
  // Guards records (and an engine's own buffers beside them); taken by this worker and, to
  // swap or empty them, the collector.
  std::mutex mu;
  std::vector<CycleRecord> records;
  std::unique_ptr<Line> line;  // set in the worker's thread before the run starts
  std::string open_error;      // why the line did not open; empty if it did
  std::thread thread;

  void SetState(LineState s) { state.store(static_cast<int>(s), std::memory_order_relaxed); }
};

// Opens line `index` into `w`, from w's own thread. False if it did not open: w.open_error
// says why and the line's state is Failed.
bool OpenLine(const LineFactory& make_line, WorkerBase& w, int index);

// How many lines are in each state now (index by LineState).
template <class Worker>
LineStateCounts CountLineStates(const std::vector<std::unique_ptr<Worker>>& workers) {
  LineStateCounts counts{};
  for (const auto& w : workers) {
    counts[static_cast<size_t>(w->state.load(std::memory_order_relaxed))]++;
  }
  return counts;
}

// The error of the first line (in line order) that did not open; none if every line did.
template <class Worker>
std::optional<std::string> FirstOpenError(const std::vector<std::unique_ptr<Worker>>& workers) {
  for (const auto& w : workers) {
    if (!w->open_error.empty()) return w->open_error;
  }
  return std::nullopt;
}

// Joins every worker's thread that is still joinable.
template <class Worker>
void JoinWorkers(const std::vector<std::unique_ptr<Worker>>& workers) {
  for (const auto& w : workers) {
    if (w->thread.joinable()) w->thread.join();
  }
}

// RequestStop() of either engine: keeps the first request's signal (0 asks with none),
// marks the run interrupted and stops the clock. Thread-safe.
void RequestStop(int signal, std::atomic<int>& stop_signal, std::atomic<bool>& interrupted,
                 EngineClock& clock);

// What the collector asks of its engine, beside the members both engines hand it alike.
struct CollectorHooks {
  std::chrono::nanoseconds sample_interval;
  std::chrono::nanoseconds settle;        // waited before the end sample, unless interrupted
  const std::atomic<std::int64_t>& done;  // cycles (calls) finished by all lines
  // The engine's lock over `finished`, and the condition variable the lines notify on it
  // when the run has finished or `done` has reached the pacer's next mark.
  std::mutex& mu;
  std::condition_variable& wake;
  std::function<bool()> finished;  // called under mu: no line will finish another call
  std::function<LineStateCounts()> line_states;
  std::function<void()> drain;  // hands what the lines recorded to the observers
  // The pacer's next mark moved. Closed loop: tell the lines, the one whose cycle reaches it
  // wakes the collector. Empty where every finished call wakes it anyway (open loop).
  std::function<void()> mark_moved;
  // The load offered at a tick, handed on after OnTick and OnLineStates (OnOfferedLoad).
  // Empty where there is none to tell (closed loop).
  std::function<OfferedLoad(Clock::time_point)> offered;
};

// The collector's side of a run. For the one thread that calls Run(); keeps no state of
// its own: the engine's members it is given (`interrupted`: a stop was requested) and its
// hooks.
class Collector {
 public:
  Collector(EngineClock& clock, SamplePacer& pacer, const std::vector<RunObserver*>& observers,
            const std::vector<std::unique_ptr<probes::ProcessProbe>>& probes,
            const std::atomic<bool>& interrupted, CollectorHooks hooks)
      : clock_(clock),
        pacer_(pacer),
        observers_(observers),
        probes_(probes),
        interrupted_(interrupted),
        h_(std::move(hooks)) {}

  // Samples every probe once, hands the samples to the observers and tells the pacer (the
  // cost of a Periodic sample counts in its budget; the Baseline's and the End's do not).
  void SampleAll(SampleKind kind);
  // Until the run has finished: drains the workers, samples the probes every
  // sample_interval from `start` and at the pacer's marks, and every collect period (and
  // at a time-based sample) ticks the observers with the count done and the lines' states.
  // Drains once more after the finish.
  void Collect(Clock::time_point start);
  // After the last hang-up, every line on hook, still open and its thread still up (so
  // comparable with the baseline): the lines' states to the observers, the settle, and the
  // End sample.
  void End();

 private:
  std::int64_t done() const { return h_.done.load(std::memory_order_relaxed); }
  void MarkMoved() {
    if (h_.mark_moved) h_.mark_moved();
  }
  void Tick(Clock::time_point now);

  EngineClock& clock_;
  SamplePacer& pacer_;
  const std::vector<RunObserver*>& observers_;
  const std::vector<std::unique_ptr<probes::ProcessProbe>>& probes_;
  const std::atomic<bool>& interrupted_;
  CollectorHooks h_;
};

}  // namespace dialsoak::engine::detail
