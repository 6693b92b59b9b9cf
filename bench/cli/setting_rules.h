// The kinds of value a setting takes (a duration, a whole number in a range, a choice of
// words, a list, ...), as ValueRules for the registry (settings_registry.h): each parses a
// value given as text, whether from a flag or the config file, into a field of the
// settings, and echoes the field for the report. The messages say what is wrong and what
// is allowed, e.g. "expected a whole number from 1 to 4096, got '0'".
// Used by settings_table.cc only. Pure; thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <tl/expected.hpp>

#include "config_values.h"
#include "settings_registry.h"

namespace dialsoak::cli::rules {

using std::chrono::nanoseconds;

// --- text to value: the same words and messages for a flag and a YAML scalar -----------

tl::expected<nanoseconds, std::string> ParseDurationText(std::string_view text, bool positive);
// "expected a whole number from 1 to 4096, got 'x'"; "9999 is out of range: expected ...".
// `alternative` is added to what is expected (" or 'unlimited'").
tl::expected<std::int64_t, std::string> ParseWhole(std::string_view text, std::int64_t min,
                                                   std::int64_t max,
                                                   std::string_view alternative = "");
tl::expected<std::uint64_t, std::string> ParseUnsigned(std::string_view text);
tl::expected<double, std::string> ParseNumber(std::string_view text, double min, double max);
tl::expected<double, std::string> ParsePercent(std::string_view text);
// true/false and YAML's yes/no, on/off, y/n (in lower, Title or UPPER case).
tl::expected<bool, std::string> ParseSwitch(std::string_view text);

// --- where a rule's field is --------------------------------------------------------------

template <class Owner>
Owner& Of(Target& t) {
  if constexpr (std::is_same_v<Owner, RunSettings>) return t.run;
  if constexpr (std::is_same_v<Owner, LineSettings>) return t.line;
  if constexpr (std::is_same_v<Owner, CapacitySettings>) return t.run.capacity;
}
template <class Owner>
const Owner& Of(const RunSettings& run, const LineSettings& line) {
  if constexpr (std::is_same_v<Owner, RunSettings>) return run;
  if constexpr (std::is_same_v<Owner, LineSettings>) return line;
  if constexpr (std::is_same_v<Owner, CapacitySettings>) return run.capacity;
}

// A field as the report shows it: durations in seconds, an unset optional as null.
inline nlohmann::json Echo(nanoseconds d) { return std::chrono::duration<double>(d).count(); }
template <class T>
nlohmann::json Echo(const T& v) {
  return nlohmann::json(v);
}
template <class T>
nlohmann::json Echo(const std::optional<T>& v) {
  return v ? Echo(*v) : nlohmann::json();
}

// The default echo of a field.
template <class Owner, class T>
auto EchoOf(T Owner::*field) {
  return [field](const RunSettings& run, const LineSettings& line) {
    return Echo(Of<Owner>(run, line).*field);
  };
}

// An empty string echoed as null (not set), as the report always had it.
template <class Owner>
auto NullIfEmpty(std::string Owner::*field) {
  return [field](const RunSettings& run, const LineSettings& line) {
    const std::string& v = Of<Owner>(run, line).*field;
    return v.empty() ? nlohmann::json() : nlohmann::json(v);
  };
}

// Sets a field from a parse result, or passes the parse's message on.
template <class Owner, class T, class Parsed>
SetResult Assign(Target& t, T Owner::*field, const tl::expected<Parsed, std::string>& parsed) {
  if (!parsed) return tl::unexpected(parsed.error());
  Of<Owner>(t).*field = *parsed;
  return {};
}

// --- the rules ----------------------------------------------------------------------------

template <class Owner, class T>
ValueRule Duration(T Owner::*field, bool positive) {
  return {.shape = Shape::Scalar,
          .expected = "a duration such as 250ms, 2s, 5m or 8h",
          .set = [field, positive](std::string_view text, Target& t) {
            return Assign(t, field, ParseDurationText(text, positive));
          },
          .echo = EchoOf(field)};
}

template <class Owner, class T>
ValueRule Whole(T Owner::*field, std::int64_t min, std::int64_t max) {
  return {.shape = Shape::Scalar,
          .expected = "a whole number",
          .set = [field, min, max](std::string_view text, Target& t) -> SetResult {
            auto n = ParseWhole(text, min, max);
            if (!n) return tl::unexpected(n.error());
            using V = std::remove_cvref_t<decltype(Of<Owner>(t).*field)>;
            if constexpr (requires(V v) { v.emplace(); }) {
              (Of<Owner>(t).*field).emplace(static_cast<typename V::value_type>(*n));
            } else {
              Of<Owner>(t).*field = static_cast<V>(*n);
            }
            return {};
          },
          .echo = EchoOf(field)};
}

template <class Owner, class T>
ValueRule Number(T Owner::*field, double min, double max) {
  return {.shape = Shape::Scalar,
          .expected = "a number",
          .set = [field, min, max](std::string_view text, Target& t) {
            return Assign(t, field, ParseNumber(text, min, max));
          },
          .echo = EchoOf(field)};
}

template <class Owner, class T>
ValueRule Percent(T Owner::*field) {
  return {.shape = Shape::Scalar,
          .expected = "a percentage",
          .set = [field](std::string_view text, Target& t) {
            return Assign(t, field, ParsePercent(text));
          },
          .echo = EchoOf(field)};
}

template <class Owner, class T>
ValueRule Switch(T Owner::*field) {
  return {.shape = Shape::Switch,
          .expected = "true or false",
          .set = [field](std::string_view text, Target& t) {
            return Assign(t, field, ParseSwitch(text));
          },
          .echo = EchoOf(field)};
}

// One of a few words; `what` names it in the message ("unknown hangup 'x': ...").
template <class Owner, class T>
ValueRule Choice(T Owner::*field, std::string_view what,
                 std::span<const std::string_view> allowed) {
  return {.shape = Shape::Scalar,
          .expected = fmt::format("one of {}", config::JoinAlternatives(allowed)),
          .set = [field, what, allowed](std::string_view text, Target& t) -> SetResult {
            if (auto problem = config::CheckChoice(what, text, allowed)) {
              return tl::unexpected(*problem);
            }
            Of<Owner>(t).*field = std::string(text);
            return {};
          },
          .echo = EchoOf(field)};
}

using TextCheck = std::optional<std::string> (*)(std::string_view);

// Text; with `check`, checked by it; `non_empty`: an empty string is refused.
template <class Owner, class T>
ValueRule Text(T Owner::*field, std::string expected, TextCheck check = nullptr,
               bool non_empty = true) {
  return {.shape = Shape::Scalar,
          .expected = expected,
          .set = [field, expected, check, non_empty](std::string_view text,
                                                     Target& t) -> SetResult {
            if (non_empty && text.empty()) {
              return tl::unexpected(fmt::format("expected {}, got an empty string", expected));
            }
            if (check) {
              if (auto problem = check(text)) return tl::unexpected(*problem);
            }
            Of<Owner>(t).*field = std::string(text);
            return {};
          },
          .echo = EchoOf(field)};
}

// Text whose empty value means "not set": echoed as null.
template <class Owner>
ValueRule NullableText(std::string Owner::*field, std::string expected, TextCheck check = nullptr,
                       bool non_empty = true) {
  ValueRule r = Text(field, std::move(expected), check, non_empty);
  r.echo = NullIfEmpty(field);
  return r;
}

// A list of texts, each checked by `check` (a list given replaces the default).
template <class Owner, class T>
ValueRule Texts(T Owner::*field, std::string expected, TextCheck check = nullptr) {
  return {.shape = Shape::List,
          .expected = expected,
          .set = [field, check](std::string_view text, Target& t) -> SetResult {
            if (check) {
              if (auto problem = check(text)) return tl::unexpected(*problem);
            }
            auto& list = Of<Owner>(t).*field;
            if constexpr (requires { list.emplace(); list->push_back(std::string()); }) {
              if (!list) list.emplace();
              list->push_back(std::string(text));
            } else {
              list.push_back(std::string(text));
            }
            return {};
          },
          .clear = [field](Target& t) {
            auto& list = Of<Owner>(t).*field;
            if constexpr (requires { list.emplace(); }) {
              list.emplace();
            } else {
              list.clear();
            }
          },
          .echo = EchoOf(field)};
}

// A command of the exec backend: one string, or (YAML) a list of its words.
ValueRule CommandRule(std::optional<CommandSetting> LineSettings::*field);

// Checks for Text and Texts: a non-empty text, a simulator fault, an open-loop stage.
std::optional<std::string> NonEmpty(std::string_view text);
std::optional<std::string> FaultProblem(std::string_view text);
std::optional<std::string> StageProblem(std::string_view text);

// The settings whose values are read their own way.
ValueRule LinesRule();           // --lines: also marks lines_set; echoes the lines dialed
ValueRule CyclesRule();          // --cycles: N or 'unlimited'
ValueRule SeedRule();            // --seed: any unsigned 64-bit number
ValueRule WatchPidRule();        // --watch-pid: process ids
ValueRule PushLabelsRule();      // --push-label: NAME=VALUE
ValueRule LoadsRule();           // --load: Erlangs and FROM:TO:STEP ranges
ValueRule TargetBlockingRule();  // --target-blocking: 1% or 0.01
ValueRule SpeedRule();           // speed: a termios rate
ValueRule ExitResultsRule();     // --exit-result: CODE=RESULT
ValueRule ScenarioRule();        // --scenario: applies the scenario's settings

}  // namespace dialsoak::cli::rules
