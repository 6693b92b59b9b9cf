#include "dialsoak/chart/overlay_chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "chart_test_support.h"
#include "svg_document.h"

namespace dialsoak::chart {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Each;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testsupport::BigEndian32;
using testsupport::ReadFile;
using testsupport::ScratchDir;
using testsupport::Svg;

constexpr char kBase[] = "BASE 20261206T2200-ab12";
constexpr char kNew[] = "NEW 20261207T2200-cd34";

struct Point {
  double x = 0;
  double y = 0;
};

// Last night's run flat at 40 handles, tonight's leaking one handle every 10 cycles: what
// `dialsoak compare` draws for "self: open handles".
OverlayChartInput CompareInput() {
  OverlayChartInput in;
  in.title = "self: open handles, BASE vs NEW";
  in.subtitle = "BASE ok +0.00/1000 cycles; NEW leak +1.00/1000 cycles";
  in.y_label = "open handles";
  OverlaySeries base{kBase, {}, true};
  OverlaySeries next{kNew, {}, false};
  for (std::int64_t c = 0; c <= 1000; c += 20) {
    base.points.push_back({c, 40 + (c / 20) % 2});
    next.points.push_back({c, 40 + c / 10});
  }
  in.series = {base, next};
  return in;
}

Svg WriteSvg(const ScratchDir& dir, const OverlayChartInput& in) {
  const std::string path = dir.Path("overlay.svg");
  auto r = WriteOverlayChart(path, ChartFormat::Svg, in);
  EXPECT_TRUE(r) << r.error().message;
  return Svg(ReadFile(path));
}

// The XPath of a plot element by its legend title (one without quotes): gnuplot puts each
// in a <g> with a <title>.
std::string Group(const std::string& title) { return "//svg:g[svg:title='" + title + "']"; }

// The vertices of the lines a plot element draws, without its key sample (the first
// segment of its first path).
std::vector<Point> LineVertices(const Svg& svg, const std::string& group) {
  static const std::regex kVertex(R"([ML]\s*([-0-9.]+),([-0-9.]+))");
  std::vector<Point> out;
  for (const auto& d : svg.Strings(group + "//svg:path/@d")) {
    for (std::sregex_iterator it(d.begin(), d.end(), kVertex), end; it != end; ++it) {
      out.push_back({std::stod((*it)[1]), std::stod((*it)[2])});
    }
  }
  if (out.size() >= 2) out.erase(out.begin(), out.begin() + 2);
  return out;
}

std::size_t MarkerCount(const Svg& svg, const std::string& group) {
  return svg.Strings(group + "//svg:use[@xlink:href='#gpPt6']/@transform").size();
}

TEST(OverlayChartTest, SvgShowsTitlesAndDrawsBothSeriesNamedInTheLegend) {
  ScratchDir dir;
  const std::string path = dir.Path("overlay.svg");
  const OverlayChartInput in = CompareInput();
  auto r = WriteOverlayChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  const std::string text = ReadFile(path);
  const Svg svg(text);
  ASSERT_TRUE(svg.ok()) << "not well-formed XML";
  EXPECT_THAT(text, HasSubstr("viewBox=\"0 0 900 500\""));
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("self: open handles, BASE vs NEW"));
  EXPECT_THAT(texts, Contains("BASE ok +0.00/1000 cycles; NEW leak +1.00/1000 cycles"));
  EXPECT_THAT(texts, Contains("cycles"));
  EXPECT_THAT(texts, Contains("open handles"));
  EXPECT_THAT(texts, Contains(kBase));
  EXPECT_THAT(texts, Contains(kNew));
  EXPECT_THAT(texts, Not(Contains("no samples")));
  EXPECT_THAT(svg.Strings("//svg:g[starts-with(@id, 'gnuplot_plot_')]/svg:title"),
              ElementsAre(kBase, kNew));

