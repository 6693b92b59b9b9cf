// RunSettings: everything `dialsoak run` was asked to do, from its flags and its YAML
// --config file (flags override the file). bench/cli turns it into lines, probes and an
// engine configuration. Plain value.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dialsoak::cli {

using std::chrono::nanoseconds;

// A command of the exec backend as given: one string (split into words without a shell, or
// run by /bin/sh -c with `shell`), or a YAML list, the argument list exactly.
struct CommandSetting {
  std::string text;               // the string form; empty for a list
  std::vector<std::string> argv;  // the list form; empty for a string
};

// How one line dials: the device and the modem dialogue. Unset fields take the defaults.
struct LineSettings {
  std::string device;                        // serial backend: the tty path
  std::optional<std::string> number;
  std::optional<std::vector<std::string>> init;   // init strings, e.g. [ATZ, "ATE0 V1"]
  std::optional<std::string> hangup;         // auto | dtr | escape
  std::optional<std::string> dial_mode;      // tone | pulse
  std::optional<nanoseconds> dial_timeout;
  std::optional<nanoseconds> hangup_timeout;
  std::optional<nanoseconds> command_timeout;
  std::optional<nanoseconds> guard_time;
  std::optional<int> speed;                  // bits per second
  std::optional<std::string> framing;        // 8N1, 7E1, ...
  std::optional<bool> rtscts;
  // Exec backend (modems/exec): the dialer's commands.
  std::optional<CommandSetting> dial_cmd;
  std::optional<CommandSetting> hangup_cmd;
  std::optional<CommandSetting> check_cmd;   // connected while it exits 0
  std::optional<std::string> connect_regex;  // connected when a line of output matches
  std::optional<std::map<int, std::string>> exit_results;  // dial exit code -> result name
  std::optional<bool> shell;                 // run the commands with /bin/sh -c
  int source_line = 0;                       // line in the config file, for messages
};

// `dialsoak capacity`: a sweep of offered loads against the far end's ports, measured
// against Erlang B (bench/analysis/capacity_sweep.h). The far end is RunSettings::ports
// (or the pool of `pools` the number reaches); the hold time is RunSettings::hold_dist.
struct CapacitySettings {
  std::vector<double> loads;                 // Erlangs; empty: the default sweep
  double precision = 0.25;                   // interval half-width / expected blocking
  std::optional<std::int64_t> step_calls;    // instead: calls per step
  std::optional<nanoseconds> step_duration;  // instead: a fixed window per step
  nanoseconds max_step = std::chrono::minutes(10);  // cap of a window
  std::optional<nanoseconds> warmup;         // per step; default 5 mean holds
  double confidence = 0.95;                  // of the blocking intervals
  double target_blocking = 0.01;             // the grade of service the answers are for
  std::optional<nanoseconds> p99_limit;      // setup p99 limit of the setup-rate answer
  std::optional<double> plan_load;           // Erlangs to size the ports for
  bool expect_erlang_b = false;              // exit 6 when a step disagrees with Erlang B
};

// The sim backend's default far end and hold time for `dialsoak capacity` (a T1's 24
// channels; holds short enough for a sweep in about a minute, see docs/capacity.md).
inline constexpr int kCapacityDefaultPorts = 24;

// Cycles per line of a run given neither --cycles nor --duration: a short run.
inline constexpr std::int64_t kDefaultCycles = 250;
inline constexpr const char* kCapacityDefaultHold = "exp:20ms";

