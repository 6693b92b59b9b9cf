#include "dialsoak/chart/capacity_chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <regex>
#include <string>
#include <vector>

#include "chart_test_support.h"
#include "svg_document.h"

namespace dialsoak::chart {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using testsupport::BigEndian32;
using testsupport::PathOverride;
using testsupport::ReadFile;
using testsupport::ScratchDir;
using testsupport::Svg;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

struct Point {
  double x = 0;
  double y = 0;
};

// A drawn step: its marker and the vertical line of its error bar, in screen units (y
// grows downwards).
struct Bar {
  double x = 0;
  double y = 0;       // the marker
  double top = 0;     // the upper bound's end
  double bottom = 0;  // the lower bound's end
};

// One plot element of the chart, found by its key title: gnuplot puts each in a <g> with a
// <title>, its markers as <use> of #gpPtN (N = pointtype - 1) and its lines as paths.
struct Series {
  std::vector<Point> markers;  // the data's and the key sample's
  std::vector<Bar> bars;       // one per marker with a vertical line through it
};

std::vector<Point> Translations(const std::vector<std::string>& transforms) {
  static const std::regex kTranslate(R"(translate\(([-0-9.]+),([-0-9.]+)\))");
  std::vector<Point> out;
  std::smatch m;
  for (const auto& t : transforms) {
    if (std::regex_search(t, m, kTranslate)) out.push_back({std::stod(m[1]), std::stod(m[2])});
  }
  return out;
}

Series FindSeries(const Svg& svg, const std::string& title, const std::string& marker) {
  const std::string group = "//svg:g[svg:title='" + title + "']";
  Series s;
  // Markers on error bars get a white copy behind them first (the point interval box).
  s.markers = Translations(svg.Strings(group + "//svg:use[@xlink:href='#" + marker +
                                       "' and @color!='#FFFFFF']/@transform"));
  static const std::regex kSegment(R"(M([-0-9.]+),([-0-9.]+) L([-0-9.]+),([-0-9.]+))");
  for (const auto& p : s.markers) {
    for (const auto& d : svg.Strings(group + "//svg:path/@d")) {
      for (std::sregex_iterator it(d.begin(), d.end(), kSegment), end; it != end; ++it) {
        const double x1 = std::stod((*it)[1]), y1 = std::stod((*it)[2]);
        const double x2 = std::stod((*it)[3]), y2 = std::stod((*it)[4]);
        const double top = std::min(y1, y2), bottom = std::max(y1, y2);
        if (std::fabs(x1 - p.x) < 0.02 && std::fabs(x2 - p.x) < 0.02 && top <= p.y + 0.02 &&
            bottom >= p.y - 0.02) {
          s.bars.push_back({p.x, p.y, top, bottom});
        }
      }
    }
  }
  return s;
}

// The screen y of the blocking tick labelled `label` ("1%"): its text's baseline, a few
// units below the tick itself.
std::optional<double> TickLabelY(const Svg& svg, const std::string& label) {
  auto t =
      Translations(svg.Strings("//svg:g[normalize-space(svg:text)='" + label + "']/@transform"));
  if (t.empty()) return std::nullopt;
  return t.front().y;
}

std::vector<std::string> PercentTicks(const std::vector<std::string>& texts) {
  static const std::regex kPercent("[0-9.e+-]+%");
  std::vector<std::string> out;
  for (const auto& t : texts) {
    if (std::regex_match(t, kPercent)) out.push_back(t);
  }
  return out;
}

// Erlang B by the usual recurrence: what the caller (bench/) would pass as the curve.
double ErlangB(double erlangs, int ports) {
  double b = 1;
  for (int k = 1; k <= ports; ++k) b = erlangs * b / (k + erlangs * b);
  return b;
}

std::vector<std::pair<double, double>> Curve(double from, double to, int ports) {
  std::vector<std::pair<double, double>> curve;
  for (double a = from; a <= to + 1e-9; a += 0.25) curve.emplace_back(a, ErlangB(a, ports));
  return curve;
}

// A sweep of 24 ports around 1% blocking, the steps deliberately out of order.
CapacityChartInput SweepInput() {
  CapacityChartInput in;
  in.title = "capacity: far end of 24 ports, hold exp:20ms";
  in.subtitle = "6 of 6 steps agree with Erlang B (95% intervals); 24 ports carry 15.3 E at 1%";
  in.ports = 24;
  in.confidence = 0.95;
  in.steps = {{15.3, 0.0101, 0.0082, 0.0124}, {12.2, 0.0011, 0.0006, 0.0019},
              {21.9, 0.101, 0.095, 0.107},    {14.6, 0.0052, 0.0040, 0.0067},
              {19.0, 0.049, 0.044, 0.054},    {16.6, 0.0199, 0.0172, 0.0229}};
  in.curve = Curve(10, 25, 24);
  in.target_blocking = 0.01;
  return in;
}

Svg WriteSvg(const ScratchDir& dir, const CapacityChartInput& in) {
  const std::string path = dir.Path("capacity.svg");
  auto r = WriteCapacityChart(path, ChartFormat::Svg, in);
  EXPECT_TRUE(r) << r.error().message;
  return Svg(ReadFile(path));
}

TEST(CapacityChartTest, SvgShowsTitlesLegendAndOneBarPerStep) {
  ScratchDir dir;
  const std::string path = dir.Path("capacity.svg");
  auto r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  ASSERT_TRUE(r) << r.error().message;

  const std::string text = ReadFile(path);
  const Svg svg(text);
  ASSERT_TRUE(svg.ok()) << "not well-formed XML";
  EXPECT_EQ(svg.RootName(), "svg");
  EXPECT_THAT(text, HasSubstr("viewBox=\"0 0 900 500\""));
  auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("capacity: far end of 24 ports, hold exp:20ms"));
  EXPECT_THAT(texts, Contains("6 of 6 steps agree with Erlang B (95% intervals); 24 ports "
                              "carry 15.3 E at 1%"));
  EXPECT_THAT(texts, Contains("offered load (Erlangs)"));
  EXPECT_THAT(texts, Contains("blocking probability"));
  EXPECT_THAT(texts, Contains("measured (95% interval)"));
  EXPECT_THAT(texts, Contains("Erlang B, C = 24 ports"));
  EXPECT_THAT(texts, Contains("target 1%"));
  EXPECT_THAT(texts, Not(Contains("0 blocked (upper bound)")));  // every step blocked

