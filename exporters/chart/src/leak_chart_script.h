// The gnuplot script for a leak chart (private to dialsoak_chart): terminal, titles,
// axes, the thinned samples and fitted segment as inline data blocks, and the plot.
#pragma once

#include <string>
#include <vector>

#include "dialsoak/chart/leak_chart.h"

namespace dialsoak::chart::detail {

// At most kMaxPlottedPoints of `points`: the first, the last, and between them the lowest
// and the highest sample of each equal stretch, in their original order.
std::vector<ChartPoint> Thinned(const std::vector<ChartPoint>& points);

std::string LeakChartScript(ChartFormat format, const LeakChartInput& input);

}  // namespace dialsoak::chart::detail
