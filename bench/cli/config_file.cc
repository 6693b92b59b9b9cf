#include "config_file.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

#include "config_values.h"
#include "exec_settings.h"
#include "dialsoak/engine/arrivals.h"
#include "dialsoak/sim/distribution.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::cli {
namespace {

using config::CheckChoice;
using config::ClosestMatch;

constexpr std::string_view kTopKeys[] = {
    "backend",      "lines",    "cycles",  "duration",        "hold",     "think",
    "number",       "seed",     "sample_interval", "answer_delay", "inject_leak", "watch_pid",
    "watch_name",
    "report",       "quiet",    "max_failures",    "listen",   "linger",   "per_line_metrics",
    "push",         "defaults", "modems",
    "allow_leaks",  "allow_restarts",  "settle",   "leak_window",     "leak_confidence", "charts", "thresholds",
    "junit",        "rate",     "stages",          "arrivals",        "hold_dist",
    "ports",        "pools",    "capacity",        "out",    "sim_faults",
    "journal",      "journal_cycles_limit_mib"};
constexpr std::string_view kCapacityKeys[] = {
    "loads",   "precision",       "step_calls", "step_duration", "max_step",       "warmup",
    "confidence", "target_blocking", "p99_limit", "plan_load",   "expect_erlang_b"};
constexpr std::string_view kPushKeys[] = {"url", "job", "interval", "labels"};
constexpr std::string_view kLineKeys[] = {
    "init",         "number",         "hangup",          "dial_mode",
    "dial_timeout", "hangup_timeout", "command_timeout", "guard_time",
    "speed",        "framing",        "rtscts",          "dial_cmd",
    "hangup_cmd",   "check_cmd",      "connect_regex",   "exit_results",
    "shell"};
constexpr std::string_view kModemKeys[] = {
    "device",       "init",          "number",         "hangup",
    "dial_mode",    "dial_timeout",  "hangup_timeout", "command_timeout",
    "guard_time",   "speed",         "framing",        "rtscts",
    "dial_cmd",     "hangup_cmd",    "check_cmd",      "connect_regex",
    "exit_results", "shell"};

// Thrown inside this file only, for the first problem found; LoadConfigFile returns it.
struct Failure {
  std::string message;
};

// Where a value sits: its 1-based line and its key path ("modems[1].hangup").
struct Spot {
  int line;
  std::string path;
};

int LineOf(const YAML::Node& node, int fallback) {
  return node.Mark().line >= 0 ? node.Mark().line + 1 : fallback;
}

std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Scalar:
      return "'" + config::Printable(node.Scalar()) + "'";
    default:
      return "nothing";
  }
}

class Loader {
 public:
  explicit Loader(std::string file) : file_(std::move(file)) {}

  void ReadTop(const YAML::Node& root, RunSettings& s) const {
    if (!root.IsMap()) {
      Fail(LineOf(root, 1), "",
           "expected a map of settings such as 'lines: 16', got " + Describe(root));
    }
    ForEachKey(root, "", kTopKeys, "at the top level",
               [&](const std::string& key, const YAML::Node& v, const Spot& at) {
                 ReadTopKey(key, v, at, s);
               });
  }

 private:
  // Keys and values from the file are quoted in `path` and `what`: Printable keeps the
  // message on one line whatever bytes they hold.
  [[noreturn]] void Fail(int line, std::string_view path, std::string_view what) const {
    if (path.empty()) throw Failure{fmt::format("{}:{}: {}", file_, line, config::Printable(what))};
    throw Failure{fmt::format("{}:{}: key '{}': {}", file_, line, config::Printable(path),
                              config::Printable(what))};
  }
  [[noreturn]] void Fail(const Spot& at, std::string_view what) const {
    Fail(at.line, at.path, what);
  }

