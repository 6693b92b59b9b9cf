#include "leak_chart_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

#include "script_common.h"

namespace dialsoak::chart::detail {
namespace {

// Colours: samples blue, fit red, baseline dark grey, warm-up a light grey band.
constexpr std::string_view kSampleColour = "#1f77b4";
constexpr std::string_view kFitColour = "#d62728";
constexpr std::string_view kBaselineColour = "#555555";
constexpr std::string_view kWarmupColour = "#ebebeb";

struct FitSegment {
  double from = 0;
  double to = 0;
};

// The fitted line runs from the warm-up cut to the last sample; when the cut is at or past
// the last sample (a short run), from the first sample.
std::optional<FitSegment> FitSpan(const LeakChartInput& in) {
  if (!in.has_fit || in.points.empty()) return std::nullopt;
  auto [first, last] = std::minmax_element(
      in.points.begin(), in.points.end(),
      [](const ChartPoint& a, const ChartPoint& b) { return a.cycles < b.cycles; });
  double to = static_cast<double>(last->cycles);
  double from = static_cast<double>(in.warmup_cycles);
  if (from >= to) from = static_cast<double>(first->cycles);
  return FitSegment{from, to};
}

double FitAt(const LeakChartInput& in, double cycles) { return in.intercept + in.slope * cycles; }

// Cycles: from 0 (the baseline's place) to the last sample or the warm-up cut.
Axis LeakCycleAxis(const LeakChartInput& in) {
  double low = 0;
  double high = std::max<double>(1, static_cast<double>(in.warmup_cycles));
  for (const auto& p : in.points) {
    low = std::min(low, static_cast<double>(p.cycles));
    high = std::max(high, static_cast<double>(p.cycles));
  }
  return CycleAxis(low, high);
}

// Counts: everything drawn (samples, baseline, fit ends).
Axis LeakCountAxis(const LeakChartInput& in, const std::optional<FitSegment>& fit) {
  double low = static_cast<double>(in.baseline);
  double high = low;
  auto take = [&](double v) {
    if (!std::isfinite(v)) return;
    low = std::min(low, v);
    high = std::max(high, v);
  };
  for (const auto& p : in.points) take(static_cast<double>(p.count));
  if (fit) {
    take(FitAt(in, fit->from));
    take(FitAt(in, fit->to));
  }
  return CountAxis(low, high);
}

std::string SlopeText(double slope) {
  double magnitude = std::fabs(slope);
  if (magnitude >= 0.1 || magnitude == 0) return fmt::format("{:+.2f}", slope);
  if (magnitude >= 0.001) return fmt::format("{:+.2g}", slope);
  return fmt::format("{:+.1e}", slope);
}

void AppendAxes(std::string& s, const LeakChartInput& in, const Axis& x, const Axis& y) {
  AppendCycleCountAxes(s, "completed dial/hang-up cycles",
                       in.y_label.empty() ? std::string_view("count") : in.y_label, x, y);
  s += "set bmargin 5.5\n";
  s += "set key outside bottom center horizontal reverse Left noenhanced samplen 2 width 2\n";
}

// The warm-up cycles as a light band behind everything, its end as a dotted line.
void AppendWarmup(std::string& s, std::int64_t warmup_cycles, const Axis& x) {
  fmt::format_to(std::back_inserter(s),
                 "set object 1 rectangle from {}, graph 0 to {}, graph 1 behind "
                 "fillcolor rgb '{}' fillstyle solid 1.0 noborder\n",
                 Number(x.low), warmup_cycles, kWarmupColour);
  fmt::format_to(std::back_inserter(s),
                 "set arrow 1 from {0}, graph 0 to {0}, graph 1 nohead back dashtype 3 "
                 "linecolor rgb '#999999'\n",
                 warmup_cycles);
}

// Samples, then baseline and fit over them; the warm-up band only needs a key entry.
void AppendPlot(std::string& s, const LeakChartInput& in, std::size_t plotted, bool fit) {
  std::vector<std::string> parts;
  if (plotted > 0) {
    const bool sparse = plotted <= 200;
    parts.push_back(fmt::format(
        "$samples using 1:2 with {} pointtype 7 pointsize {} linewidth 1 linecolor rgb '{}' "
        "title 'samples'",
        sparse ? "linespoints" : "points", sparse ? "0.6" : "0.35", kSampleColour));
  }
  parts.push_back(
      fmt::format("{} with lines dashtype 2 linewidth 1.5 linecolor rgb '{}' title 'baseline {}'",
                  in.baseline, kBaselineColour, in.baseline));
  if (fit) {
    parts.push_back(fmt::format(
        "$fit using 1:2 with lines linewidth 2.5 linecolor rgb '{}' title 'fit: {} per cycle'",
        kFitColour, SlopeText(in.slope)));
  }
  if (in.warmup_cycles > 0) {
    parts.push_back(fmt::format(
        "keyentry with boxes fillcolor rgb '{}' fillstyle solid 1.0 border rgb '#bbbbbb' "
        "title 'warm-up: {} cycles'",
        kWarmupColour, in.warmup_cycles));
  }
  AppendPlotCommand(s, parts);
}

}  // namespace

std::string LeakChartScript(ChartFormat format, const LeakChartInput& in) {
  const auto fit = FitSpan(in);
  const Axis x = LeakCycleAxis(in);
  const Axis y = LeakCountAxis(in, fit);
  std::string s = ScriptPreamble(format);
  AppendTitles(s, in.title, in.subtitle);
  AppendAxes(s, in, x, y);
  if (in.warmup_cycles > 0) AppendWarmup(s, in.warmup_cycles, x);
  if (in.points.empty()) {
    s += "set label 12 'no samples' at graph 0.5, graph 0.75 center font ',16' "
         "textcolor rgb '#999999'\n";
  }
  const auto plotted = Thinned(in.points);
  AppendPoints(s, "$samples", plotted);
  if (fit) {
    fmt::format_to(std::back_inserter(s), "$fit << EOD\n{} {}\n{} {}\nEOD\n", Number(fit->from),
                   Number(FitAt(in, fit->from)), Number(fit->to), Number(FitAt(in, fit->to)));
  }
  AppendPlot(s, in, plotted.size(), fit.has_value());
  return s;
}

}  // namespace dialsoak::chart::detail
