#include "overlay_chart_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "script_common.h"

namespace dialsoak::chart::detail {
namespace {

// A series of at most this many points drawn gets a marker on each (a single sample is
// then visible at all); denser ones are lines only.
constexpr std::size_t kMarkedPoints = 200;

// The key under the plot: at most three entries a row, fewer when the longest does not
// fit, and a line of bottom margin a row (gnuplot's own margin for the key overlaps the
// x label). gnuplot lays the entries out by its estimate of their width; this one is on
// the wide side for both terminals (gnuplot's character is 7.7 px in SVG, 8 px in PNG; an
// entry adds about 10 characters for the sample line and spacing; the plot is at least
// 780 px wide with count tick labels of up to 8 digits), so gnuplot uses exactly the
// columns allowed and the rows counted here.
constexpr std::size_t kMaxKeyColumns = 3;
constexpr double kKeyCharPx = 8.5;
constexpr double kKeyEntryExtraChars = 10;
constexpr double kKeyWidthPx = 780;

using Series = std::vector<std::vector<ChartPoint>>;

// Cycles from 0 (or an earlier sample) to the last sample of any series.
Axis OverlayCycleAxis(const Series& series) {
  double low = 0;
  double high = 1;
  for (const auto& points : series) {
    for (const auto& p : points) {
      low = std::min(low, static_cast<double>(p.cycles));
      high = std::max(high, static_cast<double>(p.cycles));
    }
  }
  return CycleAxis(low, high);
}

// Counts around every sample of every series; around 0 when there is none.
Axis OverlayCountAxis(const Series& series) {
  bool any = false;
  double low = 0;
  double high = 0;
  for (const auto& points : series) {
    for (const auto& p : points) {
      const auto v = static_cast<double>(p.count);
      low = any ? std::min(low, v) : v;
      high = any ? std::max(high, v) : v;
      any = true;
    }
  }
  return CountAxis(low, high);
}

std::size_t KeyColumns(const std::vector<std::string>& titles) {
  std::size_t longest = 0;
  for (const auto& t : titles) longest = std::max(longest, t.size());  // bytes: wide enough
  const double entry = (static_cast<double>(longest) + kKeyEntryExtraChars) * kKeyCharPx;
  const auto fit = static_cast<std::size_t>(kKeyWidthPx / entry);
  return std::clamp<std::size_t>(fit, 1, kMaxKeyColumns);
}

void AppendKey(std::string& s, const std::vector<std::string>& titles) {
  const std::size_t columns = KeyColumns(titles);
  const std::size_t rows = std::max<std::size_t>(1, (titles.size() + columns - 1) / columns);
  fmt::format_to(std::back_inserter(s), "set bmargin {}\n",
                 Number(4.5 + static_cast<double>(rows)));
  fmt::format_to(std::back_inserter(s),
                 "set key outside bottom center horizontal reverse Left noenhanced samplen 4 "
                 "width 2 maxcols {}\n",
                 columns);
}

// The legend entry of each series: its name, "(no samples)" added when it has none.
std::vector<std::string> KeyTitles(const OverlayChartInput& in, const Series& series) {
  std::vector<std::string> titles;
  for (std::size_t i = 0; i < series.size(); ++i) {
    titles.push_back(series[i].empty() ? in.series[i].name + " (no samples)" : in.series[i].name);
  }
  return titles;
}

// One plot element a series in legend order: its line (with markers when sparse), or for
// a series without points a key entry naming it.
std::vector<std::string> PlotParts(const OverlayChartInput& in, const Series& series,
                                   const std::vector<std::string>& titles) {
  std::vector<std::string> parts;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::string_view dash = in.series[i].dashed ? "dashtype 2 " : "";
    const std::string style = fmt::format("{}linewidth 2 linecolor rgb '{}' title {}", dash,
                                          SeriesColour(i), GnuplotLiteral(titles[i]));
    if (series[i].empty()) {
      parts.push_back("keyentry with lines " + style);
    } else if (series[i].size() <= kMarkedPoints) {
      parts.push_back(
          fmt::format("$s{} using 1:2 with linespoints pointtype 7 pointsize 0.5 {}", i, style));
    } else {
      parts.push_back(fmt::format("$s{} using 1:2 with lines {}", i, style));
    }
  }
  return parts;
}

}  // namespace

std::string OverlayChartScript(ChartFormat format, const OverlayChartInput& in) {
  Series series;
  series.reserve(in.series.size());
  for (const auto& named : in.series) series.push_back(Thinned(named.points));
  const bool anything =
      std::any_of(series.begin(), series.end(), [](const auto& points) { return !points.empty(); });

  std::string s = ScriptPreamble(format);
  AppendTitles(s, in.title, in.subtitle);
  AppendCycleCountAxes(s, in.x_label.empty() ? std::string_view("cycles") : in.x_label,
                       in.y_label.empty() ? std::string_view("count") : in.y_label,
                       OverlayCycleAxis(series), OverlayCountAxis(series));
  const auto titles = KeyTitles(in, series);
  AppendKey(s, titles);
  if (!anything) {
    s += "set label 12 'no samples' at graph 0.5, graph 0.6 center font ',16' "
         "textcolor rgb '#999999'\n";
  }
  for (std::size_t i = 0; i < series.size(); ++i) {
    AppendPoints(s, fmt::format("$s{}", i), series[i]);
  }
  auto parts = PlotParts(in, series, titles);
  if (!anything) parts.insert(parts.begin(), "NaN notitle");  // gnuplot needs a plot
  AppendPlotCommand(s, parts);
  return s;
}

}  // namespace dialsoak::chart::detail
