// OpenLoopEngine: offers calls to a pool of N lines as they arrive from an ArrivalSchedule
// (Poisson or uniform, constant rate or ramping stages), whatever the lines are doing, so
// that a slow line or a full pool shows up in the numbers instead of slowing the load
// (no coordinated omission, as in wrk2 and k6).
//
// A dispatcher thread walks the schedule in the clock's time. At each arrival it draws the
// call's hold time and hands the call to an idle line's worker, which dials at once
// (CycleRecord::due is the arrival time, so dial latency counts from the arrival), holds
// for the drawn time after the connect, hangs up and returns to the idle pool. An arrival
// that finds no idle line is dropped at origin (RunObserver::OnDropped, RunEnd::dropped),
// never dialed; a BUSY is the far end's answer to a dialed call, counted as a CycleRecord.
//
// Threads and observers as in Engine: one worker per line (opening its line in its own
// thread), and the thread calling Run() is the collector that drains records, samples the
// probes (baseline, every sample_interval, by calls done as SamplePacer marks them over
// the schedule's duration, end), ticks and counts line states; observers
// are called from it only, records and drops in arrival order within each drain, and every
// tick gets the load offered then (OnOfferedLoad).
// Run() ends after the schedule's last stage (RunEnd::reason Completed) once in-flight
// calls have hung up, on RequestStop() (Interrupted: holds are cut short, each line hangs
// up within stop_timeout), or at once if a line failed to open (Failed).
// RequestStop() and the counters are thread-safe; the rest is for one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "dialsoak/engine/arrivals.h"
#include "dialsoak/engine/engine.h"
#include "dialsoak/engine/engine_clock.h"
#include "dialsoak/engine/engine_config.h"
#include "dialsoak/engine/sample_pacer.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/probes/process_probe.h"

namespace dialsoak::engine {

// Draws one call's hold time (connected time before the hang-up). The program wraps a
// sim::Distribution ("exp:90s", "lognormal:2m,0.5"): [d](auto& rng) { return d.Draw(rng); }.
using HoldSampler = std::function<std::chrono::nanoseconds(std::mt19937_64&)>;

struct OpenLoopConfig {
  int lines = 1;
  std::vector<LinePlan> plans;  // per line; the last one repeats if short
  HoldSampler hold;             // empty: hang up right after the connect
  // The hold's mean, for the offered load in Erlangs (rate x mean hold) handed to the
  // observers every tick (RunObserver::OnOfferedLoad); 0: the Erlangs read 0.
  std::chrono::nanoseconds mean_hold{0};
  std::uint64_t seed = 1;       // of the hold draws (the schedule has its own)
  std::chrono::nanoseconds stop_timeout = std::chrono::seconds(10);
  std::chrono::nanoseconds sample_interval = std::chrono::seconds(1);
  std::chrono::nanoseconds settle{0};  // as EngineConfig::settle
};

class OpenLoopEngine {
 public:
  OpenLoopEngine(OpenLoopConfig config, ArrivalSchedule schedule, LineFactory lines,
                 EngineClock& clock);
  ~OpenLoopEngine();
  OpenLoopEngine(const OpenLoopEngine&) = delete;
  OpenLoopEngine& operator=(const OpenLoopEngine&) = delete;

  void AddObserver(RunObserver& observer) { observers_.push_back(&observer); }
  void AddProbe(std::unique_ptr<probes::ProcessProbe> probe);

  RunEnd Run(RunInfo info);
  // `signal`: the stop signal that asked (SIGINT, SIGTERM), kept as RunEnd::signal; 0 for
  // none. The first request's is kept.
  void RequestStop(int signal = 0);

  std::int64_t calls_done() const;  // dialed calls finished (hung up), any result
  std::int64_t calls_dropped() const { return dropped_.load(std::memory_order_relaxed); }
  int calls_in_flight() const { return in_flight_.load(); }
  // True until the dispatcher has walked past the schedule's end (or was stopped).
  bool arrivals_pending() const { return pending_.load(); }
  LineStateCounts line_states() const;
  // The sampling of the last Run (how many samples, what they cost); read after Run.
  const SamplePacer& sampling() const { return pacer_; }

 private:
  struct Worker;
  struct Call {
    std::int64_t arrival = 0;
    Clock::time_point due;
    std::chrono::nanoseconds hold{0};
  };
  void RunCall(Worker& w, int index, const Call& call);
  void Dispatch();
  void Drain();
  OfferedLoad OfferedNow(Clock::time_point now) const;
  // Lets the workers exit (quit_) and joins them and the dispatcher.
  void QuitAndJoin();

  OpenLoopConfig config_;
  ArrivalSchedule schedule_;
  LineFactory make_line_;
  EngineClock& clock_;
  std::vector<RunObserver*> observers_;
  std::vector<std::unique_ptr<probes::ProcessProbe>> probes_;
  std::vector<std::unique_ptr<Worker>> workers_;

  // The pool: idle workers (FIFO), drops not yet drained, and the run's end.
  std::mutex pool_mu_;
  std::condition_variable pool_cv_;  // a worker went idle; the run finished; quit
  std::deque<int> idle_;
  std::vector<DroppedCall> drops_;
  bool finished_ = false;  // schedule walked and every call hung up
  bool quit_ = false;      // workers may exit

  std::atomic<int> in_flight_{0};
  std::atomic<bool> pending_{false};
  std::atomic<std::int64_t> dropped_{0};
  std::atomic<bool> interrupted_{false};
  std::atomic<std::int64_t> calls_done_{0};  // by all lines
  SamplePacer pacer_;                        // the collector's
  std::atomic<int> stop_signal_{0};
  Clock::time_point start_{};
  Clock::time_point last_finish_{};
  std::thread dispatcher_;
};

}  // namespace dialsoak::engine