  // Calls f(key, value, spot) for each key of map, in order; unknown and repeated keys fail.
  template <typename F>
  void ForEachKey(const YAML::Node& map, std::string_view prefix,
                  std::span<const std::string_view> allowed, std::string_view where, F f) const {
    std::map<std::string, int> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const int line = LineOf(it->first, LineOf(map, 1));
      if (!it->first.IsScalar()) {
        Fail(line, prefix, "a key must be a plain name, got " + Describe(it->first));
      }
      const std::string key = it->first.Scalar();
      Spot at{line, prefix.empty() ? key : fmt::format("{}.{}", prefix, key)};
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        Fail(at, UnknownKey(key, allowed, where));
      }
      if (auto [first, inserted] = seen.emplace(key, line); !inserted) {
        Fail(at, fmt::format("appears twice (first on line {}); keep one", first->second));
      }
      f(key, it->second, at);
    }
  }

  static std::string UnknownKey(const std::string& key, std::span<const std::string_view> allowed,
                                std::string_view where) {
    const bool top = allowed.data() == std::data(kTopKeys);
    const bool line_key =
        std::find(std::begin(kModemKeys), std::end(kModemKeys), key) != std::end(kModemKeys);
    std::string out = "unknown key";
    // An exact line setting is a misplaced key, not a typo of a top-level one.
    if (top && (key == "device" || key == "devices")) {
      out +=
          " here (a serial device is one line: list it as a 'modems' entry, "
          "'- device: /dev/ttyS0')";
    } else if (top && line_key) {
      out += fmt::format(
          " here ('{}' is a line setting: put it under 'defaults:' for every "
          "line, or in a 'modems' entry)",
          key);
    } else if (key == "device" && allowed.data() == std::data(kLineKeys)) {
      out += " (a device is one line: give it its own 'modems' entry, '- device: /dev/ttyS0')";
    } else if (auto close = ClosestMatch(key, allowed)) {
      out += fmt::format(" (did you mean '{}'?)", *close);
    } else if (top && ClosestMatch(key, kModemKeys)) {
      out += fmt::format(
          " (did you mean the line setting '{}'? Line settings go under "
          "'defaults:' or in a 'modems' entry)",
          *ClosestMatch(key, kModemKeys));
    }
    return fmt::format("{}; allowed {}: {}", out, where, fmt::join(allowed, ", "));
  }

  // --- scalars --------------------------------------------------------------------------

  std::string Text(const YAML::Node& v, const Spot& at, std::string_view expected) const {
    if (!v.IsScalar()) Fail(at, fmt::format("expected {}, got {}", expected, Describe(v)));
    return v.Scalar();
  }

  std::string NonEmptyText(const YAML::Node& v, const Spot& at, std::string_view expected) const {
    std::string text = Text(v, at, expected);
    if (text.empty()) Fail(at, fmt::format("expected {}, got an empty string", expected));
    return text;
  }

  template <typename T>
  T Integer(const YAML::Node& v, const Spot& at, T min, T max,
            std::string_view alternative = "") const {
    const std::string expected = (max == std::numeric_limits<T>::max()
                                      ? fmt::format("a whole number >= {}", min)
                                      : fmt::format("a whole number from {} to {}", min, max)) +
                                 std::string(alternative);
    const std::string text = Text(v, at, expected);
    T value{};
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
      Fail(at, fmt::format("expected {}, got '{}'", expected, text));
    }
    if (ec == std::errc::result_out_of_range || value < min || value > max) {
      Fail(at, fmt::format("{} is out of range: expected {}", text, expected));
    }
    return value;
  }

  // A fraction strictly between min and max, e.g. a confidence level.
  double Fraction(const YAML::Node& v, const Spot& at, double min, double max) const {
    const std::string expected = fmt::format("a number from {:g} to {:g}", min, max);
    const std::string text = Text(v, at, expected);
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ptr != end || ec != std::errc() || !(value >= min && value <= max)) {
      Fail(at, fmt::format("expected {}, got '{}'", expected, text));
    }
    return value;
  }

  double Percent(const YAML::Node& v, const Spot& at) const {
    constexpr std::string_view kExpected = "a percentage from 0 to 100";
    const std::string text = Text(v, at, kExpected);
    double value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ptr != end || ec != std::errc() || !(value >= 0 && value <= 100)) {
      Fail(at, fmt::format("expected {}, got '{}'", kExpected, text));
    }
    return value;
  }

  bool Bool(const YAML::Node& v, const Spot& at) const {
    const std::string text = Text(v, at, "true or false");
    bool value = false;
    if (!YAML::convert<bool>::decode(v, value)) {
      Fail(at, fmt::format("expected true or false, got '{}'", text));
    }
    return value;
  }

  std::chrono::nanoseconds Duration(const YAML::Node& v, const Spot& at, bool positive) const {
    const std::string text = Text(v, at, "a duration such as 250ms, 2s, 5m or 8h");
    auto d = sim::ParseDuration(text);
    if (!d) Fail(at, d.error());
    if (auto problem = config::CheckDuration(*d, positive)) Fail(at, *problem);
    return *d;
  }

  std::string Choice(const YAML::Node& v, const Spot& at, std::string_view what,
                     std::span<const std::string_view> allowed) const {
    const std::string text =
        Text(v, at, fmt::format("one of {}", config::JoinAlternatives(allowed)));
    if (auto problem = CheckChoice(what, text, allowed)) Fail(at, *problem);
    return text;
  }

  void Check(const Spot& at, const std::optional<std::string>& problem) const {
    if (problem) Fail(at, *problem);
  }

  // A list, or a single scalar taken as a list of one; f(element, spot) reads each element.
  template <typename F>
  void ForEachElement(const YAML::Node& v, const Spot& at, std::string_view expected, F f) const {
    if (v.IsScalar()) return f(v, at);
    if (!v.IsSequence()) Fail(at, fmt::format("expected {}, got {}", expected, Describe(v)));
    for (std::size_t i = 0; i < v.size(); ++i) {
      f(v[i], Spot{LineOf(v[i], at.line), fmt::format("{}[{}]", at.path, i)});
    }
  }

  std::vector<std::string> Strings(const YAML::Node& v, const Spot& at,
                                   std::string_view expected) const {
    std::vector<std::string> out;
    ForEachElement(v, at, expected, [&](const YAML::Node& e, const Spot& e_at) {
      out.push_back(NonEmptyText(e, e_at, "a non-empty string"));
    });
    return out;
  }

  // --- sections -------------------------------------------------------------------------

  void ReadTopKey(const std::string& key, const YAML::Node& v, const Spot& at,
                  RunSettings& s) const {
    if (key == "backend") {
      s.backend = Choice(v, at, "backend", config::kBackends);
    } else if (key == "lines") {
      s.lines = Integer<int>(v, at, 1, config::kMaxLines);
      s.lines_set = true;
    } else if (key == "cycles") {
      s.cycles_set = true;
      if (v.IsScalar() && v.Scalar() == "unlimited") {
        s.cycles.reset();
      } else {
        s.cycles = Integer<std::int64_t>(v, at, 1, std::numeric_limits<std::int64_t>::max(),
                                         " or 'unlimited'");
      }
    } else if (key == "duration") {
      s.duration = Duration(v, at, false);
    } else if (key == "hold") {
      s.hold = Duration(v, at, false);
    } else if (key == "think") {
      s.think = Duration(v, at, false);
    } else if (key == "number") {
      s.number = Text(v, at, "a number to dial such as \"5551234\"");
      Check(at, config::CheckDialNumber(s.number));
    } else if (key == "seed") {
      s.seed = Integer<std::uint64_t>(v, at, 0, std::numeric_limits<std::uint64_t>::max());
    } else if (key == "sample_interval") {
      s.sample_interval = Duration(v, at, true);
    } else if (key == "answer_delay") {
      s.answer_delay = Text(v, at, "a distribution such as exp:500ms");
      Check(at, config::CheckAnswerDelay(s.answer_delay));
    } else if (key == "inject_leak") {
      s.inject_leak = Text(v, at, "EVERY[:KIND] such as 1:eventfd");
      Check(at, config::CheckInjectLeak(s.inject_leak));
    } else if (key == "watch_pid") {
      s.watch_pids.clear();
      ForEachElement(
          v, at, "a process id or a list of them", [&](const YAML::Node& e, const Spot& e_at) {
            s.watch_pids.push_back(Integer<int>(e, e_at, 1, std::numeric_limits<int>::max()));
          });
    } else if (key == "watch_name") {
      s.watch_names = Strings(v, at, "a process name or a list of them");
    } else if (key == "sim_faults") {
      s.sim_faults.clear();
      ForEachElement(v, at, "a fault such as 'noise:0.1' or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       std::string text = Text(e, e_at, "a fault such as 'noise:0.1'");
                       if (auto f = sim::ParseFault(text); !f) Fail(e_at, f.error());
                       s.sim_faults.push_back(std::move(text));
                     });
    } else if (key == "out") {
      s.out_dir = NonEmptyText(v, at, "a directory such as runs/bank1");
    } else if (key == "journal") {
      s.journal = Choice(v, at, "journal", config::kJournalModes);
    } else if (key == "journal_cycles_limit_mib") {
      s.journal_cycles_limit_mib = Integer<std::int64_t>(v, at, 1, std::int64_t{1} << 30);
    } else if (key == "report") {
      s.report_path = NonEmptyText(v, at, "a file name such as run.json");
    } else if (key == "quiet") {
      s.quiet = Bool(v, at);
    } else if (key == "max_failures") {
      s.max_failures_percent = Percent(v, at);
    } else if (key == "listen") {
      s.listen = NonEmptyText(v, at, "an address such as 127.0.0.1:9779");
    } else if (key == "linger") {
      s.linger = Duration(v, at, false);
    } else if (key == "per_line_metrics") {
      s.per_line_metrics = Bool(v, at);
    } else if (key == "allow_leaks") {
      s.allow_leaks = Bool(v, at);
    } else if (key == "allow_restarts") {
      s.allow_restarts = Bool(v, at);
    } else if (key == "settle") {
      s.settle = Duration(v, at, false);
    } else if (key == "leak_window") {
      s.leak_window = Duration(v, at, true);
    } else if (key == "leak_confidence") {
      s.leak_confidence = Fraction(v, at, 0.5, 0.9999);
    } else if (key == "charts") {
      s.charts = Choice(v, at, "charts", config::kChartFormats);
    } else if (key == "thresholds") {
      s.thresholds.clear();
      ForEachElement(v, at, "a threshold such as 'dial_p99<=30s' or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       std::string text = Text(e, e_at, "a threshold such as 'dial_p99<=30s'");
                       Check(e_at, config::CheckThreshold(text));
                       s.thresholds.push_back(std::move(text));
                     });
    } else if (key == "rate") {
      s.rate = Fraction(v, at, 1e-9, 1e6);
    } else if (key == "stages") {
      s.stages.clear();
      ForEachElement(v, at, "a stage such as '5m:10' or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       std::string text = Text(e, e_at, "a stage such as '5m:10'");
                       if (auto stage = engine::ParseStage(text); !stage) Fail(e_at, stage.error());
                       s.stages.push_back(std::move(text));
                     });
    } else if (key == "arrivals") {
      s.arrivals = Choice(v, at, "arrivals", config::kArrivals);
    } else if (key == "hold_dist") {
      s.hold_dist = Text(v, at, "a distribution such as exp:90s");
      Check(at, config::CheckAnswerDelay(s.hold_dist));
    } else if (key == "ports") {
      s.ports = Integer<int>(v, at, 1, config::kMaxLines);
    } else if (key == "pools") {
      s.pools.clear();
      ForEachElement(v, at, "a pool such as '5551234:40' or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       std::string text = Text(e, e_at, "a pool such as '5551234:40'");
                       Check(e_at, config::CheckPool(text));
                       s.pools.push_back(std::move(text));
                     });
    } else if (key == "junit") {
      s.junit_path = NonEmptyText(v, at, "a file name such as soak.xml");
    } else if (key == "push") {
      if (!v.IsMap()) {
        Fail(at, "expected a map such as '{url: http://127.0.0.1:9091}', got " + Describe(v));
      }
      ForEachKey(v, at.path, kPushKeys, "in push",
                 [&](const std::string& k, const YAML::Node& pv, const Spot& p_at) {
                   ReadPushKey(k, pv, p_at, s);
                 });
    } else if (key == "capacity") {
      if (!v.IsMap()) {
        Fail(at, "expected a map of sweep settings such as '{loads: [10, 15, 20]}', got " +
                     Describe(v));
      }
      ForEachKey(v, at.path, kCapacityKeys, "in capacity",
                 [&](const std::string& k, const YAML::Node& cv, const Spot& c_at) {
                   ReadCapacityKey(k, cv, c_at, s.capacity);
                 });
    } else if (key == "defaults") {
      s.line_defaults.source_line = at.line;
      if (v.IsNull()) return;
      if (!v.IsMap()) {
        Fail(at, "expected a map of line settings such as 'hangup: dtr', got " + Describe(v));
      }
      ForEachKey(v, at.path, kLineKeys, "in defaults",
                 [&](const std::string& k, const YAML::Node& lv, const Spot& l_at) {
                   ReadLineKey(k, lv, l_at, s.line_defaults);
                 });
    } else if (key == "modems") {
      ReadModems(v, at, s);
    }
  }

  void ReadPushKey(const std::string& key, const YAML::Node& v, const Spot& at,
                   RunSettings& s) const {
    if (key == "url") {
      s.push_url = NonEmptyText(v, at, "a Pushgateway URL such as http://127.0.0.1:9091");
    } else if (key == "job") {
      s.push_job = NonEmptyText(v, at, "a job name such as dialsoak");
    } else if (key == "interval") {
      s.push_interval = Duration(v, at, true);
    } else if (key == "labels") {
      if (!v.IsMap()) {
        Fail(at, "expected a map of grouping labels such as '{instance: bank1}', got " +
                     Describe(v));
      }
      s.push_labels.clear();
      for (auto it = v.begin(); it != v.end(); ++it) {
        const Spot l_at{LineOf(it->first, at.line), at.path};
        s.push_labels.emplace_back(NonEmptyText(it->first, l_at, "a label name"),
                                   Text(it->second, l_at, "a label value"));
      }
    }
  }

  // The `capacity:` section: read by `dialsoak capacity`, ignored by `dialsoak run`.
  void ReadCapacityKey(const std::string& key, const YAML::Node& v, const Spot& at,
                       CapacitySettings& c) const {
    if (key == "loads") {
      c.loads.clear();
      ForEachElement(v, at, "a load in Erlangs, a range such as '5:30:5', or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       auto loads = config::ParseLoads(Text(e, e_at, "a load such as 15"));
                       if (!loads) Fail(e_at, loads.error());
                       c.loads.insert(c.loads.end(), loads->begin(), loads->end());
                     });
    } else if (key == "precision") {
      c.precision = Fraction(v, at, 0.01, 1);
    } else if (key == "step_calls") {
      c.step_calls = Integer<std::int64_t>(v, at, 1, 1'000'000'000);
    } else if (key == "step_duration") {
      c.step_duration = Duration(v, at, true);
    } else if (key == "max_step") {
      c.max_step = Duration(v, at, true);
    } else if (key == "warmup") {
      c.warmup = Duration(v, at, false);
    } else if (key == "confidence") {
      c.confidence = Fraction(v, at, 0.5, 0.9999);
    } else if (key == "target_blocking") {
      auto r = config::ParseRatio(Text(v, at, "a ratio such as 1% or 0.01"));
      if (!r) Fail(at, r.error());
      c.target_blocking = *r;
    } else if (key == "p99_limit") {
      c.p99_limit = Duration(v, at, true);
    } else if (key == "plan_load") {
      c.plan_load = Fraction(v, at, 0, 1e5);
    } else if (key == "expect_erlang_b") {
      c.expect_erlang_b = Bool(v, at);
    }
  }

  void ReadModems(const YAML::Node& v, const Spot& at, RunSettings& s) const {
    s.line_overrides.clear();
    if (v.IsNull()) return;
    if (!v.IsSequence()) {
      Fail(at, "expected a list of lines such as '- device: /dev/ttyS0', got " + Describe(v));
    }
    std::vector<std::string> devices;
    for (std::size_t i = 0; i < v.size(); ++i) {
      const YAML::Node entry = v[i];
      Spot e_at{LineOf(entry, at.line), fmt::format("{}[{}]", at.path, i)};
      LineSettings line;
      line.source_line = e_at.line;
      if (entry.IsScalar()) {  // shorthand: "- /dev/ttyS0"
        line.device = NonEmptyText(entry, e_at, "a device path");
      } else if (entry.IsMap()) {
        ForEachKey(entry, e_at.path, kModemKeys, "in a modems entry",
                   [&](const std::string& k, const YAML::Node& lv, const Spot& l_at) {
                     ReadLineKey(k, lv, l_at, line);
                   });
      } else {
        Fail(e_at, "expected a map of line settings such as '{device: /dev/ttyS0}', got " +
                       Describe(entry));
      }
      if (!line.device.empty()) devices.push_back(line.device);
      s.line_overrides.push_back(std::move(line));
    }
    if (!devices.empty()) s.devices = std::move(devices);
  }

  void ReadLineKey(const std::string& key, const YAML::Node& v, const Spot& at,
                   LineSettings& line) const {
    if (key == "device") {
      line.device = NonEmptyText(v, at, "a device path such as /dev/ttyS0");
    } else if (key == "number") {
      line.number = Text(v, at, "a number to dial such as \"5551234\"");
      Check(at, config::CheckDialNumber(*line.number));
    } else if (key == "init") {
      line.init.emplace();
      ForEachElement(v, at, "an init string or a list of them",
                     [&](const YAML::Node& e, const Spot& e_at) {
                       std::string text = Text(e, e_at, "an init string such as ATZ");
                       Check(e_at, config::CheckInitString(text));
                       line.init->push_back(std::move(text));
                     });
    } else if (key == "hangup") {
      line.hangup = Choice(v, at, "hangup", config::kHangups);
    } else if (key == "dial_mode") {
      line.dial_mode = Choice(v, at, "dial_mode", config::kDialModes);
    } else if (key == "dial_timeout") {
      line.dial_timeout = Duration(v, at, true);
    } else if (key == "hangup_timeout") {
      line.hangup_timeout = Duration(v, at, true);
    } else if (key == "command_timeout") {
      line.command_timeout = Duration(v, at, true);
    } else if (key == "guard_time") {
      line.guard_time = Duration(v, at, false);
    } else if (key == "speed") {
      line.speed = Integer<int>(v, at, 1, std::numeric_limits<int>::max());
      Check(at, config::CheckSpeed(*line.speed));
    } else if (key == "framing") {
      line.framing = Text(v, at, "a framing such as 8N1");
      Check(at, config::CheckFraming(*line.framing));
    } else if (key == "rtscts") {
      line.rtscts = Bool(v, at);
    } else if (key == "dial_cmd" || key == "hangup_cmd" || key == "check_cmd") {
      CommandSetting command = CommandOf(v, at);
      if (key == "dial_cmd") line.dial_cmd = std::move(command);
      if (key == "hangup_cmd") line.hangup_cmd = std::move(command);
      if (key == "check_cmd") line.check_cmd = std::move(command);
    } else if (key == "connect_regex") {
      line.connect_regex = NonEmptyText(v, at, "a regex such as 'local +IP address'");
    } else if (key == "exit_results") {
      if (!v.IsMap()) {
        Fail(at, "expected a map of exit codes to results such as '{3: timeout, 4: busy}', got " +
                     Describe(v));
      }
      line.exit_results.emplace();
      for (auto it = v.begin(); it != v.end(); ++it) {
        const Spot e_at{LineOf(it->first, at.line), fmt::format("{}.{}", at.path,
                                                                 config::Printable(Text(it->first, at, "an exit code")))};
        const int code = Integer<int>(it->first, e_at, 0, 255);
        (*line.exit_results)[code] = Choice(it->second, e_at, "result", config::kExecResults);
      }
    } else if (key == "shell") {
      line.shell = Bool(v, at);
    }
  }

  // A command: one string (split later, or given to a shell), or a list of its words.
  CommandSetting CommandOf(const YAML::Node& v, const Spot& at) const {
    CommandSetting c;
    if (v.IsSequence()) {
      // Words may be empty (chat's '' expects nothing), the program may not.
      ForEachElement(v, at, "a list of words", [&](const YAML::Node& e, const Spot& e_at) {
        c.argv.push_back(Text(e, e_at, "a word of the command"));
      });
      if (c.argv.empty() || c.argv[0].empty()) Fail(at, "expected a command, got no program");
    } else {
      c.text = NonEmptyText(v, at, "a command such as 'pon provider' or a list of its words");
    }
    return c;
  }

  std::string file_;
};

