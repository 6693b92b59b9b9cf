#include "dialsoak/sim/distribution.h"

#include <charconv>
#include <cmath>
#include <string>
#include <system_error>

namespace dialsoak::sim {
namespace {

constexpr double kMaxSeconds = 1e6;  // ~11.5 days: no draw may overflow nanoseconds
constexpr std::string_view kForms =
    "expected fixed:D, uniform:MIN,MAX, exp:MEAN or lognormal:MEDIAN,SIGMA "
    "(durations such as 250ms, 2s, 1.5m)";

std::chrono::nanoseconds FromSeconds(double s) {
  if (!(s > 0)) return std::chrono::nanoseconds::zero();  // also catches NaN
  return std::chrono::nanoseconds(static_cast<std::int64_t>(std::min(s, kMaxSeconds) * 1e9));
}

double ToSeconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

// A finite, non-negative decimal number and nothing else.
tl::expected<double, std::string> ParseNumber(std::string_view text) {
  double v = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || !std::isfinite(v) || v < 0) {
    return tl::unexpected("'" + std::string(text) + "' is not a non-negative number");
  }
  return v;
}

std::string FormatSeconds(double s) {
  const auto ns = static_cast<std::int64_t>(std::llround(s * 1e9));
  if (ns == 0) return "0s";
  if (ns % 1'000'000'000 == 0) return std::to_string(ns / 1'000'000'000) + "s";
  if (ns % 1'000'000 == 0) return std::to_string(ns / 1'000'000) + "ms";
  if (ns % 1'000 == 0) return std::to_string(ns / 1'000) + "us";
  return std::to_string(ns) + "ns";
}

std::string FormatNumber(double v) {
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, ptr) : std::to_string(v);
}

// Splits "A,B" into two parts; false if there is not exactly one comma.
bool SplitPair(std::string_view args, std::string_view& a, std::string_view& b) {
  auto comma = args.find(',');
  if (comma == std::string_view::npos || args.find(',', comma + 1) != std::string_view::npos) {
    return false;
  }
  a = args.substr(0, comma);
  b = args.substr(comma + 1);
  return true;
}

}  // namespace

tl::expected<std::chrono::nanoseconds, std::string> ParseDuration(std::string_view text) {
  struct Unit {
    std::string_view suffix;
    double seconds;
  };
  // Longest suffixes first, so "ms" is not read as "m" + garbage.
  static constexpr Unit kUnits[] = {{"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"min", 60},
                                    {"s", 1},     {"m", 60},    {"h", 3600}};
  std::string_view number = text;
  double scale = 1;
  for (const Unit& u : kUnits) {
    if (text.size() > u.suffix.size() && text.ends_with(u.suffix)) {
      number = text.substr(0, text.size() - u.suffix.size());
      scale = u.seconds;
      break;
    }
  }
  auto v = ParseNumber(number);
  if (!v || *v * scale > kMaxSeconds) {
    return tl::unexpected("bad duration '" + std::string(text) +
                          "': expected a non-negative number with a unit ns, us, ms, s, m or h "
                          "(a bare number is seconds), at most 1e6 s");
  }
  return FromSeconds(*v * scale);
}

std::string FormatDuration(std::chrono::nanoseconds d) {
  return FormatSeconds(ToSeconds(d));
}

Distribution Distribution::Fixed(std::chrono::nanoseconds d) {
  Distribution out;
  out.kind_ = Kind::Fixed;
  out.a_ = ToSeconds(d);
  return out;
}

tl::expected<Distribution, std::string> Distribution::Parse(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return tl::unexpected("bad distribution '" + std::string(text) + "': " + std::string(why));
  };
  auto colon = text.find(':');
  if (colon == std::string_view::npos) {
    // A bare duration is a fixed delay.
    auto d = ParseDuration(text);
    if (!d) return bad(kForms);
    return Fixed(*d);
  }
  const std::string_view kind = text.substr(0, colon);
  const std::string_view args = text.substr(colon + 1);
  Distribution out;
  std::string_view a, b;
  if (kind == "fixed") {
    auto d = ParseDuration(args);
    if (!d) return bad("expected fixed:D, e.g. fixed:2s");
    out.kind_ = Kind::Fixed;
    out.a_ = ToSeconds(*d);
  } else if (kind == "uniform") {
    constexpr std::string_view kWant =
        "expected uniform:MIN,MAX with MIN <= MAX, e.g. uniform:100ms,3s";
    if (!SplitPair(args, a, b)) return bad(kWant);
    auto lo = ParseDuration(a);
    auto hi = ParseDuration(b);
    if (!lo || !hi || *hi < *lo) return bad(kWant);
    out.kind_ = Kind::Uniform;
    out.a_ = ToSeconds(*lo);
    out.b_ = ToSeconds(*hi);
  } else if (kind == "exp" || kind == "exponential") {
    auto mean = ParseDuration(args);
    if (!mean) return bad("expected exp:MEAN, e.g. exp:500ms");
    out.kind_ = Kind::Exponential;
    out.a_ = ToSeconds(*mean);
  } else if (kind == "lognormal") {
    constexpr std::string_view kWant =
        "expected lognormal:MEDIAN,SIGMA with 0 <= SIGMA <= 10, e.g. lognormal:2s,0.5";
    if (!SplitPair(args, a, b)) return bad(kWant);
    auto median = ParseDuration(a);
    auto sigma = ParseNumber(b);
    if (!median || !sigma || *sigma > 10) return bad(kWant);
    out.kind_ = Kind::Lognormal;
    out.a_ = ToSeconds(*median);
    out.b_ = *sigma;
  } else {
    return bad(kForms);
  }
  return out;
}

std::chrono::nanoseconds Distribution::Draw(std::mt19937_64& rng) const {
  switch (kind_) {
    case Kind::Fixed:
      return FromSeconds(a_);
    case Kind::Uniform:
      return FromSeconds(std::uniform_real_distribution<double>(a_, b_)(rng));
    case Kind::Exponential:
      if (a_ <= 0) return std::chrono::nanoseconds::zero();
      return FromSeconds(std::exponential_distribution<double>(1.0 / a_)(rng));
    case Kind::Lognormal:
      if (a_ <= 0) return std::chrono::nanoseconds::zero();
      return FromSeconds(std::lognormal_distribution<double>(std::log(a_), b_)(rng));
  }
  return std::chrono::nanoseconds::zero();
}

std::chrono::nanoseconds Distribution::Mean() const {
  switch (kind_) {
    case Kind::Fixed:
    case Kind::Exponential:
      return FromSeconds(a_);
    case Kind::Uniform:
      return FromSeconds((a_ + b_) / 2);
    case Kind::Lognormal:
      return FromSeconds(a_ * std::exp(b_ * b_ / 2));
  }
  return std::chrono::nanoseconds::zero();
}

std::string Distribution::ToString() const {
  switch (kind_) {
    case Kind::Fixed:
      return "fixed:" + FormatSeconds(a_);
    case Kind::Uniform:
      return "uniform:" + FormatSeconds(a_) + "," + FormatSeconds(b_);
    case Kind::Exponential:
      return "exp:" + FormatSeconds(a_);
    case Kind::Lognormal:
      return "lognormal:" + FormatSeconds(a_) + "," + FormatNumber(b_);
  }
  return "fixed:0s";
}

}  // namespace dialsoak::sim