  auto measured = FindSeries(svg, "measured (95% interval)", "gpPt6");
  EXPECT_EQ(measured.markers.size(), SweepInput().steps.size() + 1);  // + the key sample
  ASSERT_EQ(measured.bars.size(), SweepInput().steps.size());
  // More load, more blocking: sorted by Erlangs, each marker is higher (smaller y) than the
  // last, and sits inside its bar.
  auto bars = measured.bars;
  std::sort(bars.begin(), bars.end(), [](const Bar& a, const Bar& b) { return a.x < b.x; });
  for (std::size_t i = 0; i < bars.size(); ++i) {
    EXPECT_LT(bars[i].top, bars[i].y);
    EXPECT_GT(bars[i].bottom, bars[i].y);
    if (i > 0) {
      EXPECT_LT(bars[i].y, bars[i - 1].y);
    }
  }
  // The curve (drawn without a title, so in a plot group of its own) is one line through
  // its 61 points.
  bool curve_found = false;
  for (const auto& d :
       svg.Strings("//svg:g[starts-with(svg:title, 'gnuplot_plot_')]//svg:path/@d")) {
    curve_found |= std::count(d.begin(), d.end(), 'L') >= 50;
  }
  EXPECT_TRUE(curve_found);
  EXPECT_THAT(dir.Entries(), ElementsAre("capacity.svg"));
}

// Log scale in percent, decades labelled, ranging over the data: from the decade below
// half the curve's smallest value (7.3e-5 at 10 E: 0.001%) to half as much again as the
// largest (0.168 at 25 E: 25%, so 10% is the top label).
TEST(CapacityChartTest, BlockingAxisIsLogarithmicInPercentOverTheData) {
  ScratchDir dir;
  const Svg svg = WriteSvg(dir, SweepInput());
  EXPECT_THAT(PercentTicks(svg.Texts()), ElementsAre("0.001%", "0.01%", "0.1%", "1%", "10%"));
  // Equal distances per decade: a log axis.
  auto y3 = TickLabelY(svg, "0.001%"), y1 = TickLabelY(svg, "0.1%"), y0 = TickLabelY(svg, "10%");
  ASSERT_TRUE(y3 && y1 && y0);
  EXPECT_NEAR(*y3 - *y1, *y1 - *y0, 1.0);
  EXPECT_GT(*y3 - *y1, 50);
}

