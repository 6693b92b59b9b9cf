#include "setting_rules.h"

#include <charconv>
#include <limits>

#include "dialsoak/sim/distribution.h"

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

}  // namespace dialsoak::cli::rules
