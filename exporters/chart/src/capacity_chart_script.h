// The gnuplot script for a capacity chart (private to dialsoak_chart): terminal, titles,
// a linear Erlangs axis and a logarithmic blocking axis in percent, the curve and the
// steps (with and without blocked calls) as inline data blocks, and the plot.
#pragma once

#include <string>

#include "dialsoak/chart/capacity_chart.h"

namespace dialsoak::chart::detail {

// The lowest the blocking axis goes (a ratio): 0.0001%. A curve reaching 1e-12 at light
// loads would otherwise squash the measured steps into the top of the chart.
inline constexpr double kLowestBlocking = 1e-6;

std::string CapacityChartScript(ChartFormat format, const CapacityChartInput& input);

}  // namespace dialsoak::chart::detail