  const auto base = LineVertices(svg, Group(kBase));
  const auto next = LineVertices(svg, Group(kNew));
  ASSERT_EQ(base.size(), in.series[0].points.size());
  ASSERT_EQ(next.size(), in.series[1].points.size());
  // Few points: each has its marker too (+ the key sample's).
  EXPECT_EQ(MarkerCount(svg, Group(kBase)), base.size() + 1);
  EXPECT_EQ(MarkerCount(svg, Group(kNew)), next.size() + 1);
  // Both start together at cycle 0 and 40 handles; NEW ends far above BASE (screen y
  // grows downwards), at the same cycle.
  EXPECT_NEAR(base.front().x, next.front().x, 0.01);
  EXPECT_NEAR(base.front().y, next.front().y, 0.01);
  EXPECT_NEAR(base.back().x, next.back().x, 0.01);
  EXPECT_LT(next.back().y + 100, base.back().y);
  EXPECT_THAT(dir.Entries(), ElementsAre("overlay.svg"));
}

// BASE is dashed, NEW solid, and they differ in colour as well.
TEST(OverlayChartTest, DashedSeriesIsDrawnDashedTheOtherSolid) {
  ScratchDir dir;
  const Svg svg = WriteSvg(dir, CompareInput());
  const auto base_dashes = svg.Strings(Group(kBase) + "//svg:path/@stroke-dasharray");
  ASSERT_THAT(base_dashes, Not(IsEmpty()));
  EXPECT_THAT(base_dashes, Each(Not(IsEmpty())));
  EXPECT_THAT(svg.Strings(Group(kNew) + "//svg:path/@stroke-dasharray"), IsEmpty());
  const auto base_colours = svg.Strings(Group(kBase) + "//svg:path/@stroke");
  const auto new_colours = svg.Strings(Group(kNew) + "//svg:path/@stroke");
  ASSERT_THAT(base_colours, Not(IsEmpty()));
  ASSERT_THAT(new_colours, Not(IsEmpty()));
  EXPECT_NE(base_colours.front(), new_colours.front());
}

TEST(OverlayChartTest, EmptyAxisLabelsAreCyclesAndCount) {
  ScratchDir dir;
  OverlayChartInput in = CompareInput();
  in.y_label.clear();
  EXPECT_THAT(WriteSvg(dir, in).Texts(), Contains("count"));
  in.x_label = "completed dial/hang-up cycles";
  in.y_label = "open handles";
  const auto texts = WriteSvg(dir, in).Texts();
  EXPECT_THAT(texts, Contains("completed dial/hang-up cycles"));
  EXPECT_THAT(texts, Not(Contains("count")));
}