TEST(CapacityChartTest, BlockingAxisFollowsHighBlockingSteps) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.curve.clear();
  in.target_blocking.reset();
  in.steps = {{20, 0.05, 0.04, 0.06}, {25, 0.2, 0.18, 0.22}};
  const Svg svg = WriteSvg(dir, in);
  // 0.04 / 2 is in the 1% decade, but the axis spans two decades at least: 0.1% .. 33%.
  EXPECT_THAT(PercentTicks(svg.Texts()), ElementsAre("0.1%", "1%", "10%"));
  EXPECT_THAT(svg.Texts(), Not(Contains("target 1%")));
  EXPECT_THAT(svg.Texts(), Not(Contains("Erlang B, C = 24 ports")));
}

// From 1 E on, Erlang B for 24 ports falls to 1e-24: the axis stops at 0.0001%.
TEST(CapacityChartTest, CurveTailDoesNotStretchTheAxisPastTheLowestDecade) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.curve = Curve(1, 25, 24);
  const Svg svg = WriteSvg(dir, in);
  auto ticks = PercentTicks(svg.Texts());
  ASSERT_FALSE(ticks.empty());
  EXPECT_EQ(ticks.front(), "0.0001%");
  EXPECT_EQ(FindSeries(svg, "measured (95% interval)", "gpPt6").bars.size(), in.steps.size());
}

// Decision: a step with no blocked calls has no place on a log scale; it sits on the
// bottom of the axis with a marker of its own (an open triangle pointing down) and its
// bar up to its upper bound. A step with blocked calls but a lower bound of 0 keeps its
// own marker, its bar reaching down to the bottom.
TEST(CapacityChartTest, StepWithoutBlockedCallsIsDrawnOnTheAxisBottomWithItsUpperBar) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.steps = {{8, 0, 0, 0.0037},
              {12.2, 0.0011, 0.0006, 0.0019},
              {10, 0, 0, 0.0025},
              {15.3, 0.0101, 0.0082, 0.0124},
              {13, 0.002, 0, 0.009}};
  in.curve = Curve(8, 16, 24);
  const Svg svg = WriteSvg(dir, in);
  EXPECT_THAT(svg.Texts(), Contains("0 blocked (upper bound)"));

  auto none = FindSeries(svg, "0 blocked (upper bound)", "gpPt9");
  auto measured = FindSeries(svg, "measured (95% interval)", "gpPt6");
  ASSERT_EQ(none.bars.size(), 2u);
  ASSERT_EQ(measured.bars.size(), 3u);
  EXPECT_EQ(none.bars.size() + measured.bars.size(), in.steps.size());

  // The bottom of the axis: 0.0006 / 2 and B(8 E) = 2.6e-6 give 0.0001% (the lowest).
  auto ticks = PercentTicks(svg.Texts());
  ASSERT_FALSE(ticks.empty());
  auto bottom_label = TickLabelY(svg, ticks.front());
  ASSERT_TRUE(bottom_label);
  for (const auto& b : none.bars) {
    EXPECT_NEAR(b.y, *bottom_label, 6) << "at " << b.x;  // the label sits ~4 below its tick
    EXPECT_NEAR(b.bottom, b.y, 0.05);                    // no bar below the marker
    EXPECT_LT(b.top, b.y - 50);                          // the upper bar is drawn
  }
  // Below every measured marker.
  double lowest_measured = 0;
  for (const auto& b : measured.bars) lowest_measured = std::max(lowest_measured, b.y);
  for (const auto& b : none.bars) EXPECT_GT(b.y, lowest_measured + 20) << "at " << b.x;

  // In Erlangs order: 8 and 10 E without blocked calls; 12.2, 13 and 15.3 E with.
  auto by_x = [](const Bar& a, const Bar& b) { return a.x < b.x; };
  std::sort(none.bars.begin(), none.bars.end(), by_x);
  std::sort(measured.bars.begin(), measured.bars.end(), by_x);
  EXPECT_LT(none.bars[0].top, measured.bars[0].y);  // 0.37% at 8 E is above 0.11% at 12.2 E
  EXPECT_NEAR(measured.bars[1].bottom, none.bars[0].y, 0.05);   // 13 E: lower bound 0
  EXPECT_LT(measured.bars[1].y, measured.bars[1].bottom - 50);  // its marker at 0.2%
}

