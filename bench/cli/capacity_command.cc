#include "capacity_command.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <stdexcept>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "backend.h"
#include "config_values.h"
#include "dialsoak/analysis/capacity_answers.h"
#include "dialsoak/analysis/capacity_sweep.h"
#include "dialsoak/analysis/erlang_b.h"
#include "dialsoak/chart/capacity_chart.h"
#include "dialsoak/engine/open_loop_engine.h"
#include "dialsoak/prometheus/capacity_metrics.h"
#include "dialsoak/report/capacity_report.h"
#include "dialsoak/report/json_report.h"
#include "dialsoak/report/summary.h"
#include "exit_codes.h"
#include "exit_reason.h"
#include "line_setup.h"
#include "run_journal.h"
#include "settings_json.h"
#include "signal_watch.h"
#include "telemetry.h"

namespace dialsoak::cli {
namespace {

using namespace std::chrono_literals;

double Seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// The far end the sweep measures: C ports, and how the report names them.
struct FarEnd {
  int ports = 0;
  std::string description;
};

FarEnd FarEndOf(const RunSettings& s) {
  if (s.backend != "sim") return {*s.ports, fmt::format("{} ports (as given: --ports)", *s.ports)};
  if (s.pools.empty()) {
    const int c = s.ports.value_or(kCapacityDefaultPorts);
    return {c, fmt::format("{} ports (simulated)", c)};
  }
  // The pool the number reaches (validated: there is one): its own number first, then '*'.
  std::vector<sim::PoolConfig> pools;
  for (const std::string& text : s.pools) pools.push_back(*sim::ParsePoolConfig(text));
  auto reached = std::find_if(pools.begin(), pools.end(),
                              [&](const sim::PoolConfig& p) { return p.number == s.number; });
  if (reached == pools.end()) {
    reached = std::find_if(pools.begin(), pools.end(),
                           [](const sim::PoolConfig& p) { return p.number == "*"; });
  }
  return {reached->capacity, fmt::format("{} ports (simulated pool '{}', {} pool(s))",
                                         reached->capacity, reached->number, pools.size())};
}

// The settings the bank and the lines are made from: the far end's ports, and enough
// dialing lines that calls are not dropped at origin (a blocked call frees its line at
// once; a connected one holds it about as long as the far end's port).
RunSettings BackendSettingsOf(const RunSettings& s, const FarEnd& far) {
  RunSettings out = s;
  if (s.backend == "sim" && s.pools.empty()) out.ports = far.ports;
  if (s.backend == "sim" && !s.lines_set) {
    out.lines = std::min(config::kMaxLines, far.ports + std::max(8, (far.ports + 1) / 2));
  }
  return out;
}

analysis::SweepOptions SweepOptionsOf(const RunSettings& s, int ports,
                                      const sim::Distribution& hold) {
  const CapacitySettings& c = s.capacity;
  analysis::SweepOptions o;
  o.ports = ports;
  o.loads = c.loads;
  o.mean_hold = hold.Mean();
  o.confidence = c.confidence;
  o.precision = c.precision;
  o.step_calls = c.step_calls;
  o.step_window = c.step_duration;
  o.max_window = c.max_step;
  o.warmup = c.warmup;
  return o;
}

// Each step is a jump to its rate, held for its warm-up and window.
engine::ArrivalSchedule ScheduleOf(const RunSettings& s,
                                   const std::vector<analysis::StepPlan>& plan) {
  std::vector<engine::Stage> stages;
  for (const analysis::StepPlan& p : plan) {
    stages.push_back(engine::Stage{0ns, p.rate});
    stages.push_back(engine::Stage{p.warmup + p.window, p.rate});
  }
  const std::uint64_t seed = s.seed * 0x9e3779b97f4a7c15ULL + 1;  // as dialsoak run's
  return engine::ArrivalSchedule(stages, *engine::ParseArrivals(s.arrivals), seed);
}

std::string PlanLine(const std::vector<analysis::StepPlan>& plan, int ports, int lines) {
  const auto length = plan.empty() ? 0ns : plan.back().end();
  std::int64_t calls = 0;
  bool capped = false;
  for (const auto& p : plan) {
    calls += p.planned_calls;
    capped = capped || p.window_capped;
  }
  return fmt::format(
      "plan: {} steps from {:.2f} to {:.2f} E against {} ports, {} lines, about {} calls in "
      "{:.1f} s{}\n",
      plan.size(), plan.empty() ? 0.0 : plan.front().erlangs,
      plan.empty() ? 0.0 : plan.back().erlangs, ports, lines, calls, Seconds(length),
      capped ? " (some steps capped by --max-step: their intervals will be wider)" : "");
}

// "capacity.json" -> "capacity.svg", in the report's folder.
std::string ChartPath(const std::string& report_path, chart::ChartFormat format) {
  std::filesystem::path p(report_path);
  return (p.parent_path() / fmt::format("{}.{}", p.stem().string(), chart::Extension(format)))
      .string();
}

// The chart next to the report at report_path; a chart that cannot be drawn is a warning.
std::string DrawChart(const RunSettings& s, const std::string& report_path,
                      const report::CapacityReport& r) {
  const auto format = chart::ParseChartFormat(s.charts);
  if (!format || report_path.empty()) return "";
  chart::CapacityChartInput in;
  in.title = fmt::format("capacity: far end of {}, hold {}", r.far_end, r.hold);
  in.subtitle = fmt::format("{} of {} steps agree with Erlang B ({:g}% intervals); {} ports carry "
                            "{:.2f} E at {:g}% blocking",
                            r.answers.steps_agreeing, r.answers.steps_complete,
                            r.confidence * 100, r.ports, r.answers.load_at_target,
                            r.answers.target_blocking * 100);
  in.ports = r.ports;
  in.confidence = r.confidence;
  in.target_blocking = r.answers.target_blocking;
  double top = r.answers.load_at_target;
  for (const CapacityStep& step : r.steps) {
    if (step.dialed == 0) continue;
    in.steps.push_back({step.offered_erlangs, step.blocking, step.blocking_lower, step.blocking_upper});
    top = std::max(top, step.offered_erlangs);
  }
  double bottom = top;
  for (const auto& step : in.steps) bottom = std::min(bottom, step.offered_erlangs);
  bottom = std::max(0.0, bottom * 0.8);
  top *= 1.1;
  constexpr int kCurvePoints = 200;
  for (int i = 0; i <= kCurvePoints; ++i) {
    const double e = bottom + (top - bottom) * i / kCurvePoints;
    in.curve.emplace_back(e, analysis::ErlangB(e, r.ports));
  }
  const std::string path = ChartPath(report_path, *format);
  if (auto written = chart::WriteCapacityChart(path, *format, in); !written) {
    spdlog::warn("capacity chart: {}", written.error().message);
    return "";
  }
  return path;
}

// The simulator's own account of its calls, handed from the bank's thread to the sweep on
// the collector's (at every tick and at the run's end, before the sweep sees them).
class FarEndFeed final : public RunObserver {
 public:
  explicit FarEndFeed(analysis::CapacitySweep& sweep) : sweep_(sweep) {}
  void Add(const sim::CallRecord& call) {
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back({call.dialed, call.port_time});
  }
  void OnTick(Clock::time_point, std::int64_t) override { Drain(); }
  void OnRunEnd(const RunEnd&) override { Drain(); }