// yaml-cpp's messages about a tab used as indentation do not say "tab"; this does.
std::string TabHint(const std::string& text, int line) {
  std::istringstream lines(text);
  std::string current;
  for (int i = 0; i <= line && std::getline(lines, current); ++i) {
    if (i == line && current.find('\t') != std::string::npos) {
      return fmt::format(" (YAML indents with spaces; line {} holds a tab)", line + 1);
    }
  }
  return "";
}

// yaml-cpp 0.7 (Debian 12) never ends on some malformed input, e.g. a ',' where a node
// belongs (",-"; yaml-cpp issue #1040): LoadAll gets empty documents that all start at the
// same token, until memory runs out. Found by tests/fuzz/config_fuzz.cc. This walks the
// documents' events first and throws a syntax error where the parser stops moving on.
void CheckParserProgress(const std::string& text) {
  struct DocumentStart final : YAML::EventHandler {
    void OnDocumentStart(const YAML::Mark& mark) override { at = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
    YAML::Mark at;
  } start;
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::optional<int> previous;
  while (parser.HandleNextDocument(start)) {
    if (previous == start.at.pos) {
      const auto pos = static_cast<std::size_t>(start.at.pos);
      throw YAML::ParserException(
          start.at, pos < text.size() ? fmt::format("unexpected '{}'", text[pos]) : "no progress");
    }
    previous = start.at.pos;
  }
}

tl::expected<std::string, ConfigError> ReadFile(const std::string& path) {
  auto fail = [&](std::string_view what) {
    return tl::unexpected(ConfigError{fmt::format("{}: {}", path, what)});
  };
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return fail("config file not found (check the --config path)");
    return fail(fmt::format("cannot read the config file: {}", std::strerror(errno)));
  }
  if (S_ISDIR(st.st_mode)) return fail("is a directory; --config expects a YAML file");
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(fmt::format("cannot open the config file: {}", std::strerror(errno)));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return fail(fmt::format("cannot read the config file: {}", std::strerror(errno)));
  return text.str();
}

}  // namespace

