#include "dialsoak/engine/sample_pacer.h"

#include <algorithm>
#include <cmath>

namespace dialsoak::engine {
namespace {

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

SamplePacer::SamplePacer(SamplePacing pacing) : pacing_(pacing) { step_ = Step(); }

std::int64_t SamplePacer::Step() const {
  std::optional<std::int64_t> step;
  if (pacing_.target_cycles) {
    step =
        std::max<std::int64_t>(1, (*pacing_.target_cycles + kSamplesPerRun - 1) / kSamplesPerRun);
  }
  if (!pacing_.target_cycles || pacing_.duration) {
    double per_second = kSamplesPerSecond;
    if (pacing_.duration && pacing_.duration->count() > 0) {
      per_second =
          std::max(per_second, static_cast<double>(kSamplesPerRun) / Seconds(*pacing_.duration));
    }
    // Until the rate is known, every cycle: the budget still spaces the samples.
    const std::int64_t by_rate =
        rate_
            ? std::max<std::int64_t>(1, static_cast<std::int64_t>(std::floor(*rate_ / per_second)))
            : 1;
    step = step ? std::min(*step, by_rate) : by_rate;
  }
  return *step;
}

void SamplePacer::Measure(Clock::time_point at, std::int64_t cycles) {
  if (!span_at_) {
    span_at_ = at;
    span_cycles_ = cycles;
    return;
  }
  const auto span = at - *span_at_;
  if (span < kRateSpan) return;
  const double rate = static_cast<double>(cycles - span_cycles_) / Seconds(span);
  rate_ = rate_ ? (*rate_ + rate) / 2 : rate;
  span_at_ = at;
  span_cycles_ = cycles;
}

void SamplePacer::Sampled(Clock::time_point at, std::int64_t cycles,
                          std::optional<std::chrono::nanoseconds> cost,
                          Clock::time_point real_end) {
  if (cost) {
    costs_[static_cast<std::size_t>(samples_) % kCostWindow] = *cost;
    ++samples_;
    total_cost_ += *cost;
    auto recent = costs_;
    const auto n = static_cast<std::ptrdiff_t>(
        std::min<std::size_t>(static_cast<std::size_t>(samples_), kCostWindow));
    std::nth_element(recent.begin(), recent.begin() + n / 2, recent.begin() + n);
    cost_ = recent[static_cast<std::size_t>(n / 2)];
  }
  last_cycles_ = cycles;
  last_real_end_ = real_end;
  Measure(at, cycles);
  step_ = Step();
}

void SamplePacer::Progress(Clock::time_point at, std::int64_t cycles) {
  Measure(at, cycles);
  step_ = Step();
}

Clock::time_point SamplePacer::not_before() const {
  if (!(pacing_.budget > 0)) return Clock::time_point::max();
  const auto gap = std::chrono::nanoseconds(
      static_cast<std::int64_t>(static_cast<double>(cost_.count()) / pacing_.budget));
  return last_real_end_ + std::chrono::duration_cast<Clock::duration>(gap);
}

}  // namespace dialsoak::engine
