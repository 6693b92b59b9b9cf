#include "dialsoak/chart/overlay_chart.h"

#include "chart_file.h"
#include "overlay_chart_script.h"

namespace dialsoak::chart {

io::Result<void> WriteOverlayChart(const std::string& path, ChartFormat format,
                                   const OverlayChartInput& input) {
  return detail::DrawChartFile(path, detail::OverlayChartScript(format, input));
}

}  // namespace dialsoak::chart
