// The file formats every chart in dialsoak::chart is drawn in: SVG or PNG, 900x500.
//
// Thread-safe: pure functions on their arguments. No errors: an unknown name is nullopt.
#pragma once

#include <optional>
#include <string_view>

namespace dialsoak::chart {

enum class ChartFormat { Svg, Png };

// "svg" or "png" (lower case, as a command-line value or a file extension); else nullopt.
std::optional<ChartFormat> ParseChartFormat(std::string_view name);

// "svg" or "png": the file extension, without the dot.
std::string_view Extension(ChartFormat format);

}  // namespace dialsoak::chart