// 200,001 samples, flat but for one spike and one dip, over a short series: at most
// kMaxPlottedPoints are drawn of the long one, its first and last among them, and both
// extremes (a stride would most likely drop them).
TEST(OverlayChartTest, LongSeriesIsThinnedKeepingItsExtremes) {
  ScratchDir dir;
  OverlayChartInput in;
  in.title = "long";
  OverlaySeries longer{"long run", {}, true};
  for (std::int64_t c = 0; c <= 200'000; ++c) {
    longer.points.push_back({c, c == 123'457 ? 1500 : c == 77'777 ? 500 : 1000});
  }
  OverlaySeries shorter{"short run", {}, false};
  for (std::int64_t c = 0; c <= 100'000; c += 1000) shorter.points.push_back({c, 1000});
  in.series = {longer, shorter};
  const Svg svg = WriteSvg(dir, in);

  auto ys = [](std::vector<Point> points) {
    std::vector<double> out;
    for (const auto& p : points) out.push_back(p.y);
    std::sort(out.begin(), out.end());
    return out;
  };
  const auto drawn = LineVertices(svg, Group("long run"));
  ASSERT_GT(drawn.size(), 100u);
  EXPECT_LE(drawn.size(), kMaxPlottedPoints);
  EXPECT_EQ(MarkerCount(svg, Group("long run")), 0u);  // dense: a line only
  const auto flat = ys(LineVertices(svg, Group("short run")));
  ASSERT_FALSE(flat.empty());
  const auto long_ys = ys(drawn);
  EXPECT_LT(long_ys.front() + 100, flat.front());  // the spike, far above the flat line
  EXPECT_GT(long_ys.back() - 100, flat.back());    // the dip, far below it
  // First and last sample kept: the long line spans twice the short one.
  auto xs = [](const std::vector<Point>& points) {
    auto [lo, hi] = std::minmax_element(points.begin(), points.end(),
                                        [](const Point& a, const Point& b) { return a.x < b.x; });
    return std::pair{lo->x, hi->x};
  };
  const auto [long_from, long_to] = xs(drawn);
  const auto [short_from, short_to] = xs(LineVertices(svg, Group("short run")));
  EXPECT_NEAR(long_from, short_from, 0.01);
  EXPECT_NEAR(long_to - long_from, 2 * (short_to - short_from), 1.0);
}

// Decision: nothing to draw is still a chart (a compare of runs that died before their
// first sample gets one), saying so; series without points keep their legend entry.
TEST(OverlayChartTest, NoSeriesOrOnlyEmptyOnesSayNoSamples) {
  ScratchDir dir;
  OverlayChartInput in = CompareInput();
  in.series.clear();
  Svg svg = WriteSvg(dir, in);
  ASSERT_TRUE(svg.ok());
  EXPECT_THAT(svg.Texts(), Contains("no samples"));
  EXPECT_THAT(svg.Texts(), Contains("self: open handles, BASE vs NEW"));

  in = CompareInput();
  for (auto& s : in.series) s.points.clear();
  svg = WriteSvg(dir, in);
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("no samples"));
  EXPECT_THAT(texts, Contains(std::string(kBase) + " (no samples)"));
  EXPECT_THAT(texts, Contains(std::string(kNew) + " (no samples)"));
  EXPECT_THAT(LineVertices(svg, Group(std::string(kNew) + " (no samples)")), IsEmpty());
}

TEST(OverlayChartTest, SeriesWithoutPointsIsNamedNotDrawnBesideOneWithPoints) {
  ScratchDir dir;
  OverlayChartInput in = CompareInput();
  in.series[0].points.clear();
  const Svg svg = WriteSvg(dir, in);
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains(std::string(kBase) + " (no samples)"));
  EXPECT_THAT(texts, Not(Contains("no samples")));
  EXPECT_THAT(LineVertices(svg, Group(std::string(kBase) + " (no samples)")), IsEmpty());
  EXPECT_EQ(LineVertices(svg, Group(kNew)).size(), in.series[1].points.size());
}

// A single sample has no line to draw: its marker shows it.
TEST(OverlayChartTest, OnePointSeriesGetsAMarker) {
  ScratchDir dir;
  OverlayChartInput in;
  in.series = {{"one", {{0, 7}}, true}};
  const Svg svg = WriteSvg(dir, in);
  EXPECT_EQ(MarkerCount(svg, Group("one")), 1u + 1u);  // the point and its key sample
}

// Run names and titles come from the caller: nothing in them may reach gnuplot's command
// language (backquotes run a shell in double-quoted strings, @name expands macros).
TEST(OverlayChartTest, HostileNamesAndTitlesAreDrawnLiterally) {
  ScratchDir dir;
  const std::string marker = dir.Path("pwned");
  OverlayChartInput in = CompareInput();
  in.title = "it's `touch " + marker + "` @SQ";
  in.subtitle = "also \"'`touch " + marker + "`'\" @SQ \\n";
  in.x_label = "x'\"'@SQ";
  in.y_label = "y\nlabel";
  in.series[0].name = "BASE d'i\"al\n`touch " + marker + "` x_2^3 {b} \\";
  in.series[1].name = "NEW ''quoted'' @SQ\ttab";
  const Svg svg = WriteSvg(dir, in);
  ASSERT_TRUE(svg.ok());
  EXPECT_FALSE(std::filesystem::exists(marker));
  const std::string base = "BASE d'i\"al `touch " + marker + "` x_2^3 {b} \\";
  const std::string next = "NEW ''quoted'' @SQ tab";
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("it's `touch " + marker + "` @SQ"));
  EXPECT_THAT(texts, Contains("also \"'`touch " + marker + "`'\" @SQ \\n"));
  EXPECT_THAT(texts, Contains("x'\"'@SQ"));
  EXPECT_THAT(texts, Contains("y label"));
  EXPECT_THAT(texts, Contains(base));
  EXPECT_THAT(texts, Contains(next));
  EXPECT_THAT(svg.Strings("//svg:g[starts-with(@id, 'gnuplot_plot_')]/svg:title"),
              ElementsAre(base, next));
  EXPECT_EQ(LineVertices(svg, "//svg:g[@id='gnuplot_plot_1']").size(),
            in.series[0].points.size());
  EXPECT_EQ(LineVertices(svg, "//svg:g[@id='gnuplot_plot_2']").size(),
            in.series[1].points.size());
}

