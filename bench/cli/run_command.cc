#include "run_command.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "backend.h"
#include "dialsoak/engine/engine.h"
#include "dialsoak/report/json_report.h"
#include "dialsoak/report/status_line.h"
#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"
#include "exit_codes.h"
#include "exit_reason.h"
#include "latency_files.h"
#include "line_setup.h"
#include "run_journal.h"
#include "run_verdicts.h"
#include "settings_json.h"
#include "signal_watch.h"
#include "soak_engine.h"
#include "telemetry.h"

namespace dialsoak::cli {
namespace {

engine::EngineConfig MakeEngineConfig(const RunSettings& s, const std::vector<LineSettings>& lines) {
  engine::EngineConfig c;
  c.lines = static_cast<int>(lines.size());
  c.cycles = s.cycles;
  c.duration = s.duration;
  c.hold = s.hold;
  c.think = s.think;
  c.sample_interval = s.sample_interval;
  c.settle = s.settle;
  c.per_cycle_probes = c.lines == 1;
  for (const LineSettings& line : lines) c.plans.push_back(ToPlan(line, s.number));
  return c;
}

}  // namespace

// A --watch-name that several processes answer to would watch one of them (the newest)
// and maybe miss the one that leaks: refused, with the candidates listed.
bool WatchNamesAreUnambiguous(const RunSettings& s) {
  bool ok = true;
  for (const std::string& name : s.watch_names) {
    const std::vector<probes::NamedProcess> found = probes::FindProcessesNamed(name);
    if (found.size() < 2) continue;
    ok = false;
    std::string list;
    for (const probes::NamedProcess& p : found) list += fmt::format("\n  pid {}: {}", p.pid, p.command);
    spdlog::error("--watch-name {}: {} processes have that name, and one name watches one "
                  "process; give the one to watch with --watch-pid (repeatable), or start it "
                  "under a name of its own:{}",
                  name, found.size(), list);
  }
  return ok;
}

int RunSoak(const RunSettings& s) {
  if (!WatchNamesAreUnambiguous(s)) return kUsage;
  auto backend = StartBackend(s);
  if (!backend) {
    spdlog::error("{}", backend.error().message);
    return backend.error().exit_code;
  }
  const std::vector<LineSettings>& lines = backend->lines;
  engine::SteadyEngineClock clock;
  engine::EngineConfig config = MakeEngineConfig(s, lines);
  engine::LineFactory open_line = backend->LineFactory();
  const bool open_loop = IsOpenLoop(s);
  std::optional<engine::ArrivalSchedule> schedule;
  if (open_loop) schedule = ArrivalScheduleOf(s);
  std::unique_ptr<SoakEngine> soak =
      open_loop ? MakeOpenLoop(OpenLoopConfigOf(s, config.plans), *schedule, open_line, clock)
                : MakeClosedLoop(config, open_line, clock);
  SoakEngine& engine = *soak;

  engine.AddProbe(probes::MakeSelfProbe());
  for (int pid : s.watch_pids) engine.AddProbe(probes::MakePidProbe(pid));
  for (const std::string& name : s.watch_names) engine.AddProbe(probes::MakeNameProbe(name));

  // The journal first: it holds each record before anything made of it (an fd table the
  // leak watch reads at a sample comes after that sample).
  const std::string run_id = NewRunId();
  RunJournal journal = OpenRunJournal(s, run_id, "run", SettingsToJson(s));
  if (journal.refused) {
    spdlog::error("--out: {}", journal.error);
    return kUsage;
  }
  if (journal.writer) engine.AddObserver(*journal.writer);
  report::RunSummary summary;
  engine.AddObserver(summary);
  analysis::LeakWatch leak_watch(LeakWatchOptionsOf(s));
  engine.AddObserver(leak_watch);
  if (journal.writer) leak_watch.Forward(*journal.writer);  // the fd tables, the first suspicions
  std::unique_ptr<report::StatusLine> status;
  if (!s.quiet && ::isatty(STDOUT_FILENO)) {
    report::StatusLineOptions options;
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) options.max_width = ws.ws_col;
    status = std::make_unique<report::StatusLine>(stdout, options);
    engine.AddObserver(*status);
    leak_watch.Forward(*status);
  }

  auto telemetry = StartTelemetry(s);
  if (!telemetry) {
    spdlog::error("{}", telemetry.error().message);
    return telemetry.error().exit_code;
  }
  if (telemetry->metrics) {
    engine.AddObserver(*telemetry->metrics);
    leak_watch.Forward(*telemetry->metrics);
  }

  RunInfo info;
  info.run_id = run_id;
  info.version = DIALSOAK_VERSION;
  info.backend = s.backend;
  info.lines = config.lines;
  info.cycles_per_line = open_loop ? std::nullopt : s.cycles;
  info.duration = open_loop ? schedule->duration() : s.duration;
  info.started = std::chrono::system_clock::now();

  StopOnSignal signals("stopping new cycles", [&engine](int signo) { engine.RequestStop(signo); });
  const RunEnd end = engine.Run(info);
  std::optional<nlohmann::json> simulator;
  if (backend->bank) simulator = SimulatorToJson(backend->bank->stats());
  journal.Close(simulator);
  if (end.reason == StopReason::Failed) {
    spdlog::error("{}", end.message);
    WriteJUnitFile(s, summary.summary(), kSetupFailed);  // a CI shows the run as failed
    return kSetupFailed;
  }

  report::Summary result = summary.summary();
  RunSettings verdicts = s;  // the charts go next to the report, in the run directory by default
  verdicts.report_path = journal.ReportPath(s);
  AddVerdicts(verdicts, leak_watch, result);
  WriteLatencyFiles(verdicts.report_path, summary.tally(), s.charts,
                    fmt::format("dialsoak run {}: latency by percentile", run_id));
  // A stop keeps the verdict: only a run that found nothing wrong exits with the signal's code.
  ExitContext exit;
  exit.max_failures_percent = s.max_failures_percent;
  exit.write_failed = journal.failed();
  if (journal.writer && journal.writer->failed()) {
    exit.write_error = journal.writer->error();
  } else {
    exit.write_error = journal.error;
  }
  exit.stop_signal = StopSignalOf(end);
  const int code = FinalExitCode(VerdictExitCode(s, result), exit);
  const std::string reason = ExitReason(code, result, exit);
  if (!s.note.empty()) result.notes.push_back("note: " + s.note);
  result.notes.push_back(journal.Note());
  std::fputs(report::RenderSummary(result, code, reason).c_str(), stdout);
  std::fflush(stdout);
  nlohmann::json json = report::SummaryToJson(result, SettingsToJson(s), code);
  AddExitToJson(json, reason, exit.stop_signal);
  if (simulator) json["simulator"] = *simulator;
  if (journal.dir) json["run_dir"] = journal.dir->path;
  journal.WriteReports(s, json);
  WriteJUnitFile(s, result, code, reason);
  telemetry->Finish();
  // The last scrape should see the final values; a signal ends the wait.
  if (telemetry->endpoint && s.linger.count() > 0) signals.WaitFor(s.linger);
  return code;
}

}  // namespace dialsoak::cli
