// dialsoak-ras: closed-loop RasDial/RasHangUp cycles over RAS phonebook entries (one line
// per entry), with this process's handles, threads and working set sampled (before and
// after every cycle on one line, KB Q197517's check), the summary at the end and, with
// --listen, live /metrics for Prometheus. Ctrl-C stops new cycles and hangs up; closing
// the console, logging off or shutting down hangs up every open connection before
// Windows ends the process (console_control.h).
// Exit codes: 0 ok, 1 failed calls over --max-failures, 2 usage or configuration error,
// 3 a line or /metrics could not be set up, 130 stopped by Ctrl-C with nothing failed (a
// stop keeps the verdict: failed calls over the limit exit 1 all the same).
#include <fmt/format.h>
#include <windows.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <memory>
#include <mutex>

#include "console_control.h"
#include "dialsoak/engine/engine.h"
#include "dialsoak/probes/process_probe.h"
#include "dialsoak/prometheus/metrics_endpoint.h"
#include "dialsoak/prometheus/metrics_sink.h"
#include "dialsoak/ras/ras_line.h"
#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"
#include "dialsoak/sim/distribution.h"
#include "ras_soak_config.h"

namespace dialsoak::windows {
namespace {

constexpr int kOk = 0, kCallsFailed = 1, kUsage = 2, kSetupFailed = 3, kInterrupted = 130;

// For the console control handler only, which Windows runs on a thread of its own: the
// run's engine and open connections while the handler is registered. g_handler_mu is
// held by the handler while it uses them and by Run() while it takes them away, so that
// they outlive a handler still at work when the run ends.
std::atomic<engine::Engine*> g_engine{nullptr};
std::atomic<ras::RasConnections*> g_connections{nullptr};
std::mutex g_handler_mu;
std::atomic<bool> g_summary_printed{false};
// After the hang-ups on a close, how long the handler waits for the summary to be
// printed before it returns and Windows ends the process (all within its ~5 s).
constexpr auto kSummaryWait = std::chrono::milliseconds(1500);

void LogLine(const std::string& line) {
  std::fprintf(stderr, "%s\n", line.c_str());
  std::fflush(stderr);
}

BOOL WINAPI OnConsoleControl(DWORD type) {
  BOOL handled = FALSE;
  {
    std::lock_guard lock(g_handler_mu);
    ConsoleControlTargets targets;
    if (engine::Engine* e = g_engine.load()) targets.stop = [e] { e->RequestStop(); };
    targets.connections = g_connections.load();
    targets.log = LogLine;
    handled = HandleConsoleControl(type, targets);
  }
  if (handled && EndsTheProcess(type)) {
    const auto until = std::chrono::steady_clock::now() + kSummaryWait;
    while (!g_summary_printed.load() && std::chrono::steady_clock::now() < until) Sleep(10);
  }
  return handled;
}

std::string_view Meaning(int code) {
  switch (code) {
    case kOk:
      return "ok";
    case kCallsFailed:
      return "failed calls over --max-failures";
    case kInterrupted:
      return "interrupted";
    default:
      return "error";
  }
}

// CLI11 validator for durations ("30s", "500ms").
CLI::Validator DurationCheck() {
  return CLI::Validator(
      [](std::string& v) {
        auto d = sim::ParseDuration(v);
        return d ? std::string() : d.error();
      },
      "DURATION");
}

std::chrono::nanoseconds ToDuration(const std::string& v) { return *sim::ParseDuration(v); }

int Run(int argc, char** argv) {
  CLI::App app{"dialsoak-ras: dial/hang-up soak over Windows RAS phonebook entries"};
  std::string config_file, entry, phonebook, number, user, listen, hold, think, dial_timeout,
      hangup_timeout, duration;
  std::vector<std::string> entries;
  std::vector<int> pids;
  std::vector<std::string> names;
  std::int64_t cycles = 0;
  double max_failures = -1;
  app.add_option("--config", config_file, "YAML settings (the flags below win over it)")
      ->check(CLI::ExistingFile);
  app.add_option("--entry", entries, "phonebook entry to dial, one line each (repeatable)");
  app.add_option("--phonebook", phonebook, "a .pbk file (default: the system phonebook)");
  app.add_option("--number", number, "phone number instead of the entry's own");
  app.add_option("--user", user,
                 "user name (else the config's, $DIALSOAK_RAS_USER, or the entry's saved one); "
                 "the password only from the config or $DIALSOAK_RAS_PASSWORD");
  app.add_option("--cycles", cycles, "dial/hang-up cycles per line (default 100)");
  app.add_option("--duration", duration, "stop after this long")->check(DurationCheck());
  app.add_option("--hold", hold, "time connected before hanging up")->check(DurationCheck());
  app.add_option("--think", think, "time between a hang-up and the next dial")
      ->check(DurationCheck());
  app.add_option("--dial-timeout", dial_timeout, "deadline of one dial (default 90s)")
      ->check(DurationCheck());
  app.add_option("--hangup-timeout", hangup_timeout, "deadline of one hang-up (default 10s)")
      ->check(DurationCheck());
  app.add_option("--watch-pid", pids, "also sample this process (repeatable)");
  app.add_option("--watch-name", names, "also sample the process of this name (repeatable)");
  app.add_option("--listen", listen, "serve /metrics on ADDR:PORT (a bare PORT: 127.0.0.1)");
  app.add_option("--max-failures", max_failures, "percent of failed calls tolerated (default 0)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? kOk : kUsage;
  }

  RasSoakSettings s;
  if (!config_file.empty()) {
    auto loaded = LoadRasSoakFile(config_file, s);
    if (!loaded) {
      std::fprintf(stderr, "dialsoak-ras: %s\n", loaded.error().c_str());
      return kUsage;
    }
    s = *loaded;
  }
  if (!entries.empty()) {
    s.entries = entries;
    s.ras.entry = entries.front();
  }
  if (!phonebook.empty()) s.ras.phonebook = phonebook;
  if (!number.empty()) s.number = number;
  if (!user.empty()) s.ras.user = user;
  if (cycles > 0) s.cycles = cycles;
  if (!duration.empty()) s.duration = ToDuration(duration);
  if (!hold.empty()) s.hold = ToDuration(hold);
  if (!think.empty()) s.think = ToDuration(think);
  if (!dial_timeout.empty()) s.dial_timeout = ToDuration(dial_timeout);
  if (!hangup_timeout.empty()) s.hangup_timeout = ToDuration(hangup_timeout);
  for (int p : pids) s.watch_pids.push_back(p);
  for (const auto& n : names) s.watch_names.push_back(n);
  if (!listen.empty()) s.listen = listen;
  if (max_failures >= 0) s.max_failures_percent = max_failures;
  s.ras = ras::WithEnvironmentCredentials(s.ras);
  for (const std::string& e : EntriesOf(s)) {
    ras::RasLineConfig c = s.ras;
    c.entry = e;
    if (std::string bad = ras::CheckRasConfig(c, s.number); !bad.empty()) {
      std::fprintf(stderr, "dialsoak-ras: %s\n", bad.c_str());
      return kUsage;
    }
  }

  const std::vector<std::string> line_entries = EntriesOf(s);
  engine::SteadyEngineClock clock;
  engine::EngineConfig config = EngineConfigOf(s);
  ras::RasConnections connections;  // every line's open connections, for a console close
  engine::Engine engine(
      config,
      [&](int index) -> io::Result<std::unique_ptr<Line>> {
        ras::RasLineConfig c = s.ras;
        c.entry = line_entries[static_cast<std::size_t>(index)];
        auto line = std::make_unique<ras::RasLine>(std::move(c), ras::SystemRasApi(), &connections);
        // Which credentials the line dials with (never the password).
        LogLine(fmt::format("dialsoak-ras: line {}: entry {}, dialing with the {}", index,
                            line->entry(), line->DescribeCredentials()));
        return std::unique_ptr<Line>(std::move(line));
      },
      clock);
  if (config.per_cycle_probes) engine.SetPerCycleProbe([] { return probes::MakeSelfProbe(); });
  try {
    engine.AddProbe(probes::MakeSelfProbe());
    for (int pid : s.watch_pids) engine.AddProbe(probes::MakePidProbe(pid));
    for (const auto& n : s.watch_names) engine.AddProbe(probes::MakeNameProbe(n));
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "dialsoak-ras: %s\n", e.what());
    return kUsage;
  }

