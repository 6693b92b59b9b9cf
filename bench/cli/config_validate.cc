// ValidateSettings: the checks of RunSettings once the flags were applied over the file.
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <cmath>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string_view>
#include <vector>

#include "config_file.h"
#include "config_values.h"
#include "exec_settings.h"
#include "settings_registry.h"
#include "dialsoak/engine/arrivals.h"
#include "dialsoak/prometheus/pushgateway.h"
#include "dialsoak/sim/bank.h"
#include "dialsoak/sim/distribution.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::cli {
namespace {

using std::chrono::nanoseconds;

tl::unexpected<ConfigError> Error(std::string message) {
  return tl::unexpected(ConfigError{std::move(message)});
}

// "run.yaml:12: key 'modems[0].hangup'" for an entry read from the file, else a plain
// name of the setting (it came from a flag or from code).
std::string Where(const RunSettings& s, const LineSettings& line, std::string_view section,
                  std::string_view key) {
  if (line.source_line > 0 && !s.config_path.empty()) {
    return fmt::format("{}:{}: key '{}.{}'", s.config_path, line.source_line, section, key);
  }
  return fmt::format("line setting '{}' ({})", key, section);
}

// "--hold (config key 'hold')": the names of a setting, by its config key path
// ("hold", "push.interval"), whose value, settled from the file and the flags, is wrong.
std::string Setting(std::string_view key_path) {
  if (const cli::Setting* setting = FindKeyPath(key_path)) return setting->BothNames();
  return fmt::format("config key '{}'", key_path);
}

// The open-loop settings: one of --rate and --stage, each stage and the arrivals parse,
// the stages set the run's length, --hold-dist only in open loop.
std::optional<std::string> CheckOpenLoop(const RunSettings& s) {
  if (s.rate && !s.stages.empty()) {
    return "--rate and --stage both given: use --rate for a constant rate or --stage for ramps";
  }
  if (s.rate && !(std::isfinite(*s.rate) && *s.rate > 0)) {
    return fmt::format("{}: expected calls per second > 0, got {}", Setting("rate"), *s.rate);
  }
  for (const std::string& text : s.stages) {
    if (auto stage = engine::ParseStage(text); !stage) {
      return fmt::format("{}: {}", Setting("stages"), stage.error());
    }
  }
  if (auto kind = engine::ParseArrivals(s.arrivals); !kind) {
    return fmt::format("{}: {}", Setting("arrivals"), kind.error());
  }
  if (!s.hold_dist.empty()) {
    if (auto d = sim::Distribution::Parse(s.hold_dist); !d) {
      return fmt::format("{}: {}", Setting("hold_dist"), d.error());
    }
    if (!s.rate && s.stages.empty() && s.command == "run") {
      return fmt::format("{}: only with --rate or --stage (open loop); a closed-loop run holds "
                         "each call for --hold",
                         Setting("hold_dist"));
    }
  }
  if (!s.stages.empty() && s.duration) {
    return "--duration with --stage: the stages set the run's length (drop --duration)";
  }
  if ((s.rate || !s.stages.empty()) && s.cycles_set && s.command == "run") {
    return fmt::format(
        "{} with {}: an open-loop run has no cycles per line (calls arrive on the schedule, "
        "whatever the lines do); its length is {} (drop --cycles)",
        Setting("cycles"), s.rate ? "--rate" : "--stage",
        s.rate ? "--duration (or until Ctrl-C)" : "the stages'");
  }
  if ((s.rate || !s.stages.empty()) && s.think.count() > 0 && s.command == "run") {
    return fmt::format(
        "{} with {}: an open-loop run has no think time (a line takes the next call as soon "
        "as it is free; the schedule sets the pace); drop --think",
        Setting("think"), s.rate ? "--rate" : "--stage");
  }
  return std::nullopt;
}

// The simulated far end: --ports or --pool (not both), each pool well formed, sim only.
std::optional<std::string> CheckFarEnd(const RunSettings& s) {
  if (s.ports && !s.pools.empty()) {
    return "--ports and --pool both given: --ports C is one pool of C ports for any number, "
           "--pool NUMBER:C one pool per number; use one of them";
  }
  if (s.ports && (*s.ports < 1 || *s.ports > config::kMaxLines)) {
    return fmt::format("{}: expected a whole number from 1 to {}, got {}", Setting("ports"),
                       config::kMaxLines, *s.ports);
  }
  for (const std::string& pool : s.pools) {
    if (auto p = config::CheckPool(pool)) return fmt::format("{}: {}", Setting("pools"), *p);
  }
  // A capacity sweep on real lines needs --ports: the ports of the concentrator it dials.
  const bool ports_for_erlang_b = s.command == "capacity" && s.pools.empty();
  for (const std::string& text : s.sim_faults) {
    if (auto f = sim::ParseFault(text); !f) {
      return fmt::format("{}: {}", Setting("sim_faults"), f.error());
    }
  }
  if (!s.sim_faults.empty() && s.backend != "sim") {
    return fmt::format("{}: the sim backend only; with real lines use modemsim --fault",
                       Setting("sim_faults"));
  }
  if ((s.ports || !s.pools.empty()) && s.backend != "sim" && !ports_for_erlang_b) {
    return fmt::format("{}: the sim backend only (the embedded bank's far end); real lines "
                       "reach whatever ports the exchange has",
                       Setting(s.ports ? "ports" : "pools"));
  }
  return std::nullopt;
}

// `dialsoak capacity`: what the sweep needs beyond the shared settings.
std::optional<std::string> CheckCapacity(const RunSettings& s) {
  if (s.command != "capacity") return std::nullopt;
  const CapacitySettings& c = s.capacity;
  if (c.step_calls && c.step_duration) {
    return "--step-calls and --step-duration both given: a step runs for a number of calls or "
           "for a time; use one of them";
  }
  if (s.backend != "sim") {
    if (!s.ports) {
      return "dialsoak capacity on real lines needs --ports C (config key 'ports'): the ports "
             "of the concentrator dialed, which Erlang B needs";
    }
    if (s.hold_dist.empty()) {
      return "dialsoak capacity on real lines needs --hold-dist (config key 'hold_dist'), e.g. "
             "exp:90s: how long each real call is held";
    }
  }
  if (!s.hold_dist.empty()) {
    if (auto d = sim::Distribution::Parse(s.hold_dist); d && d->Mean().count() <= 0) {
      return fmt::format("{}: a mean hold time of 0 offers no load; give a hold such as exp:20ms",
                         Setting("hold_dist"));
    }
  }
  if (!s.pools.empty()) {
    bool reached = false;
    for (const std::string& text : s.pools) {
      auto pool = sim::ParsePoolConfig(text);
      if (pool && (pool->number == s.number || pool->number == "*")) reached = true;
    }
    if (!reached) {
      return fmt::format("--pool (config key 'pools'): no pool answers --number {}: the sweep "
                         "measures the pool the number reaches",
                         s.number);
    }
  }
  for (double e : c.loads) {
    if (!(std::isfinite(e) && e > 0)) {
      return fmt::format("--load (config key 'capacity.loads'): expected Erlangs > 0, got {}", e);
    }
  }
  if (c.plan_load && !(*c.plan_load >= 0)) {
    return fmt::format("--plan-load (config key 'capacity.plan_load'): expected Erlangs >= 0");
  }
  if (!(c.target_blocking > 0 && c.target_blocking < 1)) {
    return "--target-blocking (config key 'capacity.target_blocking'): expected a ratio "
           "between 0 and 1 (exclusive)";
  }
  return std::nullopt;
}

tl::expected<void, ConfigError> ValidateRun(const RunSettings& s) {
  if (auto p = config::CheckChoice("backend", s.backend, config::kBackends)) {
    return Error(fmt::format("{}: {}", Setting("backend"), *p));
  }
  if (s.lines < 1 || s.lines > config::kMaxLines) {
    return Error(fmt::format("{}: expected a whole number from 1 to {}, got {}", Setting("lines"),
                             config::kMaxLines, s.lines));
  }
  if (s.cycles && *s.cycles < 1) {
    return Error(
        fmt::format("{}: expected a whole number >= 1, got {}", Setting("cycles"), *s.cycles));
  }
  const struct {
    std::string_view key_path;
    std::optional<nanoseconds> value;
    bool positive;
  } durations[] = {{"duration", s.duration, false},
                   {"hold", s.hold, false},
                   {"think", s.think, false},
                   {"sample_interval", s.sample_interval, true},
                   {"linger", s.linger, false},
                   {"settle", s.settle, false},
                   {"leak_window", s.leak_window, true},
                   {"push.interval", s.push_interval, true}};
  for (const auto& d : durations) {
    if (!d.value) continue;
    if (auto p = config::CheckDuration(*d.value, d.positive)) {
      return Error(fmt::format("{}: {}", Setting(d.key_path), *p));
    }
  }
  if (auto p = config::CheckDialNumber(s.number)) {
    return Error(fmt::format("{}: {}", Setting("number"), *p));
  }
  if (auto p = config::CheckAnswerDelay(s.answer_delay)) {
    return Error(fmt::format("{}: {}", Setting("answer_delay"), *p));
  }
  if (!s.inject_leak.empty()) {
    if (auto p = config::CheckInjectLeak(s.inject_leak)) {
      return Error(fmt::format("{}: {}", Setting("inject_leak"), *p));
    }
    if (s.backend != "sim") {
      return Error(fmt::format(
          "{}: the sim backend only (it leaks from the embedded modem bank, in this process); "
          "with --backend {} run modemsim --inject-leak and watch it with --watch-name modemsim",
          Setting("inject_leak"), s.backend));
    }
  }
  if (auto p = CheckOpenLoop(s)) return Error(*p);
  if (auto p = CheckFarEnd(s)) return Error(*p);
  if (auto p = CheckCapacity(s)) return Error(*p);
  for (const std::string& t : s.thresholds) {
    if (auto p = config::CheckThreshold(t)) return Error(fmt::format("{}: {}", Setting("thresholds"), *p));
  }
  if (!(s.leak_confidence >= 0.5 && s.leak_confidence <= 0.9999)) {
    return Error(fmt::format("{}: expected a number from 0.5 to 0.9999, got {}",
                             Setting("leak_confidence"), s.leak_confidence));
  }
  if (!(s.max_failures_percent >= 0 && s.max_failures_percent <= 100)) {
    return Error(fmt::format("{}: expected a percentage from 0 to 100, got {}",
                             Setting("max_failures"), s.max_failures_percent));
  }
  if (!s.push_url.empty()) {
    // The credentials of a protected gateway: never in the URL (argv is readable in /proc
    // by every user, the report echoes the URL); the message does not repeat the URL.
    if (prometheus_export::UrlHasUserInfo(s.push_url)) {
      return Error(fmt::format(
          "{}: a user name or password in the push URL is refused (every user of the machine "
          "can read a command line); put user:password in a file named by {}, or set the "
          "environment variables {} and {}",
          Setting("push.url"), Setting("push.auth_file"), prometheus_export::kPushUserEnv,
          prometheus_export::kPushPasswordEnv));
    }
    prometheus_export::PushTarget target{s.push_url, s.push_job, s.push_labels};
    if (auto url = prometheus_export::PushgatewayUrl(target); !url) {
      return Error(fmt::format("--push (config key 'push'): {}", url.error().message));
    }
    if (!s.push_ca_file.empty()) {
      if (!s.push_url.starts_with("https://")) {
        return Error(fmt::format("{}: the push URL {} is not https://, so there is no "
                                 "certificate to check",
                                 Setting("push.ca_file"), s.push_url));
      }
      if (auto ok = prometheus_export::CheckCaFile(s.push_ca_file); !ok) {
        return Error(fmt::format("{}: {}", Setting("push.ca_file"), ok.error().message));
      }
    }
    // Read here so that a file that cannot be read stops the run before it starts; the
    // credentials themselves are read again (and kept) by StartTelemetry.
    if (auto credentials = prometheus_export::LoadPushCredentials(s.push_auth_file);
        !credentials) {
      return Error(fmt::format("{}: {}",
                               s.push_auth_file.empty() ? std::string("push basic auth")
                                                        : Setting("push.auth_file"),
                               credentials.error().message));
    }
  }
  for (int pid : s.watch_pids) {
    if (pid < 1) {
      return Error(
          fmt::format("{}: expected a process id >= 1, got {}", Setting("watch_pid"), pid));
    }
  }
  for (const std::string& name : s.watch_names) {
    if (name.empty())
      return Error(
          fmt::format("{}: expected a process name, got an empty one", Setting("watch_name")));
  }
  return {};
}

// The exec backend: a dial command for every line, exec settings nowhere else, and one way
// of deciding "connected" per line (a regex or a check command, not both).
tl::expected<void, ConfigError> ValidateExec(const RunSettings& s) {
  const LineSettings& d = s.line_defaults;
  if (s.backend != "exec") {
    if (auto key = config::FirstExecKey(d)) {
      return Error(fmt::format("{}: the exec backend only (--backend exec)",
                               Where(s, d, "defaults", *key)));
    }
    for (std::size_t i = 0; i < s.line_overrides.size(); ++i) {
      if (auto key = config::FirstExecKey(s.line_overrides[i])) {
        return Error(fmt::format("{}: the exec backend only (--backend exec)",
                                 Where(s, s.line_overrides[i], fmt::format("modems[{}]", i), *key)));
      }
    }
    return {};
  }
  auto check = [&](const LineSettings& line, const std::string& section) -> tl::expected<void, ConfigError> {
    if (!line.dial_cmd && !d.dial_cmd) {
      return Error(fmt::format(
          "{}: backend exec needs a dial command: --dial-cmd 'pon provider' (config key "
          "'dial_cmd' under 'defaults' or in each 'modems' entry)",
          section == "defaults" ? std::string("--dial-cmd") : Where(s, line, section, "dial_cmd")));
    }
    const bool regex = line.connect_regex || d.connect_regex;
    const bool check_cmd = line.check_cmd || d.check_cmd;
    if (regex && check_cmd) {
      return Error(fmt::format(
          "{}: connect_regex and check_cmd both set: a line is connected either when a line of "
          "the dial command's output matches, or when the check command succeeds; keep one",
          Where(s, line, section, line.connect_regex ? "connect_regex" : "check_cmd")));
    }
    // `shell` may sit in defaults and a command in an entry: check them together.
    if (line.shell || d.shell) {
      LineSettings merged = line;
      if (!merged.shell) merged.shell = d.shell;
      if (!merged.dial_cmd) merged.dial_cmd = d.dial_cmd;
      if (!merged.hangup_cmd) merged.hangup_cmd = d.hangup_cmd;
      if (!merged.check_cmd) merged.check_cmd = d.check_cmd;
      if (auto p = config::CheckExecSettings(merged)) {
        return Error(fmt::format("{}: {}", Where(s, line, section, p->key), p->message));
      }
    }
    return {};
  };
  // Some line has no modems entry of its own: the defaults alone must do for it.
  bool bare_line = s.devices.empty() && static_cast<int>(s.line_overrides.size()) < ExecLines(s);
  for (const std::string& device : s.devices) {
    bare_line = bare_line || std::none_of(s.line_overrides.begin(), s.line_overrides.end(),
                                          [&](const LineSettings& l) { return l.device == device; });
  }
  if (bare_line) {
    if (auto ok = check(d, "defaults"); !ok) return ok;
  }
  for (std::size_t i = 0; i < s.line_overrides.size(); ++i) {
    if (auto ok = check(s.line_overrides[i], fmt::format("modems[{}]", i)); !ok) return ok;
  }
  return {};
}

tl::expected<void, ConfigError> ValidateLines(const RunSettings& s) {
  if (auto p = config::CheckLineSettings(s.line_defaults)) {
    return Error(fmt::format("{}: {}", Where(s, s.line_defaults, "defaults", p->key), p->message));
  }
  for (std::size_t i = 0; i < s.line_overrides.size(); ++i) {
    const LineSettings& line = s.line_overrides[i];
    const std::string section = fmt::format("modems[{}]", i);
    if (auto p = config::CheckLineSettings(line)) {
      return Error(fmt::format("{}: {}", Where(s, line, section, p->key), p->message));
    }
    if (s.backend == "serial" && line.device.empty()) {
      return Error(
          fmt::format("{}: backend serial: every modems entry is one line and needs a "
                      "device, e.g. '- device: /dev/ttyS0'",
                      Where(s, line, section, "device")));
    }
  }
  return {};
}

// What is wrong with the device at path, or nothing when it is a character device.
// Whether a character device is a tty, without opening it: opening a port raises DTR and
// closing drops it, and the last close of a pty slave is a hang-up its master's program
// sees (socat's wait-slave, a modem simulator). The kernel lists each tty driver's major
// and minor range in /proc/tty/drivers ("pty_slave /dev/pts 136 0-1048575 pty:slave");
// nullopt when that list cannot be read.
std::optional<bool> IsTtyDevice(dev_t device) {
  std::ifstream drivers("/proc/tty/drivers");
  if (!drivers) return std::nullopt;
  const unsigned long want_major = major(device);
  const unsigned long want_minor = minor(device);
  auto number = [](std::string_view text, unsigned long& out) {
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
  };
  bool read_any = false;
  std::string line;
  while (std::getline(drivers, line)) {
    // The name and the path come first; the major, the minor range and the type last.
    std::istringstream in(line);
    std::vector<std::string> words{std::istream_iterator<std::string>(in), {}};
    if (words.size() < 4) continue;
    const std::string& range = words[words.size() - 2];
    const auto dash = range.find('-');
    unsigned long drv_major = 0, low = 0, high = 0;
    if (!number(words[words.size() - 3], drv_major) ||
        !number(std::string_view(range).substr(0, dash), low)) {
      continue;
    }
    high = low;
    if (dash != std::string::npos && !number(std::string_view(range).substr(dash + 1), high)) {
      continue;
    }
    read_any = true;
    if (drv_major == want_major && low <= want_minor && want_minor <= high) return true;
  }
  if (!read_any) return std::nullopt;
  return false;
}

std::optional<std::string> DeviceProblem(const std::string& path) {
  constexpr std::string_view kWant =
      "expected a serial port (/dev/ttyS*, /dev/ttyUSB*, /dev/ttyACM*) or a pty";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISCHR(st.st_mode)) {
      // /dev/null is a character device too, and would swallow every command unanswered.
      if (IsTtyDevice(st.st_rdev).value_or(true)) return std::nullopt;
      return fmt::format("device '{}' is a character device but not a tty: {}", path, kWant);
    }
    const char* kind = S_ISDIR(st.st_mode)   ? "a directory"
                       : S_ISREG(st.st_mode) ? "a regular file"
                                             : "not a device";
    return fmt::format("device '{}' is {}, not a character device: {}", path, kind, kWant);
  }
  const int err = errno;
  struct stat link {};
  if (err == ENOENT && ::lstat(path.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
    return fmt::format("device '{}' is a symlink to a path that does not exist: {}", path, kWant);
  }
  if (err == ENOENT) {
    return fmt::format("device '{}' does not exist (is the modem plugged in, the path right?): {}",
                       path, kWant);
  }
  return fmt::format("device '{}' cannot be checked: {} (check the permissions of its directory)",
                     path, std::strerror(err));
}

