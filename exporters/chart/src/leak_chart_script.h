// The gnuplot script for a leak chart (private to dialsoak_chart): terminal, titles,
// axes, the thinned samples and fitted segment as inline data blocks, and the plot.
#pragma once

#include <string>

#include "dialsoak/chart/leak_chart.h"

namespace dialsoak::chart::detail {

std::string LeakChartScript(ChartFormat format, const LeakChartInput& input);

}  // namespace dialsoak::chart::detail
