// The leak verdicts and threshold checks of a summary as JSON (private to exporters/report;
// json_report.cc puts them into the report as "leaks" and "thresholds"). Pure functions;
// never throw (except std::bad_alloc).
#pragma once

#include <nlohmann/json.hpp>

#include "dialsoak/report/summary.h"

namespace dialsoak::report {

// JSON has no infinity or NaN: such a number is null (an unbounded interval end, say).
nlohmann::json FiniteOrNull(double v);

nlohmann::json LeaksToJson(const Summary& s);
nlohmann::json ThresholdsToJson(const Summary& s);

}  // namespace dialsoak::report
