#include "run_command.h"

#include <signal.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <random>

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "dialsoak/engine/engine.h"
#include "dialsoak/prometheus/metrics_endpoint.h"
#include "dialsoak/prometheus/metrics_sink.h"
#include "dialsoak/prometheus/pushgateway.h"
#include "dialsoak/report/json_report.h"
#include "dialsoak/report/status_line.h"
#include "dialsoak/report/summary.h"
#include "dialsoak/report/summary_table.h"
#include "dialsoak/sim/bank.h"
#include "exit_codes.h"
#include "line_setup.h"
#include "run_verdicts.h"
#include "soak_engine.h"
#include "settings_json.h"
#include "signal_watch.h"

namespace dialsoak::cli {
namespace {

// The settings' push target; without an `instance` grouping label, the host's name, so
// that agents on several hosts push to groups of their own.
prometheus_export::PushTarget PushTargetOf(const RunSettings& s) {
  prometheus_export::PushTarget target{s.push_url, s.push_job, s.push_labels};
  const bool has_instance = std::any_of(s.push_labels.begin(), s.push_labels.end(),
                                        [](const auto& l) { return l.first == "instance"; });
  if (!has_instance) {
    std::string host = prometheus_export::HostName();
    target.labels.insert(target.labels.begin(), {"instance", host.empty() ? "unknown" : host});
  }
  return target;
}

std::string NewRunId() {
  auto now = std::chrono::system_clock::now();
  std::random_device rd;
  return fmt::format("{:%Y%m%dT%H%M%S}-{:04x}", fmt::gmtime(std::chrono::system_clock::to_time_t(now)),
                     rd() & 0xffff);
}

// The tty paths of the lines: the bank's ports, or the configured devices.
struct Backend {
  std::unique_ptr<sim::ModemBank> bank;
  std::vector<std::string> devices;
};

struct BackendError {
  int exit_code;
  std::string message;
};

tl::expected<Backend, BackendError> StartBackend(const RunSettings& s) {
  Backend b;
  if (s.backend == "serial") {
    b.devices = s.devices;
    return b;
  }
  sim::BankConfig config;
  config.ports = s.lines;
  config.seed = s.seed;
  config.call.answer_delay = *sim::Distribution::Parse(s.answer_delay);  // validated
  config.call.p_busy = s.sim_busy;
  config.call.p_no_answer = s.sim_no_answer;
  config.call.p_no_dialtone = s.sim_no_dialtone;
  config.call.p_no_carrier = s.sim_no_carrier;
  if (s.ports) config.pools = {sim::PoolConfig{"*", *s.ports, false}};
  if (!s.pools.empty()) {
    config.pools.clear();
    for (const std::string& text : s.pools) config.pools.push_back(*sim::ParsePoolConfig(text));  // validated
  }
  if (!s.inject_leak.empty()) config.leak = *sim::ParseLeakConfig(s.inject_leak);  // validated
  if (const double sum = s.sim_busy + s.sim_no_answer + s.sim_no_dialtone + s.sim_no_carrier;
      sum > 1) {
    return tl::unexpected(BackendError{
        kUsage, fmt::format("--sim-busy + --sim-no-answer + --sim-no-dialtone + --sim-no-carrier "
                            "must not exceed 1 (got {:g})",
                            sum)});
  }
  if (auto bad = sim::CheckBankConfig(config)) {
    return tl::unexpected(BackendError{kUsage, "simulator settings: " + *bad});
  }
  auto bank = sim::ModemBank::Start(config);
  if (!bank) {
    return tl::unexpected(
        BackendError{kSetupFailed, "cannot start the embedded modem bank: " + bank.error().message});
  }
  b.bank = std::move(*bank);
  b.devices = b.bank->port_paths();
  if (config.leak.enabled()) {
    spdlog::warn("--inject-leak {}: the simulator leaks one {} descriptor in this process on "
                 "every {} dial(s), on purpose",
                 config.leak.ToString(), sim::ToString(config.leak.kind), config.leak.every);
  }
  return b;
}

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

// What the simulator itself counted, so a report shows both ends of every call.
nlohmann::json SimulatorToJson(const sim::BankStats& st) {
  return {{"calls", st.calls},           {"connects", st.connects},
          {"busy", st.busy},             {"no_answer", st.no_answer},
          {"no_dialtone", st.no_dialtone}, {"no_carrier", st.no_carrier},
          {"hangups_dtr", st.hangups_dtr}, {"hangups_ath", st.hangups_ath},
          {"hangups_close", st.hangups_close}, {"leaked_descriptors", st.leaked_descriptors},
          {"blocked", st.blocked}};
}

// Each simulated line costs two descriptors (the pty's two sides) in this process; a
// thousand lines pass the usual soft limit of 1024, so take what the hard limit allows.
// A leak injected on purpose (--inject-leak, a bounded run) must not run out either: it
// is there to be measured.
void RaiseDescriptorLimit(const RunSettings& s) {
  const int lines = s.backend == "sim" ? s.lines : static_cast<int>(s.devices.size());
  rlim_t want = static_cast<rlim_t>(lines) * 2 + 256;
  if (auto leak = sim::ParseLeakConfig(s.inject_leak); !s.inject_leak.empty() && leak && s.cycles) {
    want += static_cast<rlim_t>(*s.cycles * lines / leak->every);
  }
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min(want, lim.rlim_max);
  if (::setrlimit(RLIMIT_NOFILE, &lim) != 0) spdlog::warn("cannot raise the descriptor limit");
}

}  // namespace

int RunSoak(const RunSettings& s) {
  RaiseDescriptorLimit(s);
  auto backend = StartBackend(s);
  if (!backend) {
    spdlog::error("{}", backend.error().message);
    return backend.error().exit_code;
  }
  const std::vector<std::string>& devices = backend->devices;

  engine::SteadyEngineClock clock;
  // Each line's settings, merged once: the engine's plan and the serial driver use them.
  std::vector<LineSettings> lines;
  for (size_t i = 0; i < devices.size(); ++i) {
    lines.push_back(EffectiveLineSettings(s, static_cast<int>(i), devices[i]));
  }
  engine::EngineConfig config = MakeEngineConfig(s, lines);
  engine::LineFactory open_line = [&](int i) -> io::Result<std::unique_ptr<Line>> {
    const std::string& device = devices[static_cast<size_t>(i)];
    auto line = serial::SerialLine::Open(ToSerialConfig(lines[static_cast<size_t>(i)], device));
    if (!line) return io::Fail(line.error());
    return std::unique_ptr<Line>(std::move(*line));
  };
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

  std::unique_ptr<prometheus_export::MetricsSink> metrics;
  std::unique_ptr<prometheus_export::MetricsEndpoint> endpoint;
  std::unique_ptr<prometheus_export::MetricsPusher> pusher;
  if (!s.listen.empty() || !s.push_url.empty()) {
    auto registry = std::make_shared<prometheus::Registry>();
    metrics = std::make_unique<prometheus_export::MetricsSink>(
        registry, DIALSOAK_VERSION,
        prometheus_export::MetricsSink::Options{.per_line = s.per_line_metrics});
    if (!s.listen.empty()) {
      auto started = prometheus_export::MetricsEndpoint::Start(s.listen, registry);
      if (!started) {
        spdlog::error("{}", started.error().message);
        return kSetupFailed;
      }
      endpoint = std::move(*started);
      // Always said, so that a free port picked for --listen 0 can be found.
      fmt::print(stderr, "dialsoak: metrics on {}\n", endpoint->url());
    }
    if (!s.push_url.empty()) {
      prometheus_export::MetricsPusher::Options options;
      options.interval = s.push_interval;
      auto started =
          prometheus_export::MetricsPusher::Start(PushTargetOf(s), registry, options);
      if (!started) {
        spdlog::error("--push: {}", started.error().message);
        return kUsage;
      }
      pusher = std::move(*started);
      fmt::print(stderr, "dialsoak: pushing metrics to {}\n", pusher->url());
    }
    engine.AddObserver(*metrics);
    leak_watch.Forward(*metrics);
  }

  RunInfo info;
  info.run_id = NewRunId();
  info.version = DIALSOAK_VERSION;
  info.backend = s.backend;
  info.lines = config.lines;
  info.cycles_per_line = open_loop ? std::nullopt : s.cycles;
  info.duration = open_loop ? schedule->duration() : s.duration;
  info.started = std::chrono::system_clock::now();

  std::mutex stop_mu;
  std::condition_variable stop_cv;
  bool stop_requested = false;
  SignalWatch signals([&](int signo) {
    spdlog::warn("{}: stopping new cycles and hanging up (again to stop at once)",
                 signo == SIGINT ? "SIGINT" : "SIGTERM");
    engine.RequestStop();
    std::lock_guard<std::mutex> lock(stop_mu);
    stop_requested = true;
    stop_cv.notify_all();
  });
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
  // The final values, after the summary is out: a gateway that is down only warns.
  if (pusher) pusher->Finish();
  if (endpoint && s.linger.count() > 0) {
    // The last scrape should see the final values; a signal ends the wait.
    std::unique_lock<std::mutex> lock(stop_mu);
    stop_cv.wait_for(lock, s.linger, [&] { return stop_requested; });
  }
  return code;
}

}  // namespace dialsoak::cli
