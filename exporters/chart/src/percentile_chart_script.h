// The gnuplot script for a percentile chart (private to dialsoak_chart): terminal, titles,
// the logarithmic 1/(1-p) axis with percent labels, a linear latency axis in ms, each
// series' spectrum as an inline data block, and the plot.
#pragma once

#include <string>

#include "dialsoak/chart/percentile_chart.h"

namespace dialsoak::chart::detail {

// The percentile axis reaches at least 99.99% (1/(1-p) = 10^4), at most 99.9999999%.
inline constexpr int kLowestTopDecade = 4;
inline constexpr int kHighestTopDecade = 9;

// "0%", "90%", "99%", "99.9%", ...: the label of 1/(1-p) = 10^decade.
std::string PercentLabel(int decade);

std::string PercentileChartScript(ChartFormat format, const PercentileChartInput& input);

}  // namespace dialsoak::chart::detail