tl::expected<void, ConfigError> LoadConfigFile(const std::string& path, RunSettings& settings) {
  auto text = ReadFile(path);
  if (!text) return tl::unexpected(text.error());
  return LoadConfigText(*text, path, settings);
}

tl::expected<void, ConfigError> LoadConfigText(const std::string& text, const std::string& path,
                                               RunSettings& settings) {
  settings.config_path = path;
  try {
    CheckParserProgress(text);
    const std::vector<YAML::Node> documents = YAML::LoadAll(text);
    if (documents.empty()) return {};  // empty, or only comments: nothing to change
    if (documents.size() > 1) {
      return tl::unexpected(ConfigError{
          fmt::format("{}:{}: a second YAML document ('---'); put every setting in one document",
                      path, LineOf(documents[1], 1))});
    }
    if (documents[0].IsNull()) return {};
    Loader(path).ReadTop(documents[0], settings);
  } catch (const Failure& f) {
    return tl::unexpected(ConfigError{f.message});
  } catch (const YAML::ParserException& e) {
    return tl::unexpected(ConfigError{fmt::format("{}:{}: YAML syntax error at column {}: {}{}",
                                                  path, e.mark.line + 1, e.mark.column + 1,
                                                  config::Printable(e.msg),  // may quote a byte
                                                  TabHint(text, e.mark.line))});
  } catch (const YAML::Exception& e) {
    return tl::unexpected(
        ConfigError{fmt::format("{}:{}: cannot read the YAML: {}", path, e.mark.line + 1,
                                config::Printable(e.msg))});
  }
  return {};
}

}  // namespace dialsoak::cli
