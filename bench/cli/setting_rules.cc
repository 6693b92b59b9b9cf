#include "setting_rules.h"

#include <charconv>
#include <limits>

#include "dialsoak/engine/arrivals.h"
#include "dialsoak/sim/distribution.h"
#include "dialsoak/sim/fault.h"
#include "exec_settings.h"
#include "scenarios.h"

namespace dialsoak::cli::rules {

tl::expected<nanoseconds, std::string> ParseDurationText(std::string_view text, bool positive) {
  auto d = sim::ParseDuration(std::string(text));
  if (!d) return tl::unexpected(d.error());
  if (auto problem = config::CheckDuration(*d, positive)) return tl::unexpected(*problem);
  return *d;
}

namespace {

template <typename T>
tl::expected<T, std::string> ParseInteger(std::string_view text, T min, T max,
                                          std::string_view alternative) {
  const std::string expected = (max == std::numeric_limits<T>::max()
                                    ? fmt::format("a whole number >= {}", min)
                                    : fmt::format("a whole number from {} to {}", min, max)) +
                               std::string(alternative);
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || (ec != std::errc() && ec != std::errc::result_out_of_range)) {
    return tl::unexpected(fmt::format("expected {}, got '{}'", expected, text));
  }
  if (ec == std::errc::result_out_of_range || value < min || value > max) {
    return tl::unexpected(fmt::format("{} is out of range: expected {}", text, expected));
  }
  return value;
}

tl::expected<double, std::string> ParseDouble(std::string_view text, double min, double max,
                                              const std::string& expected) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc() || !(value >= min && value <= max)) {
    return tl::unexpected(fmt::format("expected {}, got '{}'", expected, text));
  }
  return value;
}

}  // namespace

tl::expected<std::int64_t, std::string> ParseWhole(std::string_view text, std::int64_t min,
                                                   std::int64_t max,
                                                   std::string_view alternative) {
  return ParseInteger<std::int64_t>(text, min, max, alternative);
}

tl::expected<std::uint64_t, std::string> ParseUnsigned(std::string_view text) {
  return ParseInteger<std::uint64_t>(text, 0, std::numeric_limits<std::uint64_t>::max(), "");
}

tl::expected<double, std::string> ParseNumber(std::string_view text, double min, double max) {
  return ParseDouble(text, min, max, fmt::format("a number from {:g} to {:g}", min, max));
}

tl::expected<double, std::string> ParsePercent(std::string_view text) {
  return ParseDouble(text, 0, 100, "a percentage from 0 to 100");
}

tl::expected<bool, std::string> ParseSwitch(std::string_view text) {
  for (std::string_view yes : {"true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON",
                               "y", "Y"}) {
    if (text == yes) return true;
  }
  for (std::string_view no : {"false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF",
                              "n", "N"}) {
    if (text == no) return false;
  }
  return tl::unexpected(fmt::format("expected true or false, got '{}'", text));
}

ValueRule CommandRule(std::optional<CommandSetting> LineSettings::*field) {
  return {.shape = Shape::Command,
          .expected = "a command such as 'pon provider' or a list of its words",
          .set = [field](std::string_view text, Target& t) -> SetResult {
            if (text.empty()) {
              return tl::unexpected(std::string(
                  "expected a command such as 'pon provider' or a list of its words, got an "
                  "empty string"));
            }
            t.line.*field = CommandSetting{std::string(text), {}};
            return {};
          },
          // Words may be empty (chat's '' expects nothing), the program may not.
          .set_words = [field](const std::vector<std::string>& words, Target& t) -> SetResult {
            if (words.empty() || words[0].empty()) {
              return tl::unexpected(std::string("expected a command, got no program"));
            }
            t.line.*field = CommandSetting{"", words};
            return {};
          },
          .echo = [field](const RunSettings&, const LineSettings& line) -> nlohmann::json {
            const auto& c = line.*field;
            if (!c) return nullptr;
            return c->text.empty() ? nlohmann::json(c->argv) : nlohmann::json(c->text);
          }};
}

// --- the settings with rules of their own -------------------------------------------------

std::optional<std::string> NonEmpty(std::string_view text) {
  if (text.empty()) return "expected a non-empty string, got an empty string";
  return std::nullopt;
}

std::optional<std::string> FaultProblem(std::string_view text) {
  if (auto f = sim::ParseFault(std::string(text)); !f) return f.error();
  return std::nullopt;
}

std::optional<std::string> StageProblem(std::string_view text) {
  if (auto stage = engine::ParseStage(std::string(text)); !stage) return stage.error();
  return std::nullopt;
}

// --lines also says it was given: the exec backend's default (1) yields to it.
ValueRule LinesRule() {
  ValueRule r = Whole(&RunSettings::lines, 1, config::kMaxLines);
  r.set = [set = r.set](std::string_view text, Target& t) -> SetResult {
    if (auto ok = set(text, t); !ok) return ok;
    t.run.lines_set = true;
    return {};
  };
  r.echo = [](const RunSettings& s, const LineSettings&) -> nlohmann::json {
    return LinesUsed(s);  // the lines dialed, not the --lines default of another backend
  };
  return r;
}

