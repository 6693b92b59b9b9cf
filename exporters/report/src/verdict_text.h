// The leak verdicts and threshold checks of a summary as text for a terminal (private to
// exporters/report; summary_table.cc puts them into the summary). Pure functions; never
// throw (except std::bad_alloc).
#pragma once

#include <string>

#include "dialsoak/report/summary.h"

namespace dialsoak::report {

// "leak check ..." with a row per process and resource, then, per leak, what grew in the
// fd table, the projection to the process's limit and the chart; "" without checks.
std::string LeakSection(const Summary& s);

// "thresholds:" with a row per check; "" without thresholds.
std::string ThresholdSection(const Summary& s);

}  // namespace dialsoak::report
