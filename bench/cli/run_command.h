// `dialsoak run`: the soak. Wires the lines (the embedded modem bank or real serial
// modems), the probes and the sinks to the engine, runs it, prints the summary and
// returns the exit code (exit_codes.h).
#pragma once

#include "run_settings.h"

namespace dialsoak::cli {

// settings must have passed ValidateSettings. Stop signals must already be blocked
// (BlockStopSignals) in every thread.
int RunSoak(const RunSettings& settings);

}  // namespace dialsoak::cli
