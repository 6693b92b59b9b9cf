#include "run_command.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdio>

#include <spdlog/spdlog.h>

#include "backend.h"
#include "dialsoak/engine/engine.h"
#include "dialsoak/report/json_report.h"
#include "dialsoak/report/status_line.h"
#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"
#include "exit_codes.h"
#include "line_setup.h"
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

int RunSoak(const RunSettings& s) {
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

  report::RunSummary summary;
  engine.AddObserver(summary);
  analysis::LeakWatch leak_watch(LeakWatchOptionsOf(s));
  engine.AddObserver(leak_watch);
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
  info.run_id = NewRunId();
  info.version = DIALSOAK_VERSION;
  info.backend = s.backend;
  info.lines = config.lines;
  info.cycles_per_line = open_loop ? std::nullopt : s.cycles;
  info.duration = open_loop ? schedule->duration() : s.duration;
  info.started = std::chrono::system_clock::now();

  StopOnSignal signals("stopping new cycles", [&engine] { engine.RequestStop(); });
  const RunEnd end = engine.Run(info);
  if (end.reason == StopReason::Failed) {
    spdlog::error("{}", end.message);
    WriteJUnitFile(s, summary.summary(), kSetupFailed);  // a CI shows the run as failed
    return kSetupFailed;
  }

  report::Summary result = summary.summary();
  AddVerdicts(s, leak_watch, result);
  const int code = end.reason == StopReason::Interrupted ? kInterrupted : VerdictExitCode(s, result);
  std::fputs(report::RenderSummary(result, code, ExitMeaning(code)).c_str(), stdout);
  std::fflush(stdout);
  if (!s.report_path.empty()) {
    nlohmann::json json = report::SummaryToJson(result, SettingsToJson(s), code);
    if (backend->bank) json["simulator"] = SimulatorToJson(backend->bank->stats());
    auto written = report::WriteJsonReport(s.report_path, json);
    if (!written) spdlog::error("--report: {}", written.error().message);
  }
  WriteJUnitFile(s, result, code);
  telemetry->Finish();
  // The last scrape should see the final values; a signal ends the wait.
  if (telemetry->endpoint && s.linger.count() > 0) signals.WaitFor(s.linger);
  return code;
}

}  // namespace dialsoak::cli
