// Arrival schedules for open-loop load: when calls arrive, as offsets from the start of a
// run, for a constant rate or for stages of linearly ramping rate ("5m:10 1h:10 5m:0").
//
// Stage semantics (as k6's ramping-arrival-rate): a stage's rate is the rate at its END;
// within a stage the rate ramps linearly from the previous stage's end rate, and the first
// stage ramps from 0. So "5m:10 1h:10 5m:0" warms up from 0 to 10 calls/s over 5 minutes,
// holds a 10 calls/s plateau for an hour and cools down to 0 over 5 minutes; a stage of
// duration 0 is a step ("0s:10 1h:10" starts at once at 10 calls/s). The schedule ends
// with the last stage.
//
// Poisson arrivals are an exact non-homogeneous Poisson process with the piecewise-linear
// rate (time rescaling: unit-rate exponential gaps in integrated rate, mapped back through
// the inverse of the integrated rate). Uniform arrivals are evenly spaced in integrated
// rate: the k-th call (0-based) arrives when the integrated rate reaches k + 1/2, so a
// stage whose integrated rate is n carries n calls, give or take one at its edges.
//
// Thread-compatible (one schedule, one reader). Same stages, kind and seed: same schedule.
// Errors: ParseStage/ParseArrivals return a message saying what is allowed; constructing a
// schedule from a negative or non-finite rate or a negative duration throws
// std::invalid_argument (configuration errors, found at start-up).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace dialsoak::engine {

struct Stage {
  std::chrono::nanoseconds duration{0};
  double rate = 0;  // calls/s at the end of the stage
};

enum class Arrivals { Poisson, Uniform };

// "5m:2" (ramp to 2 calls/s over 5 minutes), "90s:0.5", "0s:10" (a step). Durations as
// everywhere in dialsoak: 250ms, 2s, 1.5m, 1h, or bare seconds.
tl::expected<Stage, std::string> ParseStage(std::string_view text);
// "poisson" or "uniform".
tl::expected<Arrivals, std::string> ParseArrivals(std::string_view text);
std::string_view ToString(Arrivals a);

class ArrivalSchedule {
 public:
  // Stages as described above.
  ArrivalSchedule(const std::vector<Stage>& stages, Arrivals kind, std::uint64_t seed);
  // A constant rate, for `duration` or (nullopt) until the run is stopped.
  static ArrivalSchedule Constant(double rate, std::optional<std::chrono::nanoseconds> duration,
                                  Arrivals kind, std::uint64_t seed);

  // The next arrival, as an offset from the start (non-decreasing), or nullopt once the
  // schedule has ended.
  std::optional<std::chrono::nanoseconds> Next();

  // The schedule's length (sum of the stages), nullopt for an endless constant rate.
  std::optional<std::chrono::nanoseconds> duration() const { return duration_; }
  // Expected number of arrivals between offsets a and b (the integrated rate).
  double ExpectedArrivals(std::chrono::nanoseconds a, std::chrono::nanoseconds b) const;
  // The rate at offset t, in calls/s (0 after the end).
  double RateAt(std::chrono::nanoseconds t) const;

 private:
  struct Segment {
    std::int64_t start_ns = 0;
    double seconds = 0;                   // length; +inf for an endless constant rate
    double r0 = 0, r1 = 0;                // rate at the start and at the end
    double lambda0 = 0;                   // integrated rate before this segment
    double integral = 0;                  // integrated rate over this segment
    double Slope() const;                 // (r1 - r0) / seconds, 0 when endless
    double IntegralTo(double tau) const;  // integrated rate from the start to start + tau
  };
  ArrivalSchedule() = default;
  void Add(std::chrono::nanoseconds start, std::optional<std::chrono::nanoseconds> length,
           double r0, double r1);
  double Lambda(std::chrono::nanoseconds t) const;
  void DrawTarget();

  std::vector<Segment> segments_;
  std::optional<std::chrono::nanoseconds> duration_;
  Arrivals kind_ = Arrivals::Poisson;
  std::mt19937_64 rng_;
  std::size_t segment_ = 0;
  std::int64_t index_ = 0;
  double target_ = 0;  // integrated rate at which the pending arrival happens
};

}  // namespace dialsoak::engine
