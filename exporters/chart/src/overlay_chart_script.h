// The gnuplot script for an overlay chart (private to dialsoak_chart): terminal, titles,
// the cycle and count axes, each series' thinned samples as an inline data block, and the
// plot.
#pragma once

#include <string>

#include "dialsoak/chart/overlay_chart.h"

namespace dialsoak::chart::detail {

std::string OverlayChartScript(ChartFormat format, const OverlayChartInput& input);

}  // namespace dialsoak::chart::detail
