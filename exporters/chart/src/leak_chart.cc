#include "dialsoak/chart/leak_chart.h"

#include "chart_file.h"
#include "leak_chart_script.h"

namespace dialsoak::chart {

io::Result<void> WriteLeakChart(const std::string& path, ChartFormat format,
                                const LeakChartInput& input) {
  return detail::DrawChartFile(path, detail::LeakChartScript(format, input));
}

}  // namespace dialsoak::chart
