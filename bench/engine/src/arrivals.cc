#include "dialsoak/engine/arrivals.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "dialsoak/sim/distribution.h"

namespace dialsoak::engine {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

double Seconds(std::chrono::nanoseconds d) { return static_cast<double>(d.count()) / 1e9; }

void CheckRate(double rate) {
  if (!std::isfinite(rate) || rate < 0) {
    throw std::invalid_argument("arrival rate must be a finite number of calls/s >= 0, got " +
                                std::to_string(rate));
  }
}

}  // namespace

tl::expected<Stage, std::string> ParseStage(std::string_view text) {
  const std::string what = "bad stage '" + std::string(text) + "': ";
  const std::string form = "expected DURATION:RATE, e.g. 5m:2 (ramp to 2 calls/s over 5 minutes)";
  const auto colon = text.find(':');
  if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
    return tl::unexpected(what + form);
  }
  const std::string_view d = text.substr(0, colon), r = text.substr(colon + 1);
  if (d.empty() || r.empty()) return tl::unexpected(what + form);
  auto duration = sim::ParseDuration(d);
  if (!duration) return tl::unexpected(what + duration.error());
  double rate = 0;
  const char* end = r.data() + r.size();
  auto [ptr, ec] = std::from_chars(r.data(), end, rate);
  if (ec != std::errc() || ptr != end || !std::isfinite(rate) || rate < 0) {
    return tl::unexpected(what + "rate '" + std::string(r) + "' is not a number of calls/s >= 0; " +
                          form);
  }
  return Stage{*duration, rate};
}

tl::expected<Arrivals, std::string> ParseArrivals(std::string_view text) {
  if (text == "poisson") return Arrivals::Poisson;
  if (text == "uniform") return Arrivals::Uniform;
  return tl::unexpected("bad arrivals '" + std::string(text) + "': expected poisson or uniform");
}

std::string_view ToString(Arrivals a) { return a == Arrivals::Poisson ? "poisson" : "uniform"; }

double ArrivalSchedule::Segment::Slope() const {
  return std::isinf(seconds) || seconds <= 0 ? 0.0 : (r1 - r0) / seconds;
}

double ArrivalSchedule::Segment::IntegralTo(double tau) const {
  if (tau <= 0) return 0;
  if (tau >= seconds) return integral;
  return r0 * tau + 0.5 * Slope() * tau * tau;
}

ArrivalSchedule::ArrivalSchedule(const std::vector<Stage>& stages, Arrivals kind,
                                 std::uint64_t seed)
    : kind_(kind), rng_(seed) {
  std::chrono::nanoseconds at{0};
  double rate = 0;  // the first stage ramps from 0
  for (const Stage& s : stages) {
    CheckRate(s.rate);
    if (s.duration.count() < 0) throw std::invalid_argument("stage duration must be >= 0");
    if (s.duration.count() > 0) Add(at, s.duration, rate, s.rate);
    at += s.duration;
    rate = s.rate;
  }
  duration_ = at;
  DrawTarget();
}

ArrivalSchedule ArrivalSchedule::Constant(double rate,
                                          std::optional<std::chrono::nanoseconds> duration,
                                          Arrivals kind, std::uint64_t seed) {
  CheckRate(rate);
  if (duration && duration->count() < 0) throw std::invalid_argument("duration must be >= 0");
  ArrivalSchedule s;
  s.kind_ = kind;
  s.rng_.seed(seed);
  if (!duration || duration->count() > 0) s.Add(std::chrono::nanoseconds{0}, duration, rate, rate);
  s.duration_ = duration;
  s.DrawTarget();
  return s;
}

void ArrivalSchedule::Add(std::chrono::nanoseconds start,
                          std::optional<std::chrono::nanoseconds> length, double r0, double r1) {
  Segment seg;
  seg.start_ns = start.count();
  seg.seconds = length ? Seconds(*length) : kInf;
  seg.r0 = r0;
  seg.r1 = r1;
  seg.lambda0 = segments_.empty() ? 0 : segments_.back().lambda0 + segments_.back().integral;
  seg.integral = std::isinf(seg.seconds) ? (r0 > 0 ? kInf : 0) : 0.5 * (r0 + r1) * seg.seconds;
  segments_.push_back(seg);
}

void ArrivalSchedule::DrawTarget() {
  if (kind_ == Arrivals::Uniform) {
    target_ = static_cast<double>(index_) + 0.5;
  } else {
    target_ += std::exponential_distribution<double>(1.0)(rng_);
  }
}

std::optional<std::chrono::nanoseconds> ArrivalSchedule::Next() {
  while (segment_ < segments_.size()) {
    const Segment& s = segments_[segment_];
    const double need = target_ - s.lambda0;
    if (need < s.integral) {
      // Solve r0*tau + slope/2*tau^2 = need in the form that stays exact when slope -> 0:
      // tau = 2*need / (r0 + sqrt(r0^2 + 2*slope*need)).
      const double slope = s.Slope();
      const double disc = std::max(0.0, s.r0 * s.r0 + 2 * slope * need);
      const double denom = s.r0 + std::sqrt(disc);
      double tau = need <= 0 ? 0 : (denom > 0 ? 2 * need / denom : 0);
      if (!std::isinf(s.seconds)) tau = std::min(tau, s.seconds);
      std::int64_t off = s.start_ns + static_cast<std::int64_t>(std::llround(tau * 1e9));
      if (!std::isinf(s.seconds)) {
        const std::int64_t seg_end =
            s.start_ns + static_cast<std::int64_t>(std::llround(s.seconds * 1e9));
        off = std::min(off, seg_end - 1);
      }
      ++index_;
      DrawTarget();
      return std::chrono::nanoseconds(off);
    }
    ++segment_;
  }
  return std::nullopt;
}

double ArrivalSchedule::Lambda(std::chrono::nanoseconds t) const {
  double total = 0;
  for (const Segment& s : segments_) {
    const double tau = Seconds(t) - static_cast<double>(s.start_ns) / 1e9;
    if (tau <= 0) break;
    total = s.lambda0 + s.IntegralTo(tau);
  }
  return total;
}

double ArrivalSchedule::ExpectedArrivals(std::chrono::nanoseconds a,
                                         std::chrono::nanoseconds b) const {
  return b <= a ? 0 : Lambda(b) - Lambda(a);
}

double ArrivalSchedule::RateAt(std::chrono::nanoseconds t) const {
  for (const Segment& s : segments_) {
    const double tau = Seconds(t) - static_cast<double>(s.start_ns) / 1e9;
    if (tau >= 0 && tau < s.seconds) return s.r0 + s.Slope() * tau;
  }
  return 0;
}

}  // namespace dialsoak::engine
