#include "capacity_chart_script.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "script_common.h"

namespace dialsoak::chart::detail {
namespace {

// Colours: steps blue, the Erlang B curve orange, the target dark grey.
constexpr std::string_view kStepColour = "#1f77b4";
constexpr std::string_view kCurveColour = "#ff7f0e";
constexpr std::string_view kTargetColour = "#555555";

// The blocking axis when nothing drawn is positive: 0.01% to 100%.
constexpr double kDefaultBottom = 1e-4;

// A step as drawn: ratios in [0, 1], lower <= blocking <= upper.
struct Step {
  double x = 0;
  double blocking = 0;
  double lower = 0;
  double upper = 0;
};

using Curve = std::vector<std::pair<double, double>>;

// The blocking axis, as ratios: bottom is a power of ten.
struct LogAxis {
  double bottom = kDefaultBottom;
  double top = 1;
};

struct Range {
  double low = 0;
  double high = 1;
};

double Clamped(double v) { return std::clamp(v, 0.0, 1.0); }

// The steps that can be placed, in Erlangs order; bounds widened to hold the blocking.
std::vector<Step> DrawableSteps(const CapacityChartInput& in) {
  std::vector<Step> out;
  for (const auto& s : in.steps) {
    if (!std::isfinite(s.offered_erlangs) || !std::isfinite(s.blocking)) continue;
    const double b = Clamped(s.blocking);
    const double lo = std::isfinite(s.lower) ? std::min(Clamped(s.lower), b) : b;
    const double hi = std::isfinite(s.upper) ? std::max(Clamped(s.upper), b) : b;
    out.push_back({s.offered_erlangs, b, lo, hi});
  }
  std::stable_sort(out.begin(), out.end(), [](const Step& a, const Step& b) { return a.x < b.x; });
  return out;
}

// The curve points a log scale can show, in Erlangs order.
Curve DrawableCurve(const CapacityChartInput& in) {
  Curve out;
  for (const auto& [x, y] : in.curve) {
    if (std::isfinite(x) && std::isfinite(y) && y > 0) out.emplace_back(x, std::min(y, 1.0));
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

std::optional<double> DrawableTarget(const CapacityChartInput& in) {
  if (!in.target_blocking) return std::nullopt;
  const double t = *in.target_blocking;
  if (!std::isfinite(t) || t <= 0 || t > 1) return std::nullopt;
  return t;
}

double DecadeBelow(double v) { return std::pow(10.0, std::floor(std::log10(v))); }

// From the decade at least a factor 2 below the smallest positive value drawn (so nothing
// measured sits on the bottom, where steps without blocked calls go), never below
// kLowestBlocking, to half as much again as the largest, at most 100%. At least two
// decades, so at least two ticks are labelled.
LogAxis BlockingAxis(const std::vector<Step>& steps, const Curve& curve,
                     std::optional<double> target) {
  double smallest = 2;
  double largest = 0;
  auto take = [&](double v) {
    if (v <= 0) return;
    smallest = std::min(smallest, v);
    largest = std::max(largest, v);
  };
  for (const auto& s : steps) {
    take(s.lower);
    take(s.blocking);
    take(s.upper);
  }
  for (const auto& p : curve) take(p.second);
  if (target) take(*target);
  if (largest == 0) return LogAxis{};
  LogAxis axis;
  axis.top = std::min(1.0, largest * 1.5);
  axis.bottom = std::min(DecadeBelow(smallest / 2), DecadeBelow(axis.top / 100));
  axis.bottom = std::max(axis.bottom, kLowestBlocking);
  return axis;
}

// Everything placed, with a little room so the points on the edges are not cut in half by
// the axes; not below 0 when nothing placed is. Nothing placed: 0 to C.
Range ErlangRange(const std::vector<Step>& steps, const Curve& curve, int ports) {
  std::vector<double> xs;
  for (const auto& s : steps) xs.push_back(s.x);
  for (const auto& p : curve) xs.push_back(p.first);
  if (xs.empty()) return Range{0, std::max(1.0, static_cast<double>(ports))};
  auto [lo, hi] = std::minmax_element(xs.begin(), xs.end());
  const double span = *hi - *lo;
  const double pad = span > 0 ? span * 0.03 : std::max(0.5, std::fabs(*hi) * 0.05);
  Range r{*lo - pad, *hi + pad};
  if (*lo >= 0 && r.low < 0) r.low = 0;
  return r;
}

// A ratio as a percentage for a legend: "1", "0.5", "95".
std::string Percent(double ratio) { return fmt::format("{:.4g}", ratio * 100); }

std::string MeasuredTitle(double confidence) {
  if (!std::isfinite(confidence) || confidence <= 0 || confidence >= 1) return "measured";
  return fmt::format("measured ({}% interval)", Percent(confidence));
}

std::string CurveTitle(int ports) {
  if (ports <= 0) return "Erlang B";
  return fmt::format("Erlang B, C = {} {}", ports, ports == 1 ? "port" : "ports");
}

// The key goes under the plot, one row for up to three entries; a fourth wraps it into a
// second row, which needs its own room below the x axis label.
void AppendAxes(std::string& s, const Range& x, const LogAxis& y, int key_entries) {
  s += "set border 3 linewidth 1 linecolor rgb '#606060'\n";
  s += "set tics nomirror out scale 0.5 textcolor rgb '#333333'\n";
  s += "set logscale y 10\n";
  s += "set grid xtics ytics mytics linetype 1 linewidth 1 linecolor rgb '#e2e2e2', "
       "linetype 1 linewidth 0.5 linecolor rgb '#f2f2f2'\n";
  s += "set xlabel 'offered load (Erlangs)' textcolor rgb '#333333'\n";
  s += "set ylabel 'blocking probability' textcolor rgb '#333333'\n";
  // The blocking axis is in percent: the data blocks carry ratio * 100.
  fmt::format_to(std::back_inserter(s), "set xrange [{}:{}]\nset yrange [{}:{}]\n", Number(x.low),
                 Number(x.high), Number(y.bottom * 100), Number(y.top * 100));
  s += "set ytics 10\nset mytics 10\n";
  s += "set format x '%g'\nset format y '%g%%'\n";
  s += key_entries > 3 ? "set bmargin 6.5\n" : "set bmargin 5.5\n";
  s += "set key outside bottom center horizontal reverse Left noenhanced samplen 3 width 2\n";
}

void AppendCurve(std::string& s, const Curve& curve) {
  s += "$curve << EOD\n";
  for (const auto& [x, y] : curve) {
    fmt::format_to(std::back_inserter(s), "{} {}\n", Number(x), Number(y * 100));
  }
  s += "EOD\n";
}

// x, blocking, lower, upper in percent, each at least the axis bottom: a step without
// blocked calls (`none_blocked`) sits on the bottom, its bar rising to its upper bound.
void AppendSteps(std::string& s, std::string_view name, const std::vector<Step>& steps,
                 bool none_blocked, const LogAxis& y) {
  fmt::format_to(std::back_inserter(s), "{} << EOD\n", name);
  for (const auto& st : steps) {
    if ((st.blocking == 0) != none_blocked) continue;
    auto shown = [&](double v) { return Number(std::max(v, y.bottom) * 100); };
    fmt::format_to(std::back_inserter(s), "{} {} {} {}\n", Number(st.x), shown(st.blocking),
                   shown(st.lower), shown(st.upper));
  }
  s += "EOD\n";
}

struct Drawn {
  bool curve = false;
  std::size_t blocked = 0;  // steps with blocked calls
  std::size_t none = 0;     // steps without
  std::optional<double> target;
};

// The curve and the target line under the steps; the legend in reading order (measured,
// curve, target), so the lines get their key entries after the steps.
void AppendPlot(std::string& s, const CapacityChartInput& in, const Drawn& d) {
  std::vector<std::string> parts;
  if (d.curve) {
    parts.push_back(fmt::format(
        "$curve using 1:2 with lines linewidth 2 linecolor rgb '{}' notitle", kCurveColour));
  }
  if (d.target) {
    parts.push_back(fmt::format("{} with lines dashtype 2 linewidth 1.5 linecolor rgb '{}' notitle",
                                Number(*d.target * 100), kTargetColour));
  }
  if (d.blocked > 0) {
    parts.push_back(fmt::format(
        "$blocked using 1:2:3:4 with yerrorbars pointtype 7 pointsize 0.9 linewidth 1.5 "
        "linecolor rgb '{}' title '{}'",
        kStepColour, MeasuredTitle(in.confidence)));
  }
  if (d.none > 0) {
    parts.push_back(
        fmt::format("$none using 1:2:3:4 with yerrorbars pointtype 10 pointsize 1.3 linewidth 1.5 "
                    "linecolor rgb '{}' title '0 blocked (upper bound)'",
                    kStepColour));
  }
  if (parts.empty()) parts.push_back("NaN notitle");  // gnuplot needs something to plot
  if (d.curve) {
    parts.push_back(fmt::format("keyentry with lines linewidth 2 linecolor rgb '{}' title '{}'",
                                kCurveColour, CurveTitle(in.ports)));
  }
  if (d.target) {
    parts.push_back(fmt::format(
        "keyentry with lines dashtype 2 linewidth 1.5 linecolor rgb '{}' title 'target {}%'",
        kTargetColour, Percent(*d.target)));
  }
  AppendPlotCommand(s, parts);
}

}  // namespace

std::string CapacityChartScript(ChartFormat format, const CapacityChartInput& in) {
  const auto steps = DrawableSteps(in);
  const auto curve = DrawableCurve(in);
  Drawn d;
  d.curve = !curve.empty();
  d.target = DrawableTarget(in);
  d.none = static_cast<std::size_t>(
      std::count_if(steps.begin(), steps.end(), [](const Step& st) { return st.blocking == 0; }));
  d.blocked = steps.size() - d.none;
  const LogAxis y = BlockingAxis(steps, curve, d.target);

  std::string s = ScriptPreamble(format);
  AppendTitles(s, in.title, in.subtitle);
  const int key_entries = (d.blocked > 0) + (d.none > 0) + d.curve + d.target.has_value();
  AppendAxes(s, ErlangRange(steps, curve, in.ports), y, key_entries);
  if (steps.empty()) {
    s += "set label 12 'no steps' at graph 0.5, graph 0.75 center font ',16' "
         "textcolor rgb '#999999'\n";
  }
  AppendCurve(s, curve);
  AppendSteps(s, "$blocked", steps, false, y);
  AppendSteps(s, "$none", steps, true, y);
  AppendPlot(s, in, d);
  return s;
}

}  // namespace dialsoak::chart::detail
