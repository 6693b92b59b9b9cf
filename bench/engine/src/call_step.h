// Private to bench/engine: the steps the closed-loop Engine and the OpenLoopEngine share,
// so both measure a call the same way. Called from one line's worker (PlaceCall) or from
// the collector (SampleProbes); no state of their own.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "dialsoak/engine/engine_clock.h"
#include "dialsoak/engine/engine_config.h"
#include "dialsoak/line/line.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/probes/process_probe.h"

namespace dialsoak::engine::detail {

// The plan of line `index`: its own, the last one if the list is short, a default if empty.
LinePlan PlanFor(const std::vector<LinePlan>& plans, int index);

struct CallTiming {
  Clock::time_point due;                                  // latency counts from here
  std::chrono::nanoseconds hold{0};                       // after the connect
  Clock::time_point hold_cap = Clock::time_point::max();  // no hold past this (run's end)
  std::chrono::nanoseconds stop_timeout{0};               // caps the hang-up after a stop
};

// One call: dial, hold while connected (a stop cuts it short; a watchable line ends it
// early when the call drops by itself), and always hang up (after a timeout the modem may
// still be dialing; after a drop the line has nothing left to do). Sets `state` (a LineState) as it goes, ending
// Idle. Fills every field of the record but line and cycle; `hung_up_at` gets the time the
// hang-up returned.
CycleRecord PlaceCall(Line& line, const LinePlan& plan, EngineClock& clock,
                      const CallTiming& timing, std::atomic<int>& state,
                      Clock::time_point& hung_up_at);

// Samples every probe once and hands the samples to every observer. Returns the CPU time
// that took on this thread (thread_cpu.h), the probes' reads and the observers' handling
// of the samples, for the sampling budget (sample_pacer.h).
std::chrono::nanoseconds SampleProbes(const std::vector<std::unique_ptr<probes::ProcessProbe>>& probes,
                                      SampleKind kind, std::int64_t cycles_done, EngineClock& clock,
                                      const std::vector<RunObserver*>& observers);

}  // namespace dialsoak::engine::detail
