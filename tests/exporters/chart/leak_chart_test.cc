#include "dialsoak/chart/leak_chart.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "chart_test_support.h"
#include "dialsoak/chart/gnuplot.h"
#include "dialsoak/io/unique_fd.h"
#include "support/proc_fds.h"

namespace dialsoak::chart {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::StartsWith;
using testsupport::BigEndian32;
using testsupport::PathOverride;
using testsupport::ReadFile;
using testsupport::ScratchDir;

// True when this process has no child at all: none running, no zombie left unreaped.
bool NoChildren() {
  int status = 0;
  return ::waitpid(-1, &status, WNOHANG) < 0 && errno == ECHILD;
}

// A watched process leaking one handle a cycle after 20 warm-up cycles, with a little
// noise: the chart a tester would get from a leak verdict.
LeakChartInput LeakingInput() {
  LeakChartInput in;
  in.title = "self (pid 4242): open handles";
  in.subtitle = "leak: +1.00 handles/cycle [0.99, 1.01], 1000 -> 1300";
  in.y_label = "open handles";
  for (std::int64_t c = 0; c <= 300; c += 3) {
    std::int64_t noise = (c / 3) % 4 == 0 ? 2 : 0;
    in.points.push_back({c, 1000 + (c < 20 ? c / 4 : c) + noise});
  }
  in.baseline = 1000;
  in.has_fit = true;
  in.intercept = 1000;
  in.slope = 1.0;
  in.warmup_cycles = 20;
  return in;
}

// The texts gnuplot drew, in document order, without the padding of tick labels. Plain
// text is <text>x</text>; enhanced text (tick labels) comes in a <tspan>.
std::vector<std::string> SvgTexts(const std::string& svg) {
  static const std::regex kText("<text>(?:<tspan[^>]*>)?([^<]*)<");
  std::vector<std::string> texts;
  for (std::sregex_iterator it(svg.begin(), svg.end(), kText), end; it != end; ++it) {
    std::string t = (*it)[1];
    t.erase(0, t.find_first_not_of(' '));
    texts.push_back(t);
  }
  return texts;
}

bool Contains(const std::vector<std::string>& texts, const std::string& text) {
  return std::find(texts.begin(), texts.end(), text) != texts.end();
}

// The y positions of the drawn sample markers (pointtype 7 is gnuplot's gpPt6 symbol).
std::vector<double> MarkerYs(const std::string& svg) {
  static const std::regex kMarker(
      R"(<use xlink:href='#gpPt6' transform='translate\(([0-9.]+),([0-9.]+)\))");
  std::vector<double> ys;
  for (std::sregex_iterator it(svg.begin(), svg.end(), kMarker), end; it != end; ++it) {
    ys.push_back(std::stod((*it)[2]));
  }
  return ys;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  return s;
}

TEST(ChartFormatTest, ParsesSvgAndPngOnly) {
  EXPECT_EQ(ParseChartFormat("svg"), ChartFormat::Svg);
  EXPECT_EQ(ParseChartFormat("png"), ChartFormat::Png);
  EXPECT_EQ(ParseChartFormat("SVG"), std::nullopt);
  EXPECT_EQ(ParseChartFormat("pdf"), std::nullopt);
  EXPECT_EQ(ParseChartFormat(""), std::nullopt);
  EXPECT_EQ(Extension(ChartFormat::Svg), "svg");
  EXPECT_EQ(Extension(ChartFormat::Png), "png");
}

TEST(LeakChartTest, SvgShowsTitleVerdictSamplesBaselineFitAndWarmup) {
  ScratchDir dir;
  const std::string path = dir.Path("leak.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, LeakingInput());
  ASSERT_TRUE(r) << r.error().message;

  const std::string svg = ReadFile(path);
  EXPECT_THAT(svg, StartsWith("<?xml"));
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(Trimmed(svg), testing::EndsWith("</svg>"));
  EXPECT_THAT(svg, HasSubstr("viewBox=\"0 0 900 500\""));
  auto texts = SvgTexts(svg);
  EXPECT_TRUE(Contains(texts, "self (pid 4242): open handles"));
  EXPECT_TRUE(Contains(texts, "leak: +1.00 handles/cycle [0.99, 1.01], 1000 -&gt; 1300") ||
              Contains(texts, "leak: +1.00 handles/cycle [0.99, 1.01], 1000 -> 1300"));
  EXPECT_TRUE(Contains(texts, "open handles"));
  EXPECT_TRUE(Contains(texts, "completed dial/hang-up cycles"));
  EXPECT_TRUE(Contains(texts, "samples"));
  EXPECT_TRUE(Contains(texts, "baseline 1000"));
  EXPECT_TRUE(Contains(texts, "fit: +1.00 per cycle"));
  EXPECT_TRUE(Contains(texts, "warm-up: 20 cycles"));
  EXPECT_EQ(MarkerYs(svg).size(), LeakingInput().points.size() + 1);  // + the key sample
  EXPECT_THAT(dir.Entries(), ElementsAre("leak.svg"));
}

// The y axis hugs the data (1000..1302 here), not 0, and every tick label is a whole
// number: handles and cycles come in ones.
TEST(LeakChartTest, AxesStartNearTheDataWithWholeNumberTicks) {
  ScratchDir dir;
  const std::string path = dir.Path("leak.svg");
  ASSERT_TRUE(WriteLeakChart(path, ChartFormat::Svg, LeakingInput()));
  std::vector<long> numbers;
  for (const auto& t : SvgTexts(ReadFile(path))) {
    static const std::regex kNumber("-?[0-9]+([.,][0-9]+)?");
    if (!std::regex_match(t, kNumber)) continue;
    EXPECT_EQ(t.find_first_of(".,"), std::string::npos) << "tick label " << t;
    numbers.push_back(std::stol(t));
  }
  // x ticks 0..300, y ticks in [900, 1400]: nothing in between 300 and 900.
  EXPECT_TRUE(std::find(numbers.begin(), numbers.end(), 0) != numbers.end());
  long lowest_y = 1'000'000;
  for (long n : numbers) {
    if (n > 300) lowest_y = std::min(lowest_y, n);
  }
  EXPECT_GE(lowest_y, 900);
  EXPECT_LE(lowest_y, 1000);
}

TEST(LeakChartTest, FlatCountGetsWholeNumberTicksAroundIt) {
  ScratchDir dir;
  LeakChartInput in;
  in.title = "flat";
  for (std::int64_t c = 0; c <= 50; ++c) in.points.push_back({c, 12});
  in.baseline = 12;
  const std::string path = dir.Path("flat.svg");
  ASSERT_TRUE(WriteLeakChart(path, ChartFormat::Svg, in));
  auto texts = SvgTexts(ReadFile(path));
  EXPECT_TRUE(Contains(texts, "12"));
  EXPECT_TRUE(Contains(texts, "baseline 12"));
  for (const auto& t : texts) {
    EXPECT_FALSE(std::regex_match(t, std::regex("-?[0-9]+[.][0-9]+"))) << "tick label " << t;
  }
}

TEST(LeakChartTest, PngHasSignatureAndRequestedSize) {
  ScratchDir dir;
  const std::string path = dir.Path("leak.png");
  auto r = WriteLeakChart(path, ChartFormat::Png, LeakingInput());
  ASSERT_TRUE(r) << r.error().message;
  const std::string png = ReadFile(path);
  ASSERT_GT(png.size(), 24u);
  EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
  EXPECT_EQ(png.substr(12, 4), "IHDR");
  EXPECT_EQ(BigEndian32(png, 16), 900u);
  EXPECT_EQ(BigEndian32(png, 20), 500u);
  EXPECT_GT(png.size(), 10'000u);  // text, grid and a few hundred points
  EXPECT_LT(png.size(), 2'000'000u);
}

TEST(LeakChartTest, TitleWithQuotesBackslashesAndNewlinesIsDrawnLiterally) {
  ScratchDir dir;
  LeakChartInput in = LeakingInput();
  in.title = "it's \"odd\" \\ back\\slash\nline two\ttab a_b^c {x} @y";
  in.y_label = "handles ''quoted''";
  const std::string path = dir.Path("odd.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  auto texts = SvgTexts(ReadFile(path));
  EXPECT_TRUE(Contains(texts, "it's \"odd\" \\ back\\slash line two tab a_b^c {x} @y"));
  EXPECT_TRUE(Contains(texts, "handles ''quoted''"));
}

// Double-quoted gnuplot strings run `...` as a shell command and every line expands
// @name macros outside quotes: a process name can do neither, whatever quotes it holds.
TEST(LeakChartTest, BackquotesAndMacrosInTextsAreDrawnNotRun) {
  ScratchDir dir;
  const std::string marker = dir.Path("pwned");
  LeakChartInput in = LeakingInput();
  in.title = "evil's `touch " + marker + "` @SQ name";
  in.subtitle = "also \"'`touch " + marker + "`'\" @SQ";
  in.y_label = "'\"'@SQ";
  const std::string path = dir.Path("evil.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_FALSE(std::filesystem::exists(marker));
  auto texts = SvgTexts(ReadFile(path));
  EXPECT_TRUE(Contains(texts, "evil's `touch " + marker + "` @SQ name"));
  EXPECT_TRUE(Contains(texts, "also \"'`touch " + marker + "`'\" @SQ"));
  EXPECT_TRUE(Contains(texts, "'\"'@SQ"));
}

TEST(LeakChartTest, InvalidUtf8BecomesReplacementCharacters) {
  ScratchDir dir;
  LeakChartInput in = LeakingInput();
  in.title = "bad \xff\xfe name \xc3\xa9";
  const std::string path = dir.Path("utf8.svg");
  ASSERT_TRUE(WriteLeakChart(path, ChartFormat::Svg, in));
  EXPECT_TRUE(Contains(SvgTexts(ReadFile(path)), "bad \xEF\xBF\xBD\xEF\xBF\xBD name \xc3\xa9"));
}

// Decision: no samples is still a chart (a soak that died before its first sample gets
// one), saying so, with the baseline; there is no fit to draw without samples.
TEST(LeakChartTest, NoPointsDrawBaselineAndSayNoSamples) {
  ScratchDir dir;
  LeakChartInput in = LeakingInput();
  in.points.clear();
  const std::string path = dir.Path("empty.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  const std::string svg = ReadFile(path);
  auto texts = SvgTexts(svg);
  EXPECT_TRUE(Contains(texts, "no samples"));
  EXPECT_TRUE(Contains(texts, "baseline 1000"));
  EXPECT_FALSE(Contains(texts, "samples"));
  EXPECT_FALSE(Contains(texts, "fit: +1.00 per cycle"));
  EXPECT_THAT(MarkerYs(svg), IsEmpty());
}

TEST(LeakChartTest, OnePointDrawsIt) {
  ScratchDir dir;
  LeakChartInput in;
  in.title = "one";
  in.points = {{0, 7}};
  in.baseline = 7;
  const std::string path = dir.Path("one.png");
  auto r = WriteLeakChart(path, ChartFormat::Png, in);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_THAT(ReadFile(path), StartsWith("\x89PNG"));
  const std::string svg_path = dir.Path("one.svg");
  ASSERT_TRUE(WriteLeakChart(svg_path, ChartFormat::Svg, in));
  EXPECT_EQ(MarkerYs(ReadFile(svg_path)).size(), 1u + 1u);  // the point and its key sample
}

// 200,001 samples, flat but for one spike: at most kMaxPlottedPoints are drawn, and the
// spike is among them (a stride would most likely drop it).
TEST(LeakChartTest, ManyPointsAreThinnedKeepingTheSpike) {
  ScratchDir dir;
  LeakChartInput in;
  in.title = "many";
  for (std::int64_t c = 0; c <= 200'000; ++c) in.points.push_back({c, c == 123'457 ? 1500 : 1000});
  in.baseline = 1000;
  const std::string path = dir.Path("many.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, in);
  ASSERT_TRUE(r) << r.error().message;
  auto ys = MarkerYs(ReadFile(path));
  ASSERT_GT(ys.size(), 100u);
  EXPECT_LE(ys.size(), kMaxPlottedPoints + 1);  // + the key's sample marker
  std::sort(ys.begin(), ys.end());
  // Screen y grows downwards: the spike is the topmost marker, far above the flat line.
  // (The key's marker sits below the plot, at the largest y.)
  EXPECT_LT(ys.front() + 100, ys[ys.size() / 2]);
}

TEST(LeakChartTest, ReplacesAnExistingChartWhole) {
  ScratchDir dir;
  const std::string path = dir.Path("leak.svg");
  { std::ofstream(path) << "old chart"; }
  ASSERT_TRUE(WriteLeakChart(path, ChartFormat::Svg, LeakingInput()));
  EXPECT_THAT(ReadFile(path), StartsWith("<?xml"));
  EXPECT_THAT(dir.Entries(), ElementsAre("leak.svg"));
}

TEST(LeakChartTest, MissingDirectoryIsAnErrorNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.Path("no-such-dir/leak.svg");
  auto r = WriteLeakChart(path, ChartFormat::Svg, LeakingInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(dir.Entries(), IsEmpty());
}

// The target is a directory: gnuplot draws into the temporary file, the rename fails,
// and the temporary file goes.
TEST(LeakChartTest, FailedRenameLeavesNoTemporaryFile) {
  ScratchDir dir;
  const std::string path = dir.Path("taken");
  std::filesystem::create_directory(path);
  auto r = WriteLeakChart(path, ChartFormat::Svg, LeakingInput());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, EISDIR);
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(r.error().message, HasSubstr("rename"));
  EXPECT_THAT(dir.Entries(), ElementsAre("taken"));
}

TEST(LeakChartTest, MissingGnuplotSaysInstallGnuplotNox) {
  ScratchDir dir;
  ScratchDir empty_bin;
  const std::string path = dir.Path("leak.svg");
  io::Result<void> r;
  {
    PathOverride no_gnuplot(empty_bin.str());
    r = WriteLeakChart(path, ChartFormat::Svg, LeakingInput());
  }
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ENOENT);
  EXPECT_THAT(r.error().message, HasSubstr("gnuplot not found: install gnuplot-nox"));
  EXPECT_THAT(r.error().message, HasSubstr(path));
  EXPECT_THAT(dir.Entries(), IsEmpty());
  // PATH is back: gnuplot is found again.
  EXPECT_TRUE(WriteLeakChart(path, ChartFormat::Svg, LeakingInput()));
}

io::UniqueFd DevNull() { return io::UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC)); }

TEST(GnuplotTest, FailureCarriesGnuplotsStandardError) {
  auto out = DevNull();
  auto r = RunGnuplot("set terminal svg\nplot sin(x) with ponts\n", out.get());
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().message, HasSubstr("gnuplot failed (exit status 1)"));
  EXPECT_THAT(r.error().message, HasSubstr("unrecognized plot type"));
  EXPECT_THAT(r.error().message, Not(testing::EndsWith("\n")));
  EXPECT_TRUE(NoChildren());
}

TEST(GnuplotTest, HungGnuplotIsKilledAtTheDeadline) {
  auto out = DevNull();
  auto start = std::chrono::steady_clock::now();
  auto r = RunGnuplot("pause 60\n", out.get(), std::chrono::milliseconds(300));
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ETIMEDOUT);
  EXPECT_THAT(r.error().message, HasSubstr("did not finish within 300 ms"));
  EXPECT_LT(took, std::chrono::seconds(5));
  EXPECT_TRUE(NoChildren());  // killed and reaped
}

// gnuplot writes ~1.5 MB to standard error while its ~1.5 MB script is still being fed:
// reading and writing one after the other would deadlock on full pipe buffers.
TEST(GnuplotTest, LargeScriptAndLargeStandardErrorDoNotDeadlock) {
  std::string script;
  for (int i = 0; i < 20'000; ++i) {
    script += "print '" + std::string(70, 'x') + "'\n";
  }
  auto out = DevNull();
  auto r = RunGnuplot(script, out.get(), std::chrono::seconds(20));
  EXPECT_TRUE(r) << r.error().message;
}

// gnuplot stops reading after `exit` while most of the script is unsent: that must be
// EPIPE for RunGnuplot, not a SIGPIPE that kills the soak.
TEST(GnuplotTest, GnuplotQuittingMidScriptDoesNotRaiseSigpipe) {
  std::string script = "exit\n";
  for (int i = 0; i < 50'000; ++i) script += "# " + std::string(60, 'y') + "\n";
  auto out = DevNull();
  auto r = RunGnuplot(script, out.get());
  EXPECT_TRUE(r) << r.error().message;  // exit means status 0
  EXPECT_TRUE(NoChildren());
}

// A leak benchmark's own chart must not leak: after successes, failures and a timeout the
// process has the descriptors it had before.
TEST(LeakChartTest, LeavesNoDescriptorOpen) {
  ScratchDir dir;
  const int before = testutil::OpenFdCount();
  ASSERT_TRUE(WriteLeakChart(dir.Path("a.svg"), ChartFormat::Svg, LeakingInput()));
  ASSERT_TRUE(WriteLeakChart(dir.Path("a.png"), ChartFormat::Png, LeakingInput()));
  ASSERT_FALSE(WriteLeakChart(dir.Path("missing/a.svg"), ChartFormat::Svg, LeakingInput()));
  {
    auto out = DevNull();
    ASSERT_FALSE(RunGnuplot("pause 60\n", out.get(), std::chrono::milliseconds(100)));
  }
  EXPECT_EQ(testutil::OpenFdCount(), before);
  EXPECT_TRUE(NoChildren());
}

}  // namespace
}  // namespace dialsoak::chart
