#include "latency_files.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/chart/percentile_chart.h"
#include "dialsoak/histogram/percentile_spectrum.h"
#include "dialsoak/report/atomic_file.h"

namespace dialsoak::cli {
namespace {

// "run.json" -> "run.<what>.<extension>", in the report's folder.
std::string NextTo(const std::string& report_path, std::string_view what, std::string_view ext) {
  const std::filesystem::path p(report_path);
  return (p.parent_path() / fmt::format("{}.{}.{}", p.stem().string(), what, ext)).string();
}

}  // namespace

void WriteLatencyFiles(const std::string& report_path, const CycleTally& tally,
                       const std::string& charts, const std::string& title) {
  if (report_path.empty()) return;
  const histogram::LatencyHistogram& connected =
      tally.dial[static_cast<std::size_t>(CallResult::Connect)];
  const histogram::LatencyHistogram all = tally.AllDials();
  const struct {
    const char* what;
    const histogram::LatencyHistogram& h;
  } spectra[] = {{"dial", connected}, {"dial_all", all}, {"hangup", tally.hangup_ok}};
  for (const auto& s : spectra) {
    const std::string path = NextTo(report_path, s.what, "hgrm");
    if (auto written = report::WriteFileAtomically(path, histogram::PercentileSpectrum(s.h));
        !written) {
      spdlog::warn("latency spectrum: {}", written.error().message);
    }
  }
  const auto format = chart::ParseChartFormat(charts);
  if (!format) return;  // none
  chart::PercentileChartInput in;
  in.title = title;
  in.subtitle = fmt::format("{} cycles; values in ms, by percentile", tally.cycles);
  in.series.push_back({"dial, connected", &connected});
  if (all.count() != connected.count()) in.series.push_back({"dial, all results", &all});
  in.series.push_back({"hang-up, confirmed", &tally.hangup_ok});
  const std::string path = NextTo(report_path, "latency", chart::Extension(*format));
  if (auto written = chart::WritePercentileChart(path, *format, in); !written) {
    spdlog::warn("latency chart: {}", written.error().message);
  }
}

}  // namespace dialsoak::cli