tl::expected<void, ConfigError> ValidateDevices(const RunSettings& s) {
  // exec: a device is optional, the tty its commands talk to.
  if (s.backend != "serial" && !(s.backend == "exec" && !s.devices.empty())) return {};
  if (s.devices.empty()) {
    return Error(
        "backend serial needs at least one device: give --device PATH (repeatable) or "
        "'modems' entries with a 'device' in the config file");
  }
  std::map<std::string, int> seen;  // device -> times seen so far
  for (const std::string& device : s.devices) {
    const int occurrence = seen[device]++;
    // The file's entry for this occurrence of the device, so the message can point at it.
    std::string where = "--device " + device;
    int match = 0;
    for (std::size_t i = 0; i < s.line_overrides.size(); ++i) {
      const LineSettings& line = s.line_overrides[i];
      if (line.device != device || match++ != occurrence) continue;
      if (line.source_line > 0 && !s.config_path.empty()) {
        where = Where(s, line, fmt::format("modems[{}]", i), "device");
      }
      break;
    }
    if (occurrence > 0) {
      return Error(
          fmt::format("{}: device '{}' is listed twice; each device is one line", where, device));
    }
    if (auto p = DeviceProblem(device)) return Error(fmt::format("{}: {}", where, *p));
  }
  return {};
}

}  // namespace

tl::expected<void, ConfigError> ValidateSettings(const RunSettings& settings) {
  if (auto ok = ValidateRun(settings); !ok) return ok;
  if (auto ok = ValidateLines(settings); !ok) return ok;
  if (auto ok = ValidateExec(settings); !ok) return ok;
  return ValidateDevices(settings);
}

}  // namespace dialsoak::cli
