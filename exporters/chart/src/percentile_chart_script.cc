#include "percentile_chart_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <iterator>
#include <string_view>
#include <utility>
#include <vector>

#include "dialsoak/histogram/percentile_spectrum.h"
#include "script_common.h"

namespace dialsoak::chart::detail {
namespace {

constexpr double kNanosecondsPerMs = 1e6;

// (1/(1-p), latency in ms) of each spectrum row below 100%.
using Points = std::vector<std::pair<double, double>>;

Points SpectrumPoints(const histogram::LatencyHistogram& h) {
  Points out;
  for (const auto& row : histogram::PercentileRows(h)) {
    if (row.percentile >= 100) continue;
    const double x = 1.0 / (1.0 - row.percentile / 100.0);
    if (!std::isfinite(x) || x > std::pow(10.0, kHighestTopDecade)) continue;
    out.emplace_back(x, static_cast<double>(row.value_ns) / kNanosecondsPerMs);
  }
  return out;
}

// The smallest decade at or above every point, within the axis' limits.
int TopDecade(const std::vector<Points>& series) {
  double largest = 1;
  for (const auto& points : series) {
    for (const auto& p : points) largest = std::max(largest, p.first);
  }
  const int decade = static_cast<int>(std::ceil(std::log10(largest) - 1e-9));
  return std::clamp(decade, kLowestTopDecade, kHighestTopDecade);
}

void AppendAxes(std::string& s, int top_decade, std::size_t key_entries) {
  s += "set border 3 linewidth 1 linecolor rgb '#606060'\n";
  s += "set tics nomirror out scale 0.5 textcolor rgb '#333333'\n";
  s += "set logscale x 10\n";
  s += "set grid xtics ytics linetype 1 linewidth 1 linecolor rgb '#e2e2e2'\n";
  s += "set xlabel 'percentile' textcolor rgb '#333333'\n";
  s += "set ylabel 'latency (ms)' textcolor rgb '#333333'\n";
  fmt::format_to(std::back_inserter(s), "set xrange [1:{}]\n", Number(std::pow(10.0, top_decade)));
  // Tick labels are format strings: '%%' draws a '%'.
  s += "set xtics (";
  for (int d = 0; d <= top_decade; ++d) {
    std::string label = PercentLabel(d);
    label.insert(label.size() - 1, "%");
    fmt::format_to(std::back_inserter(s), "{}'{}' {}", d == 0 ? "" : ", ", label,
                   Number(std::pow(10.0, d)));
  }
  s += ")\n";
  s += "set yrange [0:*]\nset format y '%g'\n";
  s += key_entries > 4 ? "set bmargin 6.5\n" : "set bmargin 5.5\n";
  s += "set key outside bottom center horizontal reverse Left noenhanced samplen 3 width 2\n";
}

void AppendPoints(std::string& s, std::size_t index, const Points& points) {
  fmt::format_to(std::back_inserter(s), "$s{} << EOD\n", index);
  for (const auto& [x, y] : points) {
    fmt::format_to(std::back_inserter(s), "{} {}\n", Number(x), Number(y));
  }
  s += "EOD\n";
}

}  // namespace

std::string PercentLabel(int decade) {
  if (decade <= 0) return "0%";
  if (decade == 1) return "90%";
  if (decade == 2) return "99%";
  return "99." + std::string(static_cast<std::size_t>(decade - 2), '9') + "%";
}

std::string PercentileChartScript(ChartFormat format, const PercentileChartInput& in) {
  std::vector<Points> points;
  for (const auto& series : in.series) {
    points.push_back(series.histogram != nullptr ? SpectrumPoints(*series.histogram) : Points{});
  }
  const bool anything =
      std::any_of(points.begin(), points.end(), [](const Points& p) { return !p.empty(); });

  std::string s = ScriptPreamble(format);
  AppendTitles(s, in.title, in.subtitle);
  AppendAxes(s, TopDecade(points), in.series.size());
  if (!anything) {
    s += "set yrange [0:1]\n";
    s += "set label 12 'no samples' at graph 0.5, graph 0.6 center font ',16' "
         "textcolor rgb '#999999'\n";
  }
  for (std::size_t i = 0; i < points.size(); ++i) AppendPoints(s, i, points[i]);

  std::vector<std::string> parts;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::string_view colour = SeriesColour(i);
    if (points[i].empty()) {
      parts.push_back(fmt::format("keyentry with lines linewidth 2 linecolor rgb '{}' title {}",
                                  colour, GnuplotLiteral(in.series[i].name + " (no samples)")));
    } else {
      parts.push_back(
          fmt::format("$s{} using 1:2 with linespoints pointtype 7 pointsize 0.35 linewidth 2 "
                      "linecolor rgb '{}' title {}",
                      i, colour, GnuplotLiteral(in.series[i].name)));
    }
  }
  if (!anything) parts.insert(parts.begin(), "NaN notitle");  // gnuplot needs a plot
  AppendPlotCommand(s, parts);
  return s;
}

}  // namespace dialsoak::chart::detail