ValueRule CyclesRule() {
  return {.shape = Shape::Scalar,
          .expected = "a whole number >= 1 or 'unlimited'",
          .set = [](std::string_view text, Target& t) -> SetResult {
            t.run.cycles_set = true;
            if (text == "unlimited") {
              t.run.cycles.reset();
              return {};
            }
            auto n = ParseWhole(text, 1, std::numeric_limits<std::int64_t>::max(),
                                " or 'unlimited'");
            if (!n) return tl::unexpected(n.error());
            t.run.cycles = *n;
            return {};
          },
          .echo = [](const RunSettings& s, const LineSettings&) -> nlohmann::json {
            return s.cycles ? nlohmann::json(*s.cycles) : nlohmann::json("unlimited");
          }};
}

ValueRule SeedRule() {
  return {.shape = Shape::Scalar,
          .expected = "a whole number >= 0",
          .set = [](std::string_view text, Target& t) {
            return Assign(t, &RunSettings::seed, ParseUnsigned(text));
          },
          .echo = EchoOf(&RunSettings::seed)};
}

ValueRule WatchPidRule() {
  return {.shape = Shape::List,
          .expected = "a process id",
          .set = [](std::string_view text, Target& t) -> SetResult {
            auto pid = ParseWhole(text, 1, std::numeric_limits<std::int64_t>::max());
            if (!pid) return tl::unexpected(pid.error());
            if (*pid > std::numeric_limits<int>::max()) {
              return tl::unexpected(fmt::format("{} is not a process id", text));
            }
            t.run.watch_pids.push_back(static_cast<int>(*pid));
            return {};
          },
          .clear = [](Target& t) { t.run.watch_pids.clear(); },
          .echo = EchoOf(&RunSettings::watch_pids)};
}

ValueRule PushLabelsRule() {
  return {.shape = Shape::Pairs,
          .expected = "grouping labels such as '{instance: bank1}'",
          .set = [](std::string_view text, Target& t) -> SetResult {
            const auto eq = text.find('=');
            if (eq == std::string_view::npos || eq == 0) {
              return tl::unexpected(fmt::format(
                  "expected NAME=VALUE, e.g. instance=bank1, got '{}'", config::Printable(text)));
            }
            t.run.push_labels.emplace_back(text.substr(0, eq), text.substr(eq + 1));
            return {};
          },
          .clear = [](Target& t) { t.run.push_labels.clear(); },
          .echo = [](const RunSettings& s, const LineSettings&) -> nlohmann::json {
            nlohmann::json labels = nlohmann::json::object();
            for (const auto& [name, value] : s.push_labels) labels[name] = value;
            return labels;
          }};
}

ValueRule LoadsRule() {
  return {.shape = Shape::List,
          .expected = "a load in Erlangs or a range such as '5:30:5'",
          .set = [](std::string_view text, Target& t) -> SetResult {
            auto loads = config::ParseLoads(text);
            if (!loads) return tl::unexpected(loads.error());
            auto& all = t.run.capacity.loads;
            all.insert(all.end(), loads->begin(), loads->end());
            return {};
          },
          .clear = [](Target& t) { t.run.capacity.loads.clear(); },
          .echo = EchoOf(&CapacitySettings::loads)};
}

ValueRule TargetBlockingRule() {
  return {.shape = Shape::Scalar,
          .expected = "a ratio such as 1% or 0.01",
          .set = [](std::string_view text, Target& t) {
            return Assign(t, &CapacitySettings::target_blocking, config::ParseRatio(text));
          },
          .echo = EchoOf(&CapacitySettings::target_blocking)};
}

ValueRule SpeedRule() {
  ValueRule r = Whole(&LineSettings::speed, 1, std::numeric_limits<int>::max());
  r.set = [set = r.set](std::string_view text, Target& t) -> SetResult {
    if (auto ok = set(text, t); !ok) return ok;
    if (auto problem = config::CheckSpeed(*t.line.speed)) return tl::unexpected(*problem);
    return {};
  };
  return r;
}

ValueRule ExitResultsRule() {
  return {.shape = Shape::Pairs,
          .expected = "exit codes and results such as '{3: timeout, 4: busy}'",
          .set = [](std::string_view text, Target& t) -> SetResult {
            // A code out of range says so ("300 is out of range"); other mistakes get the
            // CODE=RESULT form.
            if (const auto eq = text.find('='); eq != std::string_view::npos) {
              auto code = ParseWhole(text.substr(0, eq), 0, 255);
              if (!code && code.error().find("out of range") != std::string::npos) {
                return tl::unexpected(code.error());
              }
            }
            auto parsed = config::ParseExitResult(text);
            if (!parsed) return tl::unexpected(parsed.error());
            if (!t.line.exit_results) t.line.exit_results.emplace();
            (*t.line.exit_results)[parsed->first] = parsed->second;
            return {};
          },
          .clear = [](Target& t) { t.line.exit_results.emplace(); },
          .echo = [](const RunSettings&, const LineSettings& l) -> nlohmann::json {
            if (!l.exit_results) return nullptr;
            nlohmann::json results = nlohmann::json::object();
            for (const auto& [code, result] : *l.exit_results) {
              results[std::to_string(code)] = result;
            }
            return results;
          }};
}

ValueRule ScenarioRule() {
  return {.shape = Shape::Scalar,
          .expected = "a scenario name",
          .set = [](std::string_view text, Target& t) {
            return ApplyScenario(std::string(text), t.run);
          },
          .echo = NullIfEmpty(&RunSettings::scenario)};
}

}  // namespace dialsoak::cli::rules
