// A run's latency distributions as files next to its report: each one's percentile
// spectrum in HdrHistogram's .hgrm layout (so existing plotters read it) and a chart of
// them by percentile. report.json -> report.dial.hgrm (connected dials, the call setup
// time), report.dial_all.hgrm (every dial), report.hangup.hgrm (confirmed hang-ups),
// report.latency.svg. Used from the main thread after the run (or its rebuilt report).
// Errors are logged as warnings and the run's result is unchanged: these are extras.
#pragma once

#include <string>

#include "dialsoak/observer/cycle_tally.h"

namespace dialsoak::cli {

// Writes them next to report_path; charts is "svg", "png" or "none" (no chart).
void WriteLatencyFiles(const std::string& report_path, const CycleTally& tally,
                       const std::string& charts, const std::string& title);

}  // namespace dialsoak::cli
