#include "run_verdicts.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "dialsoak/analysis/thresholds.h"
#include "dialsoak/chart/leak_chart.h"
#include "dialsoak/junit/junit_report.h"
#include "exit_codes.h"

namespace dialsoak::cli {
namespace {

// GCC and Clang define __SANITIZE_ADDRESS__ under -fsanitize=address (scripts/test --sanitize).
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kBuiltWithAddressSanitizer = true;
#else
constexpr bool kBuiltWithAddressSanitizer = false;
#endif

// A process name as part of a file name: "pppd", "1234", "my_dialer".
std::string FileSafe(std::string_view name) {
  std::string out;
  for (char c : name) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "process" : out;
}

// "run.json" -> "run.self.handles.svg", in the report's folder.
std::string ChartPath(const std::string& report_path, const LeakCheck& c, chart::ChartFormat f) {
  std::filesystem::path p(report_path);
  // A restarted process's later lives: each its own chart, named by pid.
  const std::string process =
      c.incarnation > 0 ? fmt::format("{}-{}", FileSafe(c.process), c.pid) : FileSafe(c.process);
  const std::string name = fmt::format("{}.{}.{}.{}", p.stem().string(), process, c.resource,
                                       chart::Extension(f));
  return (p.parent_path() / name).string();
}

std::string VerdictLine(const LeakCheck& c) {
  std::string line = fmt::format("{}: {:+.4g} per 1000 cycles [{:+.4g}, {:+.4g}], {} -> {}",
                                 c.verdict, c.slope_per_1000_cycles, c.lower_per_cycle * 1000,
                                 c.upper_per_cycle * 1000, c.baseline, c.end);
  if (!c.fd_summary.empty() && c.growth != 0) line += "; " + c.fd_summary;
  return line;
}

void DrawChart(const RunSettings& s, const analysis::LeakWatch& watch, LeakCheck& c) {
  const auto format = chart::ParseChartFormat(s.charts);
  if (!format) return;  // none
  chart::LeakChartInput in;
  in.title = fmt::format("{} (pid {}): open handles against dial/hang-up cycles", c.process, c.pid);
  in.subtitle = VerdictLine(c);
  in.y_label = "open handles";
  for (const analysis::Sample& p : watch.Series(c.process, analysis::Resource::Handles, c.incarnation)) {
    in.points.push_back({p.cycles, p.count});
  }
  in.baseline = c.baseline;
  in.has_fit = c.verdict != "insufficient_data" && !c.inconclusive();
  in.intercept = c.intercept;
  in.slope = c.slope_per_cycle;
  in.warmup_cycles = c.warmup_cycles;
  const std::string path = ChartPath(s.report_path, c, *format);
  if (auto written = chart::WriteLeakChart(path, *format, in); !written) {
    spdlog::warn("chart of {}: {}", c.process, written.error().message);
    return;
  }
  c.chart = path;
}

}  // namespace

analysis::LeakWatchOptions LeakWatchOptionsOf(const RunSettings& s) {
  analysis::LeakWatchOptions o;
  o.judge_self_memory = !kBuiltWithAddressSanitizer;
  o.window = s.leak_window;
  o.slope.confidence = s.leak_confidence;
  return o;
}

void AddVerdicts(const RunSettings& s, const analysis::LeakWatch& watch, report::Summary& summary) {
  summary.leaks = watch.Checks();
  if (!s.report_path.empty()) {
    for (LeakCheck& c : summary.leaks) {
      if (c.resource == "handles" && !c.not_seen()) DrawChart(s, watch, c);
    }
  }
  std::vector<analysis::Threshold> thresholds;
  for (const std::string& text : s.thresholds) {
    auto t = analysis::ParseThreshold(text);
    if (t) thresholds.push_back(*t);  // validated with the settings
  }
  summary.thresholds = analysis::CheckThresholds(thresholds, summary, summary.leaks);
}

bool CallsFailed(const RunSettings& s, const report::Summary& summary) {
  return summary.FailedCalls() > 0 && summary.FailedPercent() > s.max_failures_percent;
}

int VerdictExitCode(const RunSettings& s, const report::Summary& summary) {
  const bool leak = std::any_of(summary.leaks.begin(), summary.leaks.end(),
                                [](const LeakCheck& c) { return c.leaking(); });
  if (leak && !s.allow_leaks) return kLeakDetected;
  // Not given back and not judged either: never a pass. --allow-leaks, which accepts a
  // proven leak, accepts an unproven one too.
  const bool inconclusive = std::any_of(summary.leaks.begin(), summary.leaks.end(),
                                        [](const LeakCheck& c) { return c.inconclusive(); });
  if (inconclusive && !s.allow_leaks) return kLeakInconclusive;
  // A watched process that was never there: nothing was watched. One that restarted: a
  // daemon that crashed under the soak is a finding.
  const bool not_seen = std::any_of(summary.leaks.begin(), summary.leaks.end(),
                                    [](const LeakCheck& c) { return c.not_seen(); });
  if (not_seen || (summary.restart_count > 0 && !s.allow_restarts)) return kWatchFailed;
  const bool breached = std::any_of(summary.thresholds.begin(), summary.thresholds.end(),
                                    [](const ThresholdCheck& t) { return !t.passed; });
  if (breached) return kThresholdBreached;
  return CallsFailed(s, summary) ? kCallsFailed : kOk;
}

bool WriteJUnitFile(const RunSettings& s, const report::Summary& summary, int exit_code,
                    std::string_view exit_reason) {
  if (s.junit_path.empty()) return true;
  junit::JUnitInput in;
  in.summary = &summary;
  in.leaks = summary.leaks;
  in.thresholds = summary.thresholds;
  in.max_failures_percent = s.max_failures_percent;
  in.allow_restarts = s.allow_restarts;
  in.exit_code = exit_code;
  in.exit_meaning = exit_reason.empty() ? ExitMeaning(exit_code) : std::string(exit_reason);
  if (auto written = junit::WriteJUnit(s.junit_path, in); !written) {
    spdlog::error("--junit: {}", written.error().message);
    return false;
  }
  return true;
}

}  // namespace dialsoak::cli
