#include "dialsoak/chart/capacity_chart.h"

#include "capacity_chart_script.h"
#include "chart_file.h"

namespace dialsoak::chart {

io::Result<void> WriteCapacityChart(const std::string& path, ChartFormat format,
                                    const CapacityChartInput& input) {
  return detail::DrawChartFile(path, detail::CapacityChartScript(format, input));
}

}  // namespace dialsoak::chart
