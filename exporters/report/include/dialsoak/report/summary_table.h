// The end-of-run summary as a human-readable, aligned text table for a terminal: the run,
// why it stopped, cycles and rate, a row per outcome (all eight, zero ones included),
// dial and hang-up latency (min, p50, p90, p99, p99.9, max in ms with 3 decimals, "n/a"
// without samples), hang-ups, resource counts per watched process (baseline -> end), the
// first distinct failures, and the exit code with its meaning.
//
// Pure function; thread-compatible; never throws (except std::bad_alloc). Text from
// modems is escaped so it cannot move the cursor.
#pragma once

#include <string>
#include <string_view>

#include "dialsoak/report/summary.h"

namespace dialsoak::report {

std::string RenderSummary(const Summary& s, int exit_code, std::string_view exit_meaning);

}  // namespace dialsoak::report
