#include "run_options.h"

#include "config_file.h"
#include "scenarios.h"
#include "dialsoak/sim/distribution.h"

namespace dialsoak::cli {
namespace {

using Apply = std::function<tl::expected<void, std::string>(RunSettings&)>;
using Ok = tl::expected<void, std::string>;

tl::expected<nanoseconds, std::string> Duration(const std::string& flag, const std::string& text) {
  auto d = sim::ParseDuration(text);
  if (!d) return tl::unexpected(flag + ": " + d.error());
  if (d->count() < 0) return tl::unexpected(flag + ": must not be negative");
  return *d;
}

// Copies the flag's value into a field of the settings.
template <typename Field, typename Value>
Apply Copy(Field RunSettings::*field, const Value& value) {
  return [field, &value](RunSettings& s) -> Ok {
    s.*field = value;
    return {};
  };
}

// Parses the flag's text as a duration into a field (plain or optional).
template <typename Field>
Apply DurationTo(std::string flag, Field RunSettings::*field, const std::string& text) {
  return [flag = std::move(flag), field, &text](RunSettings& s) -> Ok {
    auto d = Duration(flag, text);
    if (!d) return tl::unexpected(d.error());
    s.*field = *d;
    return {};
  };
}

Ok ParseCycles(const std::string& text, RunSettings& s) {
  s.cycles_set = true;
  if (text == "unlimited") {
    s.cycles.reset();
    return {};
  }
  size_t used = 0;
  long long n = 0;
  try {
    n = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || n < 1) {
    return tl::unexpected("--cycles: expected a number >= 1 or 'unlimited', got '" + text + "'");
  }
  s.cycles = n;
  return {};
}

// NAME=VALUE pairs; the flag's list replaces the file's labels.
Ok ParsePushLabels(const std::vector<std::string>& given, RunSettings& s) {
  s.push_labels.clear();
  for (const std::string& text : given) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
      return tl::unexpected("--push-label: expected NAME=VALUE, e.g. instance=bank1, got '" +
                            text + "'");
    }
    s.push_labels.emplace_back(text.substr(0, eq), text.substr(eq + 1));
  }
  return {};
}

}  // namespace

