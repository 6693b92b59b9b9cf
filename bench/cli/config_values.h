// The value checks shared by the config file loader and ValidateSettings: the allowed
// words, speeds and ranges, and a typo suggestion. Private to the dialsoak_cli_config
// target. Pure functions; thread-safe. Each check returns the problem as text (what is
// wrong and what is allowed), or nothing when the value is fine; nothing here throws.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "run_settings.h"

namespace dialsoak::cli::config {

inline constexpr std::string_view kBackends[] = {"sim", "serial", "exec"};
inline constexpr std::string_view kHangups[] = {"auto", "dtr", "escape"};
inline constexpr std::string_view kDialModes[] = {"tone", "pulse"};
// The termios rates of modems/serial/src/tty.cc (a test keeps the two lists equal).
inline constexpr int kSpeeds[] = {300,   1200,  2400,   4800,   9600,   19200,
                                  38400, 57600, 115200, 230400, 460800, 921600};
inline constexpr int kMaxLines = 4096;
inline constexpr std::string_view kChartFormats[] = {"svg", "png", "none"};
inline constexpr std::string_view kJournalModes[] = {"ticks", "cycles"};
inline constexpr std::string_view kArrivals[] = {"poisson", "uniform"};

// text with control characters written as \r, \n, \t or \xNN, for messages.
std::string Printable(std::string_view text);

// "a, b or c".
std::string JoinAlternatives(std::span<const std::string_view> words);

// The candidate closest to word when it looks like a typo of it: edit distance at most 2
// (case and '-' versus '_' ignored), and less than the length of word. Ties: the first.
std::optional<std::string_view> ClosestMatch(std::string_view word,
                                             std::span<const std::string_view> candidates);

// "unknown hangup 'dtrr': expected auto, dtr or escape (did you mean 'dtr'?)".
std::optional<std::string> CheckChoice(std::string_view what, std::string_view value,
                                       std::span<const std::string_view> allowed);
std::optional<std::string> CheckSpeed(int speed);
std::optional<std::string> CheckFraming(std::string_view framing);
std::optional<std::string> CheckDialNumber(std::string_view number);
std::optional<std::string> CheckInitString(std::string_view init);
std::optional<std::string> CheckAnswerDelay(std::string_view distribution);
// EVERY[:KIND] of the simulator's leak injection (sim::ParseLeakConfig).
std::optional<std::string> CheckInjectLeak(std::string_view leak);
// A far-end pool of the embedded bank, NUMBER:C (sim::ParsePoolConfig) without ':pty'
// (answering ptys are for modemsim, where a program such as mgetty can hold them).
std::optional<std::string> CheckPool(std::string_view pool);
// A --threshold expression (analysis::ParseThreshold): what is wrong and what is allowed.
std::optional<std::string> CheckThreshold(std::string_view expression);
// Offered loads in Erlangs: "10,15,20" or a range "FROM:TO:STEP" ("5:30:5" = 5, 10, ...,
// 30), or a mix ("2,5:30:5"); each > 0, at most 64 of them. The error says what is allowed.
tl::expected<std::vector<double>, std::string> ParseLoads(std::string_view text);
// A ratio written as a percent ("1%", "0.5%") or a fraction ("0.01"), within (0, 1).
tl::expected<double, std::string> ParseRatio(std::string_view text);
// A duration must be >= 0, or > 0 when `positive`.
std::optional<std::string> CheckDuration(std::chrono::nanoseconds d, bool positive);

// The first problem among the fields of a LineSettings that are set, with its key
// ("hangup", "init[1]", ...). The device is not looked at (see ValidateSettings).
struct LineProblem {
  std::string key;
  std::string message;
};
std::optional<LineProblem> CheckLineSettings(const LineSettings& line);

// Whether a timeout field must be > 0 rather than >= 0.
inline bool IsTimeoutKey(std::string_view key) {
  return key == "dial_timeout" || key == "hangup_timeout" || key == "command_timeout";
}

}  // namespace dialsoak::cli::config
