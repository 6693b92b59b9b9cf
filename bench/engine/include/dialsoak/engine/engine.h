// Engine: drives N lines at once in closed loop (dial, hold, hang up, think), one worker
// thread per line, and tells its observers what happens.
//
// Workers share nothing hot: each has its own record buffer (a per-worker lock the
// collector takes only to swap buffers) and its own progress counter. One collector
// thread (the one calling Run) drains the buffers, samples the probes and calls every
// observer, so observers need no locking. Latency counts from when a cycle was due.
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
  void RequestStop();

  std::int64_t cycles_done() const;
  // How many lines are in each state now (index by LineState).
  LineStateCounts line_states() const;

 private:
  struct Worker;
  void WorkerMain(Worker& w, int index);
  void RunCycles(Worker& w, int index);
  void Drain();
  void SampleAll(SampleKind kind);

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
};

}  // namespace dialsoak::engine
