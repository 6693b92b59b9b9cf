#include "dialsoak/chart/chart_format.h"

namespace dialsoak::chart {

std::optional<ChartFormat> ParseChartFormat(std::string_view name) {
  if (name == "svg") return ChartFormat::Svg;
  if (name == "png") return ChartFormat::Png;
  return std::nullopt;
}

std::string_view Extension(ChartFormat format) {
  return format == ChartFormat::Svg ? "svg" : "png";
}

}  // namespace dialsoak::chart