RunOptions::RunOptions(CLI::App& run, Command command) : command_(command) {
  const bool is_run = command == Command::Run;
  run.add_option("--config", config_path_,
                 "YAML file with run and per-line settings (flags override it)")
      ->check(CLI::ExistingFile);
  Add(run, "--backend", backend_,
      "sim (embedded modem bank, default), serial (real modems) or exec (an external dialer's "
      "commands)",
      Copy(&RunSettings::backend, backend_))
      ->check(CLI::IsMember({"sim", "serial", "exec"}));
  Add(run, "--lines", lines_,
      is_run ? "Lines dialing at once on the sim backend (default 4), or on the exec backend "
               "without --device (default 1)"
             : "Dialing lines on the sim backend (default: the far end's ports + 50%, at least 8 "
               "more, so that calls are not dropped at origin)",
      [this](RunSettings& s) -> Ok {
        s.lines = lines_;
        s.lines_set = true;
        return {};
      })
      ->check(CLI::Range(1, 4096));
  if (is_run) {
    Add(run, "--cycles", cycles_,
        "Dial/hang-up cycles per line, or 'unlimited' (default 250, or unlimited when "
        "--duration is given); with --duration too, whichever is reached first ends the run; "
        "not with --rate or --stage",
        [this](RunSettings& s) { return ParseCycles(cycles_, s); });
    Add(run, "--duration", duration_,
        "Run this long (30s, 15m, 8h), however many cycles that takes; with --cycles too, "
        "whichever is reached first ends the run",
        DurationTo("--duration", &RunSettings::duration, duration_));
    Add(run, "--hold", hold_, "Time connected before hanging up (default 0)",
        DurationTo("--hold", &RunSettings::hold, hold_));
    Add(run, "--think", think_, "Time between a hang-up and the next dial (default 0)",
        DurationTo("--think", &RunSettings::think, think_));
  }
  Add(run, "--number", number_, "Number to dial (default 5551234)",
      Copy(&RunSettings::number, number_));
  Add(run, "--device", devices_,
      "Serial backend: a modem's tty (repeatable; one line each); exec backend: the tty the "
      "commands' stdin and stdout are on, as pppd runs a connect script",
      Copy(&RunSettings::devices, devices_));
  Add(run, "--seed", seed_, "Seed of the simulator's random draws (default 1)",
      Copy(&RunSettings::seed, seed_));
  Add(run, "--answer-delay", answer_delay_,
      "Sim backend: answer delay, fixed:D, uniform:MIN,MAX, exp:MEAN, lognormal:MEDIAN,SIGMA "
      "(default fixed:0)",
      Copy(&RunSettings::answer_delay, answer_delay_));
  if (is_run) {
    Add(run, "--inject-leak", inject_leak_,
        "Sim backend: leak one descriptor of KIND (eventfd (default), pipe, socket, file) in "
        "this process on every EVERY-th dial, as RasDial leaked a handle per call",
        Copy(&RunSettings::inject_leak, inject_leak_))
        ->type_name("EVERY[:KIND]");
  }
  Add(run, "--dial-timeout", dial_timeout_, "Deadline of one dial (default 60s)",
      [this](RunSettings& s) -> Ok {
        auto d = Duration("--dial-timeout", dial_timeout_);
        if (!d) return tl::unexpected(d.error());
        s.line_defaults.dial_timeout = *d;
        return {};
      });
  Add(run, "--sample-interval", sample_interval_, "Probe sampling period (default 1s)",
      DurationTo("--sample-interval", &RunSettings::sample_interval, sample_interval_));
  if (is_run) {
    Add(run, "--watch-pid", watch_pids_,
        "Also sample this process's handles, threads and memory (repeatable)",
        Copy(&RunSettings::watch_pids, watch_pids_))
        ->check(CLI::PositiveNumber);
    Add(run, "--watch-name", watch_names_,
        "Also sample the process of this name: its /proc/PID/comm (at most 15 bytes) or the "
        "base name of its argv[0]; a name several processes have is refused. A restart (a "
        "new pid) starts a new life with its own baseline and fails the run (exit 9) unless "
        "--allow-restarts; a name never seen fails it too (repeatable)",
        Copy(&RunSettings::watch_names, watch_names_));
  }
  if (is_run) {
    Add(run, "--out", out_,
        "Run directory for the journal (every record as it happens, fsynced every second), "
        "the report and the charts (default dialsoak-runs/<run id>); `dialsoak report DIR` "
        "rebuilds the reports from it",
        Copy(&RunSettings::out_dir, out_))
        ->type_name("DIR");
    Add(run, "--journal", journal_,
        "What the journal keeps: ticks (default: the cycles counted once a second, with their "
        "latency histograms; at most about 50 MB an hour at any cycle rate) or cycles (also one "
        "record per cycle, up to --journal-cycles-limit)",
        Copy(&RunSettings::journal, journal_))
        ->check(CLI::IsMember({"ticks", "cycles"}));
    Add(run, "--journal-cycles-limit", journal_cycles_limit_mib_,
        "With --journal cycles: stop the per-cycle records at this many MiB (default 1024); "
        "the tick records go on",
        Copy(&RunSettings::journal_cycles_limit_mib, journal_cycles_limit_mib_))
        ->check(CLI::PositiveNumber)
        ->type_name("MIB");
  }
  Add(run, "--report", report_,
      is_run ? "Write the summary as JSON to this file"
             : "Write the sweep's report as JSON to this file (the chart goes next to it)",
      Copy(&RunSettings::report_path, report_));
  Add(run, "--listen", listen_,
      "Serve live metrics for Prometheus on http://ADDR:PORT/metrics; without a value "
      "127.0.0.1:9779; PORT alone binds 127.0.0.1; port 0 picks a free one",
      Copy(&RunSettings::listen, listen_))
      ->expected(0, 1)
      ->default_str("127.0.0.1:9779");
  Add(run, "--linger", linger_, "Keep /metrics up this long after the run ends (default 0)",
      DurationTo("--linger", &RunSettings::linger, linger_));
  Add(run, "--push", push_,
      "Push the metrics to this Prometheus Pushgateway (http://HOST:PORT) every "
      "--push-interval and once at the end; a gateway that is down is only a warning",
      Copy(&RunSettings::push_url, push_));
  Add(run, "--push-job", push_job_, "The job the pushes are grouped under (default dialsoak)",
      Copy(&RunSettings::push_job, push_job_));
  Add(run, "--push-label", push_labels_,
      "A grouping label NAME=VALUE of the pushes (repeatable; default instance=<host name>)",
      [this](RunSettings& s) { return ParsePushLabels(push_labels_, s); });
  Add(run, "--push-interval", push_interval_, "Time between pushes (default 15s)",
      DurationTo("--push-interval", &RunSettings::push_interval, push_interval_));
  if (is_run) {
    Add(run, "--max-failures", max_failures_,
        "Percent of failed calls tolerated before exit code 1 (default 0)",
        Copy(&RunSettings::max_failures_percent, max_failures_))
        ->check(CLI::Range(0.0, 100.0));
  }
  const struct {
    const char* flag;
    double& value;
    double RunSettings::*field;
    const char* help;
  } injected[] = {
      {"--sim-busy", sim_busy_, &RunSettings::sim_busy, "Sim backend: probability of BUSY per call"},
      {"--sim-no-answer", sim_no_answer_, &RunSettings::sim_no_answer,
       "Sim backend: probability of NO ANSWER per call"},
      {"--sim-no-dialtone", sim_no_dialtone_, &RunSettings::sim_no_dialtone,
       "Sim backend: probability of NO DIALTONE per call"},
      {"--sim-no-carrier", sim_no_carrier_, &RunSettings::sim_no_carrier,
       "Sim backend: probability of NO CARRIER per call"},
  };
  for (const auto& f : injected) {
    Add(run, f.flag, f.value, f.help, Copy(f.field, f.value))->check(CLI::Range(0.0, 1.0));
  }
  Add(run, "--ports", ports_,
      is_run ? "Sim backend: the far end has C answering ports (a concentrator); a call while "
               "all C are in use gets BUSY at once (default: unlimited)"
             : "The far end's answering ports C: on the sim backend the simulated concentrator "
               "(default 24); on real lines the ports of the concentrator dialed, for Erlang B "
               "(required)",
      [this](RunSettings& s) -> Ok {
        s.ports = ports_;
        return {};
      })
      ->type_name("C")
      ->check(CLI::Range(1, 4096));
  Add(run, "--pool", pools_,
      "Sim backend: an answering pool NUMBER:C, calls to NUMBER ('*' = any) reach its C ports "
      "(repeatable: split banks; a number no pool matches gets NO ANSWER)",
      Copy(&RunSettings::pools, pools_))
      ->type_name("NUMBER:C");
  if (is_run) {
    Add(run, "--sim-fault", sim_faults_,
      "Sim backend: a fault the simulator injects, KIND[:P][@PORT,...][/KNOB=V...]: noise, "
      "truncate, silent, dribble, carrier_loss, vanish, ring_flood, reset (repeatable)",
      Copy(&RunSettings::sim_faults, sim_faults_))
      ->type_name("FAULT");
  Add(run, "--rate", rate_,
        "Open loop: calls arrive at R calls/s across the lines, whatever they are doing "
        "(stops with --duration, or at Ctrl-C); --think does not apply, and --cycles is "
        "refused (a usage error)",
        [this](RunSettings& s) -> Ok {
          s.rate = rate_;
          return {};
        })
        ->type_name("R");
    Add(run, "--stage", stages_,
        "Open loop: DURATION:RATE, the rate reached at the end of the stage, ramping from the "
        "previous one (the first from 0), e.g. --stage 5m:10 --stage 1h:10 --stage 5m:0 "
        "(repeatable)",
        Copy(&RunSettings::stages, stages_))
        ->type_name("DURATION:RATE");
  }
  Add(run, "--arrivals", arrivals_,
      is_run ? "Open loop: poisson (default) or uniform arrivals"
             : "poisson (default: Erlang B's assumption) or uniform arrivals",
      Copy(&RunSettings::arrivals, arrivals_))
      ->check(CLI::IsMember({"poisson", "uniform"}));
  Add(run, "--hold-dist", hold_dist_,
      is_run ? "Open loop: each call's hold time, fixed:D, uniform:MIN,MAX, exp:MEAN, "
               "lognormal:MEDIAN,SIGMA (default: fixed --hold)"
             : "Each call's hold time, fixed:D, uniform:MIN,MAX, exp:MEAN, lognormal:MEDIAN,SIGMA "
               "(sim default exp:20ms; required on real lines)",
      Copy(&RunSettings::hold_dist, hold_dist_));
  if (is_run) {
    scenario_option_ = Add(run, "--scenario", scenario_,
        "A ready-made run under the other flags: q197517 (KB Q197517: one line, 1000 cycles, "
        "one eventfd leaked per dial; the verdict must name it)",
        [this](RunSettings& s) { return ApplyScenario(scenario_, s); })
        ->check(CLI::IsMember(ScenarioNames()));
    Add(run, "--threshold", thresholds_,
        "A pass/fail check on the run's results, e.g. 'success_ratio>=0.99', 'dial_p99<=30s', "
        "'leak_per_1000<1' (repeatable; exit code 6 when one is breached)",
        Copy(&RunSettings::thresholds, thresholds_))
        ->type_name("EXPR");
    Add(run, "--junit", junit_, "Write the checks (calls, thresholds, leaks) as JUnit XML",
        Copy(&RunSettings::junit_path, junit_));
    Add(run, "--settle", settle_,
        "Wait after the last hang-up before the end sample the leak check compares with the "
        "baseline (default 1s)",
        DurationTo("--settle", &RunSettings::settle, settle_));
    Add(run, "--leak-window", leak_window_,
        "Span of the live leak estimate (dialsoak_leak_*; default 5m)",
        DurationTo("--leak-window", &RunSettings::leak_window, leak_window_));
  }
  if (is_run) {
    Add(run, "--leak-confidence", leak_confidence_,
        "Confidence level of the leak slope's interval (default 0.99)",
        Copy(&RunSettings::leak_confidence, leak_confidence_))
        ->check(CLI::Range(0.5, 0.9999));
  }
  Add(run, "--charts", charts_,
      is_run ? "Charts of each process's handles against cycles next to --report: svg "
               "(default), png or none (needs gnuplot)"
             : "The blocking of each step over Erlang B's curve, next to --report: svg "
               "(default), png or none (needs gnuplot)",
      Copy(&RunSettings::charts, charts_))
      ->check(CLI::IsMember({"svg", "png", "none"}));
  if (is_run) {
    CLI::Option* allow_leaks = run.add_flag(
        "--allow-leaks", allow_leaks_, "Report a leak but do not fail the run with exit code 5");
    given_.push_back({allow_leaks, Copy(&RunSettings::allow_leaks, allow_leaks_)});
    CLI::Option* allow_restarts = run.add_flag(
        "--allow-restarts", allow_restarts_,
        "Report a watched process that restarted (a new pid) but do not fail the run with "
        "exit code 9");
    given_.push_back({allow_restarts, Copy(&RunSettings::allow_restarts, allow_restarts_)});
  }
  CLI::Option* quiet = run.add_flag("--quiet,-q", quiet_,
                                    is_run ? "No live status line"
                                           : "No plan line and no progress line per step");
  given_.push_back({quiet, Copy(&RunSettings::quiet, quiet_)});
  if (!is_run) AddCapacityFlags(run);
  AddExecFlags(run);
  CLI::Option* per_line = run.add_flag(
      "--per-line-metrics", per_line_metrics_,
      "Also export dialsoak_line_dial_attempts_total{line,result} (8 series per line)");
  given_.push_back({per_line, Copy(&RunSettings::per_line_metrics, per_line_metrics_)});
}

tl::expected<RunSettings, std::string> RunOptions::Resolve() const {
  RunSettings s;
  s.command = command_ == Command::Run ? "run" : "capacity";
  // A scenario sets defaults only: the file and the other flags override it.
  for (const Given& g : given_) {
    if (g.option == scenario_option_ && g.option->count() > 0) {
      if (auto applied = g.apply(s); !applied) return tl::unexpected(applied.error());
    }
  }
  if (!config_path_.empty()) {
    if (auto loaded = LoadConfigFile(config_path_, s); !loaded) {
      return tl::unexpected(loaded.error().message);
    }
  }
  for (const Given& g : given_) {
    if (g.option->count() == 0 || g.option == scenario_option_) continue;
    if (auto applied = g.apply(s); !applied) return tl::unexpected(applied.error());
  }
  ResolveRunLength(s);
  if (auto valid = ValidateSettings(s); !valid) return tl::unexpected(valid.error().message);
  return s;
}

}  // namespace dialsoak::cli
