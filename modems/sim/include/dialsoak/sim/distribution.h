// Distribution: a random duration (answer delay, hold time) drawn per call.
// Parsed from text such as "fixed:0", "fixed:2s", "uniform:100ms,3s", "exp:500ms",
// "lognormal:2s,0.5" (median, sigma), or a bare duration ("2s" = fixed:2s).
// Thread-compatible; Draw takes the caller's RNG so a seeded run is reproducible. Draws
// are never negative and are capped at 1e6 s.
// Errors: Parse and ParseDuration return a message that says what is allowed; nothing
// here throws.
#pragma once

#include <chrono>
#include <random>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dialsoak::sim {

class Distribution {
 public:
  enum class Kind { Fixed, Uniform, Exponential, Lognormal };

  Distribution() = default;  // fixed:0
  static Distribution Fixed(std::chrono::nanoseconds d);
  // Error text says what is allowed, e.g. "bad distribution 'exp:': expected exp:MEAN".
  static tl::expected<Distribution, std::string> Parse(std::string_view text);

  std::chrono::nanoseconds Draw(std::mt19937_64& rng) const;
  std::chrono::nanoseconds Mean() const;
  std::string ToString() const;
  Kind kind() const { return kind_; }

 private:
  Kind kind_ = Kind::Fixed;
  double a_ = 0;  // fixed: value; uniform: min; exp: mean; lognormal: median   (seconds)
  double b_ = 0;  // uniform: max; lognormal: sigma
};

// Parses "250ms", "2s", "1.5s", "3m", "1h", "500us", or a bare number of seconds.
tl::expected<std::chrono::nanoseconds, std::string> ParseDuration(std::string_view text);
// The shortest exact form ParseDuration reads back: "0s", "50ms", "2s", "1500us".
std::string FormatDuration(std::chrono::nanoseconds d);

}  // namespace dialsoak::sim
