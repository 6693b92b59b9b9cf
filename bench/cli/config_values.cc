#include "config_values.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cctype>
#include <vector>

#include "exec_settings.h"
#include "dialsoak/analysis/thresholds.h"
#include "dialsoak/at/command.h"
#include "dialsoak/serial/tty.h"
#include "dialsoak/sim/bank.h"
#include "dialsoak/sim/distribution.h"
#include "dialsoak/sim/leak.h"

namespace dialsoak::cli::config {
namespace {

char Fold(char c) {
  if (c == '-') return '_';
  return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
}

// Optimal string alignment distance (Levenshtein plus adjacent transpositions), folded.
std::size_t EditDistance(std::string_view a, std::string_view b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = Fold(a[i - 1]) == Fold(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && Fold(a[i - 1]) == Fold(b[j - 2]) && Fold(a[i - 2]) == Fold(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  return fmt::format("{:g}s", static_cast<double>(d.count()) / 1e9);
}

}  // namespace

std::string Printable(std::string_view text) {
  std::string out;
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (std::iscntrl(u)) {
      out += fmt::format("\\x{:02x}", u);
    } else {
      out += c;
    }
  }
  return out;
}

std::string JoinAlternatives(std::span<const std::string_view> words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  std::size_t best_distance = 3;
  for (std::string_view c : candidates) {
    const std::size_t d = EditDistance(word, c);
    if (d < best_distance && d < word.size()) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::optional<std::string> CheckChoice(std::string_view what, std::string_view value,
                                       std::span<const std::string_view> allowed) {
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return std::nullopt;
  std::string out =
      fmt::format("unknown {} '{}': expected {}", what, value, JoinAlternatives(allowed));
  if (auto close = ClosestMatch(value, allowed))
    out += fmt::format(" (did you mean '{}'?)", *close);
  return out;
}

std::optional<std::string> CheckSpeed(int speed) {
  if (std::find(std::begin(kSpeeds), std::end(kSpeeds), speed) != std::end(kSpeeds)) {
    return std::nullopt;
  }
  return fmt::format("unsupported speed {}: expected one of {} (bits per second)", speed,
                     fmt::join(kSpeeds, ", "));
}

std::optional<std::string> CheckFraming(std::string_view framing) {
  auto parsed = serial::ParseFraming(framing);
  if (parsed) return std::nullopt;
  return parsed.error();
}

std::optional<std::string> CheckDialNumber(std::string_view number) {
  auto dial = at::FormatDial(number, at::DialMode::Tone);
  if (dial) return std::nullopt;
  return dial.error();
}

std::optional<std::string> CheckInitString(std::string_view init) {
  if (init.empty()) return "empty init string: expected a command such as ATZ";
  for (char c : init) {
    if (std::iscntrl(static_cast<unsigned char>(c))) {
      return fmt::format(
          "init string '{}' holds a control character (code {}): expected "
          "printable text; dialsoak ends each command with CR itself",
          Printable(init), static_cast<int>(static_cast<unsigned char>(c)));
    }
  }
  return std::nullopt;
}

std::optional<std::string> CheckAnswerDelay(std::string_view distribution) {
  auto parsed = sim::Distribution::Parse(distribution);
  if (parsed) return std::nullopt;
  return parsed.error();
}

std::optional<std::string> CheckInjectLeak(std::string_view leak) {
  auto parsed = sim::ParseLeakConfig(leak);
  if (parsed) return std::nullopt;
  return parsed.error();
}

std::optional<std::string> CheckPool(std::string_view pool) {
  auto parsed = sim::ParsePoolConfig(pool);
  if (!parsed) return parsed.error();
  if (parsed->capacity == 0) {
    return fmt::format("pool '{}': C must be at least 1 here (leave the pools out for an "
                       "unlimited far end)",
                       pool);
  }
  if (parsed->answer_ptys) {
    return fmt::format("pool '{}': ':pty' answering ports are for modemsim, where a program "
                       "such as mgetty can answer them; use NUMBER:C",
                       pool);
  }
  return std::nullopt;
}

std::optional<std::string> CheckThreshold(std::string_view expression) {
  auto parsed = analysis::ParseThreshold(expression);
  if (parsed) return std::nullopt;
  return parsed.error();
}

namespace {

// A whole text as a finite double, or nothing.
std::optional<double> Number(std::string_view text) {
  double value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ptr != end || ec != std::errc() || !std::isfinite(value)) return std::nullopt;
  return value;
}

constexpr std::size_t kMaxLoads = 64;

}  // namespace

tl::expected<std::vector<double>, std::string> ParseLoads(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return tl::unexpected(fmt::format(
        "bad loads '{}': {}; expected Erlangs > 0 separated by commas (10,15,20) or a range "
        "FROM:TO:STEP (5:30:5)",
        Printable(text), why));
  };
  std::vector<double> loads;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    const std::string_view item = text.substr(begin, comma - begin);
    begin = comma + 1;
    std::vector<std::string_view> parts;
    for (std::size_t b = 0; b <= item.size();) {
      const std::size_t colon = std::min(item.find(':', b), item.size());
      parts.push_back(item.substr(b, colon - b));
      b = colon + 1;
    }
    std::vector<double> values;
    for (std::string_view part : parts) {
      auto v = Number(part);
      if (!v) return bad(fmt::format("'{}' is not a number", Printable(part)));
      if (*v <= 0) return bad(fmt::format("{:g} is not more than 0", *v));
      values.push_back(*v);
    }
    const std::string too_many = fmt::format("more than {} steps", kMaxLoads);
    if (values.size() == 1) {
      if (loads.size() == kMaxLoads) return bad(too_many);
      loads.push_back(values[0]);
    } else if (values.size() == 3) {
      const double from = values[0], to = values[1], step = values[2];
      if (to < from) return bad(fmt::format("range '{}' ends below its start", item));
      // A small tolerance, so that 0.1 steps reach TO despite rounding.
      for (int k = 0; from + k * step <= to * (1 + 1e-9); ++k) {
        if (loads.size() == kMaxLoads) return bad(too_many);
        loads.push_back(from + k * step);
      }
    } else {
      return bad(fmt::format("'{}' is neither a load nor FROM:TO:STEP", Printable(item)));
    }
  }
  return loads;
}

tl::expected<double, std::string> ParseRatio(std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  auto v = Number(percent ? text.substr(0, text.size() - 1) : text);
  if (v && percent) *v /= 100;
  if (!v || !(*v > 0 && *v < 1)) {
    return tl::unexpected(fmt::format(
        "bad ratio '{}': expected a percent such as 1% or a fraction such as 0.01, between 0 "
        "and 1 (exclusive)",
        Printable(text)));
  }
  return *v;
}

std::optional<std::string> CheckDuration(std::chrono::nanoseconds d, bool positive) {
  if (positive && d <= std::chrono::nanoseconds::zero()) {
    return fmt::format("must be more than 0, got {}", FormatDuration(d));
  }
  if (d < std::chrono::nanoseconds::zero()) {
    return fmt::format("must not be negative, got {}", FormatDuration(d));
  }
  return std::nullopt;
}

std::optional<LineProblem> CheckLineSettings(const LineSettings& line) {
  auto problem = [](std::string key, std::optional<std::string> message) {
    return message ? std::optional<LineProblem>(LineProblem{std::move(key), std::move(*message)})
                   : std::nullopt;
  };
  if (line.number) {
    if (auto p = problem("number", CheckDialNumber(*line.number))) return p;
  }
  if (line.init) {
    for (std::size_t i = 0; i < line.init->size(); ++i) {
      if (auto p = problem(fmt::format("init[{}]", i), CheckInitString((*line.init)[i]))) return p;
    }
  }
  if (line.hangup) {
    if (auto p = problem("hangup", CheckChoice("hangup", *line.hangup, kHangups))) return p;
  }
  if (line.dial_mode) {
    if (auto p = problem("dial_mode", CheckChoice("dial_mode", *line.dial_mode, kDialModes))) {
      return p;
    }
  }
  const std::pair<const char*, const std::optional<std::chrono::nanoseconds>*> durations[] = {
      {"dial_timeout", &line.dial_timeout},
      {"hangup_timeout", &line.hangup_timeout},
      {"command_timeout", &line.command_timeout},
      {"guard_time", &line.guard_time}};
  for (const auto& [key, value] : durations) {
    if (!*value) continue;
    if (auto p = problem(key, CheckDuration(**value, IsTimeoutKey(key)))) return p;
  }
  if (line.speed) {
    if (auto p = problem("speed", CheckSpeed(*line.speed))) return p;
  }
  if (line.framing) {
    if (auto p = problem("framing", CheckFraming(*line.framing))) return p;
  }
  return CheckExecSettings(line);
}

}  // namespace dialsoak::cli::config