// Six series with long names: the legend wraps into rows under the x axis label, not
// over it.
TEST(OverlayChartTest, ManySeriesWithLongNamesKeepTheLegendBelowTheAxisLabel) {
  ScratchDir dir;
  OverlayChartInput in = CompareInput();
  in.series.clear();
  for (int i = 0; i < 6; ++i) {
    OverlaySeries s{"run " + std::to_string(i) + " with a rather long name, 20261207T2200-cd34",
                    {},
                    i == 0};
    for (std::int64_t c = 0; c <= 100; c += 10) s.points.push_back({c, 40'000'000 + i + c});
    in.series.push_back(s);
  }
  const Svg svg = WriteSvg(dir, in);
  static const std::regex kTranslate(R"(translate\(([-0-9.]+),([-0-9.]+)\))");
  auto text_y = [&](const std::string& text) {
    auto t = svg.Strings("//svg:g[normalize-space(svg:text)='" + text + "']/@transform");
    std::smatch m;
    EXPECT_FALSE(t.empty()) << text;
    if (t.empty() || !std::regex_search(t.front(), m, kTranslate)) return 0.0;
    return std::stod(m[2]);
  };
  const double label = text_y("cycles");
  for (const auto& s : in.series) {
    const double entry = text_y(s.name);
    EXPECT_GT(entry, label + 10) << s.name;
    EXPECT_LT(entry, 500) << s.name;
  }
}

TEST(OverlayChartTest, PngHasSignatureAndRequestedSize) {
  ScratchDir dir;
  const std::string path = dir.Path("overlay.png");
  auto r = WriteOverlayChart(path, ChartFormat::Png, CompareInput());
  ASSERT_TRUE(r) << r.error().message;
  const std::string png = ReadFile(path);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(png, 16), 900u);
  EXPECT_EQ(BigEndian32(png, 20), 500u);
}

TEST(OverlayChartTest, MissingDirectoryIsAnErrorNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.Path("no-such-dir/overlay.svg");
  auto r = WriteOverlayChart(path, ChartFormat::Svg, CompareInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(dir.Entries(), IsEmpty());
}

TEST(OverlayChartTest, ReadOnlyDirectoryIsAnErrorNamingThePath) {
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into a read-only directory";
  ScratchDir dir;
  const std::string ro = dir.Path("ro");
  ASSERT_EQ(::mkdir(ro.c_str(), 0555), 0);
  const std::string path = ro + "/overlay.svg";
  auto r = WriteOverlayChart(path, ChartFormat::Svg, CompareInput());
  ::chmod(ro.c_str(), 0755);  // so that ScratchDir can remove it
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EACCES);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_TRUE(std::filesystem::is_empty(ro));
}

// The target is a directory: gnuplot draws into the temporary file, the rename fails,
// and the temporary file goes.
TEST(OverlayChartTest, FailedRenameLeavesNoTemporaryFile) {
  ScratchDir dir;
  const std::string path = dir.Path("taken");
  std::filesystem::create_directory(path);
  auto r = WriteOverlayChart(path, ChartFormat::Svg, CompareInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("rename"));
  EXPECT_THAT(dir.Entries(), ElementsAre("taken"));
}

}  // namespace
}  // namespace dialsoak::chart
