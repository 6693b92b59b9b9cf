// RunObserver: how a run tells its sinks (summary, reports, metrics) what happens.
// The engine calls every observer from ONE collector thread, in order, so an observer
// needs no locking of its own; a slow observer delays the others, never the lines.
// Observers must not throw.
#pragma once

#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/observer/records.h"

namespace dialsoak {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void OnRunStart(const RunInfo&) {}
  virtual void OnCycle(const CycleRecord&) {}
  // Cycles (and drops) already counted: a journal's tick record, when a report is rebuilt
  // from it. A live run hands each cycle to OnCycle instead, never both.
  virtual void OnCycles(const CycleTally&) {}
  // Open loop: a call that found no idle line when it arrived (never dialed).
  virtual void OnDropped(const DroppedCall&) {}
  virtual void OnProbe(const ProbeSample&) {}
  virtual void OnRunEnd(const RunEnd&) {}
  // Called by the collector about every 100 ms, with the run's progress, so an observer
  // can refresh (a status line) even when no cycle completes for a while.
  virtual void OnTick(Clock::time_point /*now*/, std::int64_t /*cycles_done*/) {}
  // With every tick: how many lines are in each state now.
  virtual void OnLineStates(const LineStateCounts& /*counts*/) {}
  // A live leak estimate, from the leak watch (an observer itself, which forwards its
  // estimates to the sinks on the same collector thread).
  virtual void OnLeakEstimate(const LeakEstimate& /*estimate*/) {}
  // A watched process's fd table at the baseline or the end (from the leak watch, which
  // forwards it as it does its estimates).
  virtual void OnFdTable(const FdTable& /*table*/) {}
  // Open loop, with every tick: the load the schedule offers now.
  virtual void OnOfferedLoad(const OfferedLoad& /*load*/) {}
  // A capacity sweep's step, from the sweep (an observer itself, which forwards its steps
  // to the sinks on the same collector thread): live while it runs, then complete.
  virtual void OnCapacityStep(const CapacityStep& /*step*/) {}
};

}  // namespace dialsoak
