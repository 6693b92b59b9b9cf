#include "dialsoak/chart/percentile_chart.h"

#include "chart_file.h"
#include "percentile_chart_script.h"

namespace dialsoak::chart {

io::Result<void> WritePercentileChart(const std::string& path, ChartFormat format,
                                      const PercentileChartInput& input) {
  return detail::DrawChartFile(path, detail::PercentileChartScript(format, input));
}

}  // namespace dialsoak::chart