  report::RunSummary summary;
  engine.AddObserver(summary);
  auto registry = std::make_shared<prometheus::Registry>();
  prometheus_export::MetricsSink metrics(registry, DIALSOAK_VERSION);
  std::unique_ptr<prometheus_export::MetricsEndpoint> endpoint;
  if (!s.listen.empty()) {
    auto started = prometheus_export::MetricsEndpoint::Start(s.listen, registry);
    if (!started) {
      std::fprintf(stderr, "dialsoak-ras: %s\n", started.error().message.c_str());
      return kSetupFailed;
    }
    endpoint = std::move(*started);
    engine.AddObserver(metrics);
    std::fprintf(stderr, "dialsoak-ras: metrics on %s\n", endpoint->url().c_str());
  }

  RunInfo info;
  info.run_id = fmt::format("ras-{}", GetCurrentProcessId());
  info.version = DIALSOAK_VERSION;
  info.backend = "ras";
  info.lines = config.lines;
  info.cycles_per_line = s.cycles;
  info.duration = s.duration;
  info.started = std::chrono::system_clock::now();
  g_engine = &engine;
  g_connections = &connections;
  SetConsoleCtrlHandler(OnConsoleControl, TRUE);
  const RunEnd end = engine.Run(info);
  SetConsoleCtrlHandler(OnConsoleControl, FALSE);
  {
    std::lock_guard lock(g_handler_mu);  // a handler still at work finishes first
    g_engine = nullptr;
    g_connections = nullptr;
  }
  if (end.reason == StopReason::Failed) {
    std::fprintf(stderr, "dialsoak-ras: %s\n", end.message.c_str());
    g_summary_printed = true;
    return kSetupFailed;
  }
  const report::Summary result = summary.summary();
  // A stop keeps the verdict: failed calls over the limit exit 1 whether or not Ctrl-C
  // ended the run; 130 only for a stopped run that found nothing wrong.
  int code = kOk;
  if (result.FailedCalls() > 0 && result.FailedPercent() > s.max_failures_percent) {
    code = kCallsFailed;
  } else if (end.reason == StopReason::Interrupted) {
    code = kInterrupted;
  }
  std::fputs(report::RenderSummary(result, code, Meaning(code)).c_str(), stdout);
  std::fflush(stdout);
  g_summary_printed = true;  // a close handler waiting for it may return now
  return code;
}

}  // namespace
}  // namespace dialsoak::windows

int main(int argc, char** argv) { return dialsoak::windows::Run(argc, argv); }