TEST(CapacityChartTest, OnlyStepsWithoutBlockedCallsStillDrawEach) {
  ScratchDir dir;
  CapacityChartInput in;
  in.title = "nothing blocked";
  in.steps = {{2, 0, 0, 0.01}, {4, 0, 0, 0.02}, {6, 0, 0, 0.03}};
  const Svg svg = WriteSvg(dir, in);
  EXPECT_EQ(FindSeries(svg, "0 blocked (upper bound)", "gpPt9").bars.size(), 3u);
  EXPECT_THAT(svg.Texts(), Not(Contains("measured (95% interval)")));
  EXPECT_THAT(svg.Texts(), Not(Contains("no steps")));
}

TEST(CapacityChartTest, PngHasSignatureAndRequestedSize) {
  ScratchDir dir;
  const std::string path = dir.Path("capacity.png");
  auto r = WriteCapacityChart(path, ChartFormat::Png, SweepInput());
  ASSERT_TRUE(r) << r.error().message;
  const std::string png = ReadFile(path);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(png, 16), 900u);
  EXPECT_EQ(BigEndian32(png, 20), 500u);
  EXPECT_GT(png.size(), 10'000u);  // text, grid, curve and bars
  EXPECT_THAT(dir.Entries(), ElementsAre("capacity.png"));
}

// Double-quoted gnuplot strings run `...` as a shell command and every line expands
// @name macros outside quotes; a newline would end the command. None of it may get
// through a caller's title.
TEST(CapacityChartTest, TitlesWithQuotesBackslashesBackquotesAndNewlinesAreDrawnLiterally) {
  ScratchDir dir;
  const std::string marker = dir.Path("pwned");
  CapacityChartInput in = SweepInput();
  in.title = "it's \"odd\" \\ back\\slash\nplot sin(x)\ttab `touch " + marker + "` @SQ {x}";
  in.subtitle = "'\"'`touch " + marker + "`\"'\" bad \xff name \xc3\xa9";
  const std::string path = dir.Path("odd.svg");
  auto r = WriteCapacityChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(marker));
  const Svg svg(ReadFile(path));
  ASSERT_TRUE(svg.ok());
  auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("it's \"odd\" \\ back\\slash plot sin(x) tab `touch " + marker +
                              "` @SQ {x}"));
  EXPECT_THAT(texts, Contains("'\"'`touch " + marker + "`\"'\" bad \xEF\xBF\xBD name \xc3\xa9"));
  // The rest of the script still ran.
  EXPECT_EQ(FindSeries(svg, "measured (95% interval)", "gpPt6").bars.size(), in.steps.size());
}

TEST(CapacityChartTest, LegendNamesConfidencePortsAndTargetFromTheInput) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.ports = 1;
  in.confidence = 0.9;
  in.target_blocking = 0.005;
  in.curve = Curve(0, 0.5, 1);
  in.steps = {{0.25, 0.2, 0.1, 0.3}};
  auto texts = WriteSvg(dir, in).Texts();
  EXPECT_THAT(texts, Contains("measured (90% interval)"));
  EXPECT_THAT(texts, Contains("Erlang B, C = 1 port"));
  EXPECT_THAT(texts, Contains("target 0.5%"));
}

// Decision: no steps is still a chart (a sweep that failed before its first step gets
// one), saying so, over the default 0.01% .. 100% when nothing else is drawn.
TEST(CapacityChartTest, NoStepsAndNoCurveSayNoSteps) {
  ScratchDir dir;
  CapacityChartInput in;
  in.title = "empty sweep";
  const Svg svg = WriteSvg(dir, in);
  ASSERT_TRUE(svg.ok());
  auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("no steps"));
  EXPECT_THAT(texts, Contains("empty sweep"));
  EXPECT_THAT(texts, Not(Contains("measured (95% interval)")));
  EXPECT_THAT(PercentTicks(texts), ElementsAre("0.01%", "0.1%", "1%", "10%", "100%"));
}

TEST(CapacityChartTest, NoStepsStillDrawsCurveAndTarget) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.steps.clear();
  auto texts = WriteSvg(dir, in).Texts();
  EXPECT_THAT(texts, Contains("no steps"));
  EXPECT_THAT(texts, Contains("Erlang B, C = 24 ports"));
  EXPECT_THAT(texts, Contains("target 1%"));
}

