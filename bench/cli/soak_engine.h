// SoakEngine: the closed-loop Engine (cycles per line) or the open-loop one (calls arriving
// at --rate or along --stage), behind the few calls `dialsoak run` makes, so that the rest
// of the program (sinks, leak watch, signals, summary) is the same for both.
#pragma once

#include <memory>
#include <vector>

#include "dialsoak/engine/engine.h"
#include "dialsoak/engine/open_loop_engine.h"
#include "run_settings.h"

namespace dialsoak::cli {

class SoakEngine {
 public:
  virtual ~SoakEngine() = default;
  virtual void AddObserver(RunObserver& observer) = 0;
  virtual void AddProbe(std::unique_ptr<probes::ProcessProbe> probe) = 0;
  virtual RunEnd Run(RunInfo info) = 0;
  // Thread-safe; `signal`: the stop signal that asked (RunEnd::signal), 0 for none.
  virtual void RequestStop(int signal = 0) = 0;
};

// Open loop when the settings give --rate or --stage.
bool IsOpenLoop(const RunSettings& s);

// The open-loop schedule and configuration of the settings (validated: see
// ValidateSettings); plans as for the closed-loop engine.
engine::ArrivalSchedule ArrivalScheduleOf(const RunSettings& s);
engine::OpenLoopConfig OpenLoopConfigOf(const RunSettings& s, std::vector<engine::LinePlan> plans);

std::unique_ptr<SoakEngine> MakeClosedLoop(engine::EngineConfig config, engine::LineFactory lines,
                                           engine::EngineClock& clock);
std::unique_ptr<SoakEngine> MakeOpenLoop(engine::OpenLoopConfig config,
                                         engine::ArrivalSchedule schedule,
                                         engine::LineFactory lines, engine::EngineClock& clock);

}  // namespace dialsoak::cli