 private:
  void Drain() {
    std::vector<std::pair<Clock::time_point, std::chrono::nanoseconds>> calls;
    {
      std::lock_guard<std::mutex> lock(mu_);
      calls.swap(calls_);
    }
    for (const auto& [arrived, port_time] : calls) sweep_.AddFarEndCall(arrived, port_time);
  }
  analysis::CapacitySweep& sweep_;
  std::mutex mu_;
  std::vector<std::pair<Clock::time_point, std::chrono::nanoseconds>> calls_;
};

}  // namespace

int RunCapacity(const RunSettings& settings) {
  const FarEnd far = FarEndOf(settings);
  const RunSettings s = BackendSettingsOf(settings, far);
  const std::string hold_text = s.hold_dist.empty() ? kCapacityDefaultHold : s.hold_dist;
  const sim::Distribution hold = *sim::Distribution::Parse(hold_text);  // validated
  std::vector<analysis::StepPlan> plan;
  try {
    plan = analysis::PlanSweep(SweepOptionsOf(s, far.ports, hold));
  } catch (const std::invalid_argument& e) {
    spdlog::error("dialsoak capacity: {}", e.what());
    return kUsage;
  }
  analysis::CapacitySweep sweep(plan, far.ports, s.capacity.confidence, hold.Mean());
  FarEndFeed far_end(sweep);
  auto backend = StartBackend(s, [&far_end](const sim::CallRecord& call) { far_end.Add(call); });
  if (!backend) {
    spdlog::error("{}", backend.error().message);
    return backend.error().exit_code;
  }
  const int lines = static_cast<int>(backend->devices.size());
  if (lines <= far.ports) {
    spdlog::warn("{} dialing line(s) for a far end of {} ports: calls will be dropped at origin "
                 "before the far end blocks, and Erlang B for {} ports cannot be reached; give "
                 "more lines than ports",
                 lines, far.ports, far.ports);
  }

  engine::SteadyEngineClock clock;
  engine::OpenLoopConfig config;
  config.lines = lines;
  for (const LineSettings& line : backend->lines) config.plans.push_back(ToPlan(line, s.number));
  config.hold = [hold](std::mt19937_64& rng) { return hold.Draw(rng); };
  config.mean_hold = hold.Mean();
  config.seed = s.seed + 2;
  config.sample_interval = s.sample_interval;
  engine::OpenLoopEngine engine(config, ScheduleOf(s, plan), backend->LineFactory(), clock);
  engine.AddProbe(probes::MakeSelfProbe());

  // The run directory, as dialsoak run's: the journal holds the calls counted each second
  // (and each call with --journal cycles), the report.json and the chart go next to it.
  const std::string run_id = NewRunId();
  RunJournal journal = OpenRunJournal(s, run_id, "capacity", SettingsToJson(s));
  if (journal.refused) {
    spdlog::error("--out: {}", journal.error);
    return kUsage;
  }
  if (journal.writer) engine.AddObserver(*journal.writer);
  report::RunSummary summary;
  engine.AddObserver(summary);
  engine.AddObserver(far_end);  // before the sweep: it feeds it
  engine.AddObserver(sweep);
  report::CapacityProgress progress(stdout);
  if (!s.quiet) sweep.Forward(progress);
  auto telemetry = StartTelemetry(s);
  if (!telemetry) {
    spdlog::error("{}", telemetry.error().message);
    return telemetry.error().exit_code;
  }
  std::unique_ptr<prometheus_export::CapacityMetrics> capacity_metrics;
  if (telemetry->metrics) {
    engine.AddObserver(*telemetry->metrics);
    capacity_metrics = std::make_unique<prometheus_export::CapacityMetrics>(
        *telemetry->registry, far.ports, static_cast<int>(plan.size()));
    sweep.Forward(*capacity_metrics);
  }

  RunInfo info;
  info.run_id = run_id;
  info.version = DIALSOAK_VERSION;
  info.backend = s.backend;
  info.lines = lines;
  info.started = std::chrono::system_clock::now();
  if (!s.quiet) {
    std::fputs(PlanLine(plan, far.ports, lines).c_str(), stdout);
    std::fflush(stdout);
  }

  StopOnSignal signals("stopping the sweep", [&engine](int signo) { engine.RequestStop(signo); });
  const RunEnd end = engine.Run(info);
  std::optional<nlohmann::json> simulator;
  if (backend->bank) simulator = SimulatorToJson(backend->bank->stats());
  journal.Close(simulator);
  if (end.reason == StopReason::Failed) {
    spdlog::error("{}", end.message);
    return kSetupFailed;
  }

  report::CapacityReport r;
  r.run = summary.summary().run;
  r.stop = end.reason;
  r.elapsed = end.elapsed;
  r.far_end = far.description;
  r.ports = far.ports;
  r.hold = hold.ToString();
  r.mean_hold_seconds = Seconds(hold.Mean());
  r.arrivals = s.arrivals;
  r.confidence = s.capacity.confidence;
  r.steps = sweep.Steps();
  r.answers = analysis::AnswerCapacity(
      r.steps, far.ports, s.capacity.target_blocking, s.capacity.plan_load,
      s.capacity.p99_limit ? std::optional<double>(Seconds(*s.capacity.p99_limit)) : std::nullopt,
      s.capacity.confidence);
  r.chart = DrawChart(s, journal.ReportPath(s), r);  // in the run directory by default

  // A stop keeps the verdict: the steps measured before it are judged as a finished
  // sweep's are, and only a sweep that found nothing wrong exits with the signal's code.
  int code = kOk;
  std::string meaning = "ok";
  const int stop_signal = StopSignalOf(end);
  if (s.capacity.expect_erlang_b && r.answers.disagrees_beyond_chance) {
    code = kThresholdBreached;
    meaning = fmt::format(
        "more steps disagreed with Erlang B than chance explains (--expect-erlang-b): {} of {} "
        "complete steps agreed, chance of as many disagreeing {:.2g}",
        r.answers.steps_agreeing, r.answers.steps_complete, r.answers.chance_of_disagreements);
  } else if (journal.failed()) {
    code = kJournalFailed;
    meaning = journal.Note();
  } else if (stop_signal != 0) {
    code = StopSignalExitCode(stop_signal);
    meaning = fmt::format("stopped by {}, no check failed", StopSignalName(stop_signal));
  }
  r.run_dir = journal.Note();
  std::fputs(report::RenderCapacity(r, code, meaning).c_str(), stdout);
  std::fflush(stdout);
  nlohmann::json json = report::CapacityToJson(r, code);
  json["calls"] = report::SummaryToJson(summary.summary(), nullptr, code);
  json["calls"].erase("config");
  if (simulator) json["simulator"] = *simulator;
  json["config"] = SettingsToJson(s);
  if (journal.dir) json["run_dir"] = journal.dir->path;
  journal.WriteReports(s, json);
  telemetry->Finish();
  // The last scrape should see the final values; a signal ends the wait.
  if (telemetry->endpoint && s.linger.count() > 0) signals.WaitFor(s.linger);
  return code;
}

}  // namespace dialsoak::cli