struct RunSettings {
  std::string command = "run";               // run | capacity: which subcommand reads these
  std::string backend = "sim";               // sim | serial | exec
  int lines = 4;
  bool lines_set = false;                    // --lines or `lines:` was given
  // The run's length. --cycles (per line) and --duration: with both, the first reached
  // wins; --duration alone runs that long (cycles unlimited); neither, kDefaultCycles per
  // line (ResolveRunLength). A scenario's count is a default like kDefaultCycles.
  std::optional<std::int64_t> cycles = kDefaultCycles;  // per line; nullopt: unlimited
  bool cycles_set = false;                   // --cycles or `cycles:` was given
  std::optional<nanoseconds> duration;
  nanoseconds hold{0};
  nanoseconds think{0};
  std::string number = "5551234";
  std::vector<std::string> devices;          // serial: one line per device; exec: its tty
  std::uint64_t seed = 1;
  nanoseconds sample_interval = std::chrono::seconds(1);
  std::vector<int> watch_pids;
  std::vector<std::string> watch_names;
  std::string answer_delay = "fixed:0";      // sim backend
  // Sim backend: EVERY[:KIND], the bank (in this process) leaks one descriptor of KIND on
  // every EVERY-th dial (sim::ParseLeakConfig); empty: no leak.
  std::string inject_leak;
  // Sim backend: probability per call of each failure the simulator injects.
  double sim_busy = 0, sim_no_answer = 0, sim_no_dialtone = 0, sim_no_carrier = 0;
  // Sim backend: the far end's answering ports (a concentrator). `ports` C is one pool
  // reached by any number; `pools` are NUMBER:C pools (sim::ParsePoolConfig, no :pty).
  // Neither: unlimited, never BUSY for want of a port. At most one of the two is set.
  std::optional<int> ports;
  std::vector<std::string> pools;
  // Sim backend: faults the simulator injects (sim::ParseFault texts, "noise:0.1@0").
  std::vector<std::string> sim_faults;
  bool quiet = false;
  double max_failures_percent = 0;           // failed calls allowed before exit code 1
  std::string report_path;                   // --report FILE (JSON), besides the run directory's
  // --out DIR: the run directory (journal, report, charts); empty: dialsoak-runs/<run id>.
  std::string out_dir;
  // --journal: "ticks" (one record a second, at most about 50 MB an hour at any cycle rate)
  // or "cycles" (also a record per cycle, capped at journal_cycles_limit_mib MiB).
  std::string journal = "ticks";
  std::int64_t journal_cycles_limit_mib = 1024;
  std::string listen;                        // --listen ADDR:PORT: serve /metrics; empty: off
  std::string web_config;                    // --web-config FILE: TLS and basic auth on /metrics
  nanoseconds linger{0};                     // keep /metrics up this long after the run
  bool per_line_metrics = false;             // also dialsoak_line_dial_attempts_total{line}
  std::string push_url;                      // --push URL: a Pushgateway; empty: off
  // A protected gateway: the CA file its https certificate is checked against (empty: the
  // system's CAs) and the file with the basic auth `user:password` (empty: the environment's
  // DIALSOAK_PUSH_USER/_PASSWORD, if set). Only the paths: the password is read at start.
  std::string push_ca_file;
  std::string push_auth_file;
  std::string push_job = "dialsoak";
  // Grouping labels after the job; without an `instance` one, instance=<host name>.
  std::vector<std::pair<std::string, std::string>> push_labels;
  nanoseconds push_interval = std::chrono::seconds(15);
  // Open loop (bench/engine/open_loop_engine.h): calls arrive at --rate calls/s, or along
  // --stage DURATION:RATE ramps, whatever the lines are doing; --cycles and --think do not
  // apply then. Empty rate and stages: the closed loop.
  std::optional<double> rate;
  std::vector<std::string> stages;           // "5m:10", in order
  std::string arrivals = "poisson";          // poisson | uniform
  std::string hold_dist;                     // a distribution; empty: fixed --hold
  // The leak verdict (bench/analysis/leak_watch.h).
  bool allow_leaks = false;                  // a leak is reported, not exit code 5
  bool allow_restarts = false;               // a watched process's restart is reported, not exit code 9
  nanoseconds settle = std::chrono::seconds(1);  // after the last hang-up, before the end sample
  nanoseconds leak_window = std::chrono::minutes(5);  // span of the live estimate
  double leak_confidence = 0.99;             // two-sided level of the slope interval
  std::string charts = "svg";                // svg | png | none: charts next to --report
  std::vector<std::string> thresholds;       // --threshold expressions, checked at the end
  std::string junit_path;                    // --junit FILE (JUnit XML)
  std::string scenario;                      // --scenario NAME applied under the flags
  std::string note;                          // --note TEXT: the user's own word on the run
  CapacitySettings capacity;                 // `dialsoak capacity` only
  LineSettings line_defaults;                // applies to every line
  std::vector<LineSettings> line_overrides;  // per line, in order (serial: one per device)
  std::string config_path;                   // the YAML file read, if any
};

// The run's length once the flags and the file are applied: a --duration without a
// --cycles of its own (flag or file) runs that long, whatever the default cycle count
// (250, or a scenario's); so does an open-loop run, which has no cycles per line.
inline void ResolveRunLength(RunSettings& s) {
  const bool open_loop = s.rate.has_value() || !s.stages.empty();
  if (!s.cycles_set && (s.duration || open_loop)) s.cycles.reset();
}

// The exec backend's lines: one per device (its tty) when devices are given, else --lines
// (default 1: one dialer such as one pppd peer).
inline int ExecLines(const RunSettings& s) {
  if (!s.devices.empty()) return static_cast<int>(s.devices.size());
  return s.lines_set ? s.lines : 1;
}

// The lines a run dials: --lines on the sim backend, one per device on the serial
// backend, ExecLines on the exec backend (what the report's config.lines says).
inline int LinesUsed(const RunSettings& s) {
  if (s.backend == "exec") return ExecLines(s);
  if (s.backend == "serial") return static_cast<int>(s.devices.size());
  return s.lines;
}

}  // namespace dialsoak::cli
