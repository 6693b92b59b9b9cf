#include "report_command.h"

#include <cstdio>
#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/analysis/leak_watch.h"
#include "dialsoak/journal/journal_reader.h"
#include "dialsoak/report/json_report.h"
#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"
#include "exit_codes.h"
#include "latency_files.h"
#include "exit_reason.h"
#include "run_dir.h"
#include "run_verdicts.h"

namespace dialsoak::cli {
namespace {

// What the verdicts of the recorded run were asked to be, from its journal's header (the
// run's settings as its report has them under "config"): thresholds, the failure limit,
// the leak verdict's options, the charts. Outputs go to the run directory.
RunSettings VerdictSettingsOf(const nlohmann::json& config, const RunDir& dir,
                              const ReportOptions& options) {
  RunSettings s;
  s.report_path = dir.report();
  try {
    s.thresholds = config.value("thresholds", std::vector<std::string>{});
    s.max_failures_percent = config.value("max_failures_percent", 0.0);
    s.charts = config.value("charts", std::string("svg"));
    const nlohmann::json leak = config.value("leak", nlohmann::json::object());
    s.allow_leaks = leak.value("allow_leaks", false);
    s.allow_restarts = leak.value("allow_restarts", false);
    s.leak_confidence = leak.value("confidence", 0.99);
    s.leak_window = std::chrono::duration_cast<nanoseconds>(
        std::chrono::duration<double>(leak.value("window_seconds", 300.0)));
    if (!config.value("junit", std::string()).empty()) s.junit_path = dir.File("junit.xml");
  } catch (const nlohmann::json::exception& e) {
    spdlog::warn("{}: the recorded settings are incomplete ({}); defaults stand in", dir.journal(),
                 e.what());
  }
  if (!options.charts.empty()) s.charts = options.charts;
  if (!options.junit.empty()) s.junit_path = options.junit;
  return s;
}

std::string Damage(const journal::ReplayStats& st, const std::string& path) {
  std::string out = fmt::format("rebuilt from {}: {} records", path, st.records);
  if (st.torn_lines > 0) out += fmt::format(", {} torn last line ignored", st.torn_lines);
  if (st.bad_lines > 0) {
    out += fmt::format(", {} damaged line(s) skipped (the first is line {})", st.bad_lines,
                       st.first_bad_line);
  }
  return out;
}

}  // namespace

RunDir RunDirOf(const std::string& path) {
  namespace fs = std::filesystem;
  RunDir dir{path};
  std::error_code ec;
  if (fs::is_regular_file(path, ec)) {  // the journal (or the report) itself was named
    const fs::path parent = fs::path(path).parent_path();
    dir.path = (parent.empty() ? fs::current_path(ec) : parent).string();
  }
  return dir;
}

io::Result<ReplayedRun> ReplayRunJournal(const std::string& path, const ReportOptions& options,
                                         const std::vector<RunObserver*>& also) {
  ReplayedRun out;
  out.dir = RunDirOf(path);
  auto header = journal::ReadJournalHeader(out.dir.journal());
  if (!header) return io::Fail(header.error());
  if (header->command != "run") {
    return io::Fail(io::Error{
        0, fmt::format("{}: the journal is of `dialsoak {}`; only runs' journals are replayed "
                       "(a sweep's answers are in {}, written at its end; `dialsoak compare` "
                       "reads it)",
                       out.dir.journal(), header->command, out.dir.report())});
  }
  out.header = *header;
  out.settings = VerdictSettingsOf(header->config, out.dir, options);
  analysis::LeakWatchOptions watch_options = LeakWatchOptionsOf(out.settings);
  watch_options.snapshot_fds = false;  // the journal has the tables the run read
  watch_options.live = false;          // and the run's first suspicions
  report::RunSummary summary;
  analysis::LeakWatch leak_watch(watch_options);
  std::vector<RunObserver*> observers{&summary, &leak_watch};
  observers.insert(observers.end(), also.begin(), also.end());
  auto stats = journal::Replay(out.dir.journal(), observers);
  if (!stats) return io::Fail(stats.error());
  out.stats = *stats;
  if (!stats->end) {
    // Killed or crashed: what was recorded is the run, up to its last record.
    const report::Summary so_far = summary.summary();
    const RunEnd end{StopReason::Unfinished, so_far.elapsed, so_far.cycles,
                     "the journal has no end record: the run was killed or crashed",
                     so_far.dropped_at_origin};
    for (RunObserver* o : observers) o->OnRunEnd(end);
  }
  out.summary = summary.summary();
  AddVerdicts(out.settings, leak_watch, out.summary);
  out.tally = summary.tally();
  return out;
}

int RebuildReport(const ReportOptions& options) {
  auto replayed = ReplayRunJournal(options.dir, options);
  if (!replayed) {
    spdlog::error("dialsoak report {}: {}", options.dir, replayed.error().message);
    return kUsage;
  }
  const RunDir& dir = replayed->dir;
  const journal::JournalHeader& header = replayed->header;
  const journal::ReplayStats& stats = replayed->stats;
  const RunSettings& s = replayed->settings;
  report::Summary& result = replayed->summary;
  WriteLatencyFiles(s.report_path, replayed->tally, s.charts,
                    fmt::format("dialsoak run {}: latency by percentile", result.run.run_id));
  // As the run decided (run_command.cc): the verdicts first, the stop signal's code only
  // for a run that found nothing wrong.
  ExitContext exit;
  exit.max_failures_percent = s.max_failures_percent;
  if (stats.end) exit.stop_signal = StopSignalOf(*stats.end);
  int code = FinalExitCode(VerdictExitCode(s, result), exit);
  result.notes.push_back(Damage(stats, dir.journal()));
  if (!stats.end) {
    result.notes.push_back("the run did not finish; this report covers every cycle it recorded");
  }
  nlohmann::json json = report::SummaryToJson(result, header.config, code);
  AddExitToJson(json, ExitReason(code, result, exit), exit.stop_signal);
  if (!stats.simulator.is_null()) json["simulator"] = stats.simulator;
  json["run_dir"] = dir.path;
  json["rebuilt_from_journal"] = {{"journal", dir.journal()},
                                  {"written_by", header.version},
                                  {"records", stats.records},
                                  {"torn_lines", stats.torn_lines},
                                  {"bad_lines", stats.bad_lines},
                                  {"first_bad_line", stats.first_bad_line},
                                  {"finished", stats.end.has_value()}};
  if (auto written = report::WriteJsonReport(dir.report(), json); !written) {
    spdlog::error("dialsoak report: {}", written.error().message);
    exit.write_failed = true;
    exit.write_error = "the rebuilt report: " + written.error().message;
    code = FinalExitCode(VerdictExitCode(s, result), exit);
  }
  const std::string reason = ExitReason(code, result, exit);
  WriteJUnitFile(s, result, code, reason);
  std::fputs(report::RenderSummary(result, code, reason).c_str(), stdout);
  std::fflush(stdout);
  return code;
}

}  // namespace dialsoak::cli
