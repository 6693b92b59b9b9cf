// `dialsoak capacity`: a sweep of offered loads against the far end's C ports (the embedded
// bank's simulated concentrator, or a real one through serial modems), each step measured
// against Erlang B; prints the table and the planner's answers, writes the JSON report and
// the chart, serves or pushes the live metrics, and returns the exit code (exit_codes.h).
#pragma once

#include "run_settings.h"

namespace dialsoak::cli {

// settings (command "capacity") must have passed ValidateSettings. Stop signals must
// already be blocked (BlockStopSignals) in every thread.
int RunCapacity(const RunSettings& settings);

}  // namespace dialsoak::cli
