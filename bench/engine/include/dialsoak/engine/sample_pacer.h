// SamplePacer: when the engine's collector samples the probes by cycles done, on top of
// every sample_interval, so that the leak verdict's slope has enough points whatever the
// run's speed (a run of 2,000 cycles that takes 0.1 s gets about 200 samples, not one).
//
// Marks. By-cycle samples are due on a grid of cycles done: after a sample (of any kind)
// at C cycles done, at the next multiple of step above C, where step is
//   - with a cycle target (cycles per line x lines): ceil(target / kSamplesPerRun), so the
//     run gets at least about kSamplesPerRun (200) samples;
//   - without one (a duration, an open-loop schedule, a run until stopped): from the cycle
//     rate (an average over the recent spans of at least kRateSpan), so that by-cycle
//     samples come kSamplesPerSecond (5) times a second, or often enough for kSamplesPerRun
//     over a known duration, whichever is more;
//   - with both a target and a duration (the first one ends the run): the smaller step.
// Budget. Sampling may take at most `budget` (3%) of one core: a by-cycle sample is not due
// sooner than its cost (the probes and the observers they feed: the median of the last
// kCostWindow samples, so that one sample stretched by a busy machine's scheduler does not
// stall the others) divided by the budget after the end of the previous sample.
// Time-based samples are not held back, but they count in the cost and move the marks.
// The baseline and end samples do not count in the cost: the leak watch reads the whole
// fd table and the limits at them, which periodic samples never do.
//
// Pure: fed the times and counts, it reads no clock. `at` times are the engine's clock
// (virtual in tests); a cost is the CPU time a sample took the collector, and the spacing
// it buys is real (steady_clock) time. Not thread-safe: the collector's own.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>

#include "dialsoak/line/deadline.h"

namespace dialsoak::engine {

struct SamplePacing {
  std::optional<std::int64_t> target_cycles;         // of the whole run, when known
  std::optional<std::chrono::nanoseconds> duration;  // the run's planned length, when known
  double budget = 0.03;                              // of one core, for sampling
};

class SamplePacer {
 public:
  static constexpr std::int64_t kSamplesPerRun = 200;
  static constexpr double kSamplesPerSecond = 5;
  static constexpr std::chrono::milliseconds kRateSpan{50};
  static constexpr std::size_t kCostWindow = 15;

  explicit SamplePacer(SamplePacing pacing = {});

  // A sample of every probe was taken at `at` with `cycles` done; it cost `cost` of CPU
  // time (none: not to be counted) and ended at `real_end`. The first one (the baseline)
  // starts the rate.
  void Sampled(Clock::time_point at, std::int64_t cycles,
               std::optional<std::chrono::nanoseconds> cost, Clock::time_point real_end);
  // The run's progress between samples (the collector's ticks): refines the rate.
  void Progress(Clock::time_point at, std::int64_t cycles);

  // The cycles done at which the next by-cycle sample is due.
  std::int64_t next_mark() const { return (last_cycles_ / step_ + 1) * step_; }
  // The earliest real time the budget lets it be taken.
  Clock::time_point not_before() const;
  bool Due(std::int64_t cycles, Clock::time_point real_now) const {
    return cycles >= next_mark() && real_now >= not_before();
  }

  std::int64_t step() const { return step_; }
  std::optional<double> cycles_per_second() const { return rate_; }
  // What a sample costs (the median of the last kCostWindow), and the samples counted in
  // the cost and their total cost so far.
  std::chrono::nanoseconds cost() const { return cost_; }
  std::int64_t samples() const { return samples_; }
  std::chrono::nanoseconds total_cost() const { return total_cost_; }

 private:
  void Measure(Clock::time_point at, std::int64_t cycles);
  std::int64_t Step() const;

  SamplePacing pacing_;
  std::int64_t step_ = 1;
  std::int64_t last_cycles_ = 0;                               // at the last sample
  Clock::time_point last_real_end_{};                          // of the last sample
  std::array<std::chrono::nanoseconds, kCostWindow> costs_{};  // the last ones, a ring
  std::chrono::nanoseconds cost_{0};                           // their median
  std::int64_t samples_ = 0;
  std::chrono::nanoseconds total_cost_{0};
  std::optional<Clock::time_point> span_at_;  // where the current rate span began
  std::int64_t span_cycles_ = 0;
  std::optional<double> rate_;  // cycles per second of the engine's clock
};

}  // namespace dialsoak::engine
