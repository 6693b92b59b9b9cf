// Engine: drives N lines at once in closed loop (dial, hold, hang up, think), one worker
// thread per line, and tells its observers what happens.
//
// Workers share little: each has its own record buffer (a per-worker lock the collector
// takes only to swap buffers) and its own progress counter; the one thing they share is
// the run's count of cycles done, an atomic each bumps once a cycle. One collector thread
// (the one calling Run) drains the buffers, samples the probes and calls every observer,
// so observers need no locking. Latency counts from when a cycle was due.
// Sampling: before the first dial (Baseline), every sample_interval, by cycles done as
// SamplePacer (sample_pacer.h) marks them (the worker whose cycle reaches the mark wakes
// the collector; the probes are only ever called from the collector), and after the last
// hang-up and the settle (End). Every sample carries the cycles done then.
//
// Run() blocks until the run ends: cycles done, duration reached, RequestStop(), or a
// line failed to open (RunEnd::reason Failed, with the device's error). RequestStop() is
// thread-safe: it stops new cycles, cuts holds and think times short, and lets each line
// hang up within stop_timeout. Nothing measured is dropped: every finished cycle reaches
// the observers before OnRunEnd.
#pragma once

#include <array>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "dialsoak/engine/engine_clock.h"
#include "dialsoak/engine/engine_config.h"
#include "dialsoak/engine/sample_pacer.h"
#include "dialsoak/io/error.h"
#include "dialsoak/line/line.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/probes/process_probe.h"

namespace dialsoak::engine {

// Opens line `index` (0-based). Called from that line's worker thread.
using LineFactory = std::function<io::Result<std::unique_ptr<Line>>(int index)>;
// Makes a probe of this process, for the per-cycle samples of a one-line run.
using ProbeFactory = std::function<std::unique_ptr<probes::ProcessProbe>()>;


class Engine {
 public:
  Engine(EngineConfig config, LineFactory lines, EngineClock& clock);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void AddObserver(RunObserver& observer) { observers_.push_back(&observer); }
  // A process to sample before the run, every sample_interval, and at the end.
  void AddProbe(std::unique_ptr<probes::ProcessProbe> probe);
  // Enables the per-cycle samples (before the dial, after the hang-up) of this process.
  void SetPerCycleProbe(ProbeFactory make) { per_cycle_probe_ = std::move(make); }

  RunEnd Run(RunInfo info);
  // `signal`: the stop signal that asked (SIGINT, SIGTERM), kept as RunEnd::signal; 0 for
  // none. The first request's is kept.
  void RequestStop(int signal = 0);

  std::int64_t cycles_done() const;
  // How many lines are in each state now (index by LineState).
  LineStateCounts line_states() const;
  // The sampling of the last Run (how many samples, what they cost); read after Run.
  const SamplePacer& sampling() const { return pacer_; }

 private:
  struct Worker;
  void RunCycles(Worker& w, int index);
  void Drain();
  void CycleDone();

  EngineConfig config_;
  LineFactory make_line_;
  EngineClock& clock_;
  ProbeFactory per_cycle_probe_;
  std::vector<RunObserver*> observers_;
  std::vector<std::unique_ptr<probes::ProcessProbe>> probes_;
  std::vector<std::unique_ptr<Worker>> workers_;
  // Workers still cycling; the last one to finish wakes the collector.
  std::mutex done_mu_;
  std::condition_variable done_cv_;
  int running_ = 0;
  Clock::time_point last_finish_{};
  Clock::time_point start_{};
  Clock::time_point end_ = Clock::time_point::max();
  std::atomic<bool> interrupted_{false};
  // Cycles done by all lines, and the count at which the next by-cycle sample is due.
  std::atomic<std::int64_t> cycles_done_{0};
  std::atomic<std::int64_t> sample_mark_{0};
  SamplePacer pacer_;  // the collector's
  std::atomic<int> stop_signal_{0};
};

}  // namespace dialsoak::engine