// NaN and infinity have no place on the chart and would be a gnuplot error (or worse, a
// silently misplaced point): steps that cannot be placed are left out, a bound that is
// not finite draws no bar on its side, ratios are clamped to [0, 1].
TEST(CapacityChartTest, NonFiniteNumbersDoNotReachGnuplot) {
  ScratchDir dir;
  CapacityChartInput in = SweepInput();
  in.confidence = kNaN;
  in.target_blocking = kNaN;
  in.steps = {{kNaN, 0.01, 0.005, 0.02},
              {15, kInf, 0.005, 0.02},
              {16, 0.02, kNaN, kInf},
              {17, 0.03, -0.5, 2.0}};
  in.curve = {{10, kNaN}, {kInf, 0.01}, {12, 0}, {13, -1}, {14, 0.005}, {18, 0.05}};
  const Svg svg = WriteSvg(dir, in);
  ASSERT_TRUE(svg.ok());
  auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("measured"));  // no confidence to name
  EXPECT_THAT(texts, Not(Contains(HasSubstr("target"))));
  for (const auto& t : texts) {
    std::string lower = t;
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    EXPECT_EQ(lower.find("nan"), std::string::npos) << t;
    EXPECT_EQ(lower.find("inf"), std::string::npos) << t;
  }
  // 16 and 17 E are drawn, 16 E without a bar (gnuplot draws no line of length 0).
  auto measured = FindSeries(svg, "measured", "gpPt6");
  EXPECT_EQ(measured.markers.size(), 2u + 1u);  // + the key sample
  ASSERT_EQ(measured.bars.size(), 1u);
  EXPECT_LT(measured.bars[0].top, measured.bars[0].y - 50);     // up to 100%
  EXPECT_GT(measured.bars[0].bottom, measured.bars[0].y + 50);  // down to the bottom
  EXPECT_THAT(PercentTicks(texts), Contains("100%"));
}

TEST(CapacityChartTest, ReplacesAnExistingChartWhole) {
  ScratchDir dir;
  const std::string path = dir.Path("capacity.svg");
  { std::ofstream(path) << "old chart"; }
  ASSERT_TRUE(WriteCapacityChart(path, ChartFormat::Svg, SweepInput()));
  EXPECT_THAT(ReadFile(path), StartsWith("<?xml"));
  EXPECT_THAT(dir.Entries(), ElementsAre("capacity.svg"));
}

TEST(CapacityChartTest, MissingDirectoryIsAnErrorNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.Path("no-such-dir/capacity.svg");
  auto r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(dir.Entries(), IsEmpty());
}

// A file where a directory should be: nobody, root included, can create a file in it.
TEST(CapacityChartTest, FileForADirectoryIsAnErrorNamingThePath) {
  ScratchDir dir;
  { std::ofstream(dir.Path("plain")) << "x"; }
  const std::string path = dir.Path("plain/capacity.svg");
  auto r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOTDIR);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("create temp file"));
  EXPECT_THAT(dir.Entries(), ElementsAre("plain"));
}

TEST(CapacityChartTest, ReadOnlyDirectoryIsAnErrorNamingThePath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into a read-only directory";
  ScratchDir dir;
  const std::string ro = dir.Path("ro");
  ASSERT_EQ(::mkdir(ro.c_str(), 0555), 0);
  const std::string path = ro + "/capacity.svg";
  auto r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  ::chmod(ro.c_str(), 0755);  // so that ScratchDir can remove it
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EACCES);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_TRUE(std::filesystem::is_empty(ro));
}

// The target is a directory: gnuplot draws into the temporary file, the rename fails,
// and the temporary file goes.
TEST(CapacityChartTest, FailedRenameLeavesNoTemporaryFile) {
  ScratchDir dir;
  const std::string path = dir.Path("taken");
  std::filesystem::create_directory(path);
  auto r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("rename"));
  EXPECT_THAT(dir.Entries(), ElementsAre("taken"));
}

TEST(CapacityChartTest, MissingGnuplotSaysInstallGnuplotNox) {
  ScratchDir dir;
  ScratchDir empty_bin;
  const std::string path = dir.Path("capacity.svg");
  io::Result<void> r;
  {
    PathOverride no_gnuplot(empty_bin.str());
    r = WriteCapacityChart(path, ChartFormat::Svg, SweepInput());
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr("gnuplot not found: install gnuplot-nox"));
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(dir.Entries(), IsEmpty());
  // PATH is back: gnuplot is found again.
  EXPECT_TRUE(WriteCapacityChart(path, ChartFormat::Svg, SweepInput()));
}

}  // namespace
}  // namespace dialsoak::chart
