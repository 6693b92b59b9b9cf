#include "dialsoak/chart/percentile_chart.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cmath>
#include <filesystem>
#include <optional>
#include <random>
#include <regex>
#include <string>
#include <vector>

#include "chart_test_support.h"
#include "dialsoak/histogram/percentile_spectrum.h"
#include "svg_document.h"

namespace dialsoak::chart {
namespace {

using histogram::LatencyHistogram;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testsupport::BigEndian32;
using testsupport::PathOverride;
using testsupport::ReadFile;
using testsupport::ScratchDir;
using testsupport::Svg;

struct Point {
  double x = 0;
  double y = 0;
};

LatencyHistogram Lognormal(std::size_t n, double median_ns, double sigma, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::lognormal_distribution<double> d(std::log(median_ns), sigma);
  LatencyHistogram h;
  for (std::size_t i = 0; i < n; ++i) h.Record(std::llround(d(rng)));
  return h;
}

std::vector<Point> Translations(const std::vector<std::string>& transforms) {
  static const std::regex kTranslate(R"(translate\(([-0-9.]+),([-0-9.]+)\))");
  std::vector<Point> out;
  std::smatch m;
  for (const auto& t : transforms) {
    if (std::regex_search(t, m, kTranslate)) out.push_back({std::stod(m[1]), std::stod(m[2])});
  }
  return out;
}

// The data markers of a plot element (gnuplot puts each in a <g> with a <title>; its
// markers are <use> of #gpPt6, the key sample's last), found by an XPath to its group.
std::vector<Point> MarkersOf(const Svg& svg, const std::string& group) {
  auto points = Translations(svg.Strings(group + "//svg:use[@xlink:href='#gpPt6']/@transform"));
  if (!points.empty()) points.pop_back();  // the key sample
  return points;
}

// The same by the series' title (one without quotes).
std::vector<Point> Markers(const Svg& svg, const std::string& title) {
  return MarkersOf(svg, "//svg:g[svg:title='" + title + "']");
}

// The screen x of the percentile tick labelled `label` ("90%"): labels are centred on it.
std::optional<double> TickLabelX(const Svg& svg, const std::string& label) {
  auto t =
      Translations(svg.Strings("//svg:g[normalize-space(svg:text)='" + label + "']/@transform"));
  if (t.empty()) return std::nullopt;
  return t.front().x;
}

std::vector<std::string> PercentTicks(const std::vector<std::string>& texts) {
  static const std::regex kPercent("[0-9.]+%");
  std::vector<std::string> out;
  for (const auto& t : texts) {
    if (std::regex_match(t, kPercent)) out.push_back(t);
  }
  return out;
}

std::size_t RowsBelow100(const LatencyHistogram& h) {
  return histogram::PercentileRows(h).size() - 1;
}

Svg WriteSvg(const ScratchDir& dir, const PercentileChartInput& in) {
  const std::string path = dir.Path("percentiles.svg");
  auto r = WritePercentileChart(path, ChartFormat::Svg, in);
  EXPECT_TRUE(r) << r.error().message;
  return Svg(ReadFile(path));
}

TEST(PercentileChartTest, SvgDrawsEachSeriesSpectrumOnThePercentileAxis) {
  const LatencyHistogram dial = Lognormal(20'000, 30e6, 0.8, 1);   // about 30 ms
  const LatencyHistogram hangup = Lognormal(20'000, 5e6, 0.3, 2);  // about 5 ms
  PercentileChartInput in;
  in.title = "dialsoak: latency by percentile";
  in.subtitle = "20,000 cycles";
  in.series = {{"dial (connected)", &dial}, {"hang-up", &hangup}};
  ScratchDir dir;
  const std::string path = dir.Path("percentiles.svg");
  auto r = WritePercentileChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  const std::string text = ReadFile(path);
  const Svg svg(text);
  ASSERT_TRUE(svg.ok()) << "not well-formed XML";
  EXPECT_THAT(text, HasSubstr("viewBox=\"0 0 900 500\""));
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("dialsoak: latency by percentile"));
  EXPECT_THAT(texts, Contains("20,000 cycles"));
  EXPECT_THAT(texts, Contains("percentile"));
  EXPECT_THAT(texts, Contains("latency (ms)"));
  EXPECT_THAT(texts, Contains("dial (connected)"));
  EXPECT_THAT(texts, Contains("hang-up"));
  // 20,000 samples reach past 99.99% (1/(1-p) above 10^4): one decade more.
  EXPECT_THAT(PercentTicks(texts), ElementsAre("0%", "90%", "99%", "99.9%", "99.99%", "99.999%"));

  const auto dial_points = Markers(svg, "dial (connected)");
  const auto hangup_points = Markers(svg, "hang-up");
  ASSERT_EQ(dial_points.size(), RowsBelow100(dial));
  ASSERT_EQ(hangup_points.size(), RowsBelow100(hangup));
  // Rightwards in percentile, upwards (smaller screen y) in latency.
  for (std::size_t i = 1; i < dial_points.size(); ++i) {
    EXPECT_GT(dial_points[i].x, dial_points[i - 1].x) << i;
    EXPECT_LE(dial_points[i].y, dial_points[i - 1].y + 0.01) << i;
  }
  // The 0% and 90% rows sit on their ticks; the slower dials above the hang-ups there.
  const auto rows = histogram::PercentileRows(dial);
  const auto at90 =
      std::find_if(rows.begin(), rows.end(), [](const auto& row) { return row.percentile == 90; });
  ASSERT_NE(at90, rows.end());
  const auto tick0 = TickLabelX(svg, "0%");
  const auto tick90 = TickLabelX(svg, "90%");
  ASSERT_TRUE(tick0 && tick90);
  EXPECT_NEAR(dial_points.front().x, *tick0, 0.5);
  EXPECT_NEAR(dial_points[static_cast<std::size_t>(at90 - rows.begin())].x, *tick90, 0.5);
  EXPECT_LT(dial_points.front().y, hangup_points.front().y);
  EXPECT_THAT(dir.Entries(), ElementsAre("percentiles.svg"));
}

TEST(PercentileChartTest, FewSamplesKeepTheAxisToNinetyNinePointNineNinePercent) {
  const LatencyHistogram h = Lognormal(50, 2e9, 0.2, 3);
  PercentileChartInput in;
  in.series = {{"dial", &h}};
  ScratchDir dir;
  const Svg svg = WriteSvg(dir, in);
  EXPECT_THAT(PercentTicks(svg.Texts()), ElementsAre("0%", "90%", "99%", "99.9%", "99.99%"));
  EXPECT_EQ(Markers(svg, "dial").size(), RowsBelow100(h));
}

TEST(PercentileChartTest, SeriesWithoutSamplesIsNamedNotDrawn) {
  const LatencyHistogram dial = Lognormal(1000, 30e6, 0.5, 4);
  const LatencyHistogram empty;
  PercentileChartInput in;
  in.series = {{"dial (connected)", &dial}, {"busy", &empty}, {"no answer", nullptr}};
  ScratchDir dir;
  const Svg svg = WriteSvg(dir, in);
  const auto texts = svg.Texts();
  EXPECT_THAT(texts, Contains("busy (no samples)"));
  EXPECT_THAT(texts, Contains("no answer (no samples)"));
  EXPECT_THAT(texts, Not(Contains("no samples")));
  EXPECT_THAT(Markers(svg, "busy (no samples)"), IsEmpty());
  EXPECT_EQ(Markers(svg, "dial (connected)").size(), RowsBelow100(dial));
}

TEST(PercentileChartTest, NothingWithSamplesSaysNoSamples) {
  const LatencyHistogram empty;
  PercentileChartInput in;
  in.title = "empty run";
  in.series = {{"dial", &empty}};
  ScratchDir dir;
  Svg svg = WriteSvg(dir, in);
  EXPECT_THAT(svg.Texts(), Contains("no samples"));
  EXPECT_THAT(svg.Texts(), Contains("dial (no samples)"));
  in.series.clear();
  svg = WriteSvg(dir, in);
  EXPECT_THAT(svg.Texts(), Contains("no samples"));
  EXPECT_THAT(PercentTicks(svg.Texts()), ElementsAre("0%", "90%", "99%", "99.9%", "99.99%"));
}

TEST(PercentileChartTest, PngHasSignatureAndRequestedSize) {
  const LatencyHistogram h = Lognormal(5000, 30e6, 0.8, 5);
  PercentileChartInput in;
  in.title = "png";
  in.series = {{"dial", &h}};
  ScratchDir dir;
  const std::string path = dir.Path("percentiles.png");
  auto r = WritePercentileChart(path, ChartFormat::Png, in);
  ASSERT_TRUE(r) << r.error().message;
  const std::string png = ReadFile(path);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(png, 16), 900u);
  EXPECT_EQ(BigEndian32(png, 20), 500u);
}

// Series names come from the caller like titles: nothing in them may reach gnuplot's
// command language.
TEST(PercentileChartTest, SeriesNamesAndTitlesAreDrawnLiterally) {
  ScratchDir dir;
  const std::string marker = dir.Path("pwned");
  const LatencyHistogram h = Lognormal(1000, 30e6, 0.5, 6);
  PercentileChartInput in;
  in.title = "it's `touch " + marker + "` @SQ";
  in.series = {{"d'i\"al\n`touch " + marker + "` x_2^3", &h}};
  const Svg svg = WriteSvg(dir, in);
  ASSERT_TRUE(svg.ok());
  EXPECT_FALSE(std::filesystem::exists(marker));
  const std::string name = "d'i\"al `touch " + marker + "` x_2^3";
  EXPECT_THAT(svg.Texts(), Contains("it's `touch " + marker + "` @SQ"));
  EXPECT_THAT(svg.Texts(), Contains(name));
  EXPECT_THAT(svg.Strings("//svg:g[@id='gnuplot_plot_1']/svg:title"), ElementsAre(name));
  EXPECT_EQ(MarkersOf(svg, "//svg:g[@id='gnuplot_plot_1']").size(), RowsBelow100(h));
}

TEST(PercentileChartTest, MissingDirectoryIsAnErrorNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.Path("no/such/dir/percentiles.svg");
  auto r = WritePercentileChart(path, ChartFormat::Svg, PercentileChartInput{});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr(path));
}

TEST(PercentileChartTest, MissingGnuplotSaysInstallGnuplotNox) {
  ScratchDir dir;
  ScratchDir empty_bin;
  const std::string path = dir.Path("percentiles.svg");
  io::Result<void> r;
  {
    PathOverride no_gnuplot(empty_bin.str());
    r = WritePercentileChart(path, ChartFormat::Svg, PercentileChartInput{});
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr("gnuplot not found: install gnuplot-nox"));
  EXPECT_THAT(dir.Entries(), IsEmpty());
}

}  // namespace
}  // namespace dialsoak::chart
