#include "dialsoak/analysis/leak_verdict.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace dialsoak::analysis {
namespace {

std::int64_t WarmupCut(const Warmup& w, std::span<const Sample> samples) {
  std::int64_t last = 0;
  for (const Sample& s : samples) last = std::max(last, s.cycles);
  return WarmupCut(w, last);
}

Projection Project(std::int64_t limit, std::int64_t end, double slope, double upper,
                   std::optional<double> cycles_per_second) {
  Projection p;
  p.limit = limit;
  const auto room = static_cast<double>(std::max<std::int64_t>(0, limit - end));
  p.cycles_to_limit = room / slope;
  p.earliest_cycles_to_limit = room / upper;  // finite: the lower bound is
  if (cycles_per_second && *cycles_per_second > 0) {
    p.seconds_to_limit = p.cycles_to_limit / *cycles_per_second;
    p.earliest_seconds_to_limit = p.earliest_cycles_to_limit / *cycles_per_second;
  }
  return p;
}

}  // namespace

double ThresholdOf(const LeakThresholds& t, Resource r) {
  switch (r) {
    case Resource::Handles:
      return t.handles_per_cycle;
    case Resource::Threads:
      return t.threads_per_cycle;
    case Resource::ResidentMemory:
      return t.memory_bytes_per_cycle;
  }
  return 0;
}

std::int64_t ReturnToleranceOf(const LeakThresholds& t, Resource r) {
  return r == Resource::ResidentMemory ? t.memory_return_tolerance_bytes : t.return_tolerance;
}

std::int64_t WarmupCut(const Warmup& w, std::int64_t last_cycles) {
  if (w.skip_cycles < 0 || !(w.skip_fraction >= 0 && w.skip_fraction < 1)) {
    throw std::invalid_argument("warm-up: skip_cycles must be >= 0 and skip_fraction in [0, 1)");
  }
  const auto by_fraction =
      static_cast<std::int64_t>(std::ceil(w.skip_fraction * static_cast<double>(last_cycles)));
  return std::max(w.skip_cycles, by_fraction);
}

std::string_view ResourceName(Resource r) {
  switch (r) {
    case Resource::Handles:
      return "handles";
    case Resource::Threads:
      return "threads";
    case Resource::ResidentMemory:
      return "resident_memory";
  }
  return "unknown";
}

std::string_view VerdictName(Verdict v) {
  switch (v) {
    case Verdict::Ok:
      return "ok";
    case Verdict::Leak:
      return "leak";
    case Verdict::InsufficientData:
      return "insufficient_data";
    case Verdict::Inconclusive:
      return "inconclusive";
    case Verdict::Exhausted:
      return "exhausted";
    case Verdict::NotSeen:
      return "not_seen";
  }
  return "unknown";
}

std::int64_t ExhaustionMargin(std::int64_t limit) {
  return std::max<std::int64_t>(2, limit / 100);
}

bool AtLimit(std::int64_t count, std::int64_t limit) {
  return limit > 0 && count >= limit - ExhaustionMargin(limit);
}

bool SaysOutOfDescriptors(std::string_view text) {
  static constexpr std::string_view kEmfile = "Too many open files";
  static constexpr std::string_view kEnfile = " in system";
  for (auto at = text.find(kEmfile); at != std::string_view::npos;
       at = text.find(kEmfile, at + 1)) {
    if (!text.substr(at + kEmfile.size()).starts_with(kEnfile)) return true;
  }
  return false;
}

SpanMedians SteadyRises(std::span<const Sample> samples, std::int64_t cut) {
  SpanMedians out;
  std::int64_t last = cut;
  for (const Sample& s : samples) last = std::max(last, s.cycles);
  const double width = static_cast<double>(last - cut) / kSpans;
  if (width <= 0) return out;
  std::vector<std::vector<std::int64_t>> spans(kSpans);
  for (const Sample& s : samples) {
    if (s.cycles < cut) continue;
    const auto i = std::min<std::size_t>(
        kSpans - 1, static_cast<std::size_t>(static_cast<double>(s.cycles - cut) / width));
    spans[i].push_back(s.count);
  }
  for (auto& span : spans) {
    if (span.empty()) continue;
    const auto mid = span.begin() + static_cast<std::ptrdiff_t>(span.size() / 2);
    std::nth_element(span.begin(), mid, span.end());
    double median = static_cast<double>(*mid);
    if (span.size() % 2 == 0) {
      median = (median + static_cast<double>(*std::max_element(span.begin(), mid))) / 2;
    }
    out.medians.push_back(median);
  }
  for (std::size_t i = 1; i < out.medians.size(); ++i) {
    if (out.medians[i] > out.medians[i - 1]) ++out.rises;
  }
  return out;
}

namespace {

// What a count of the resource is called: "descriptors", "threads", "bytes".
std::string_view UnitOf(Resource r) {
  switch (r) {
    case Resource::Handles:
      return "descriptors";
    case Resource::Threads:
      return "threads";
    case Resource::ResidentMemory:
      return "bytes";
  }
  return "";
}

// "+20 handles", "+3 threads", "+9.5 MiB of resident memory".
std::string GrowthText(Resource r, std::int64_t growth) {
  if (r == Resource::ResidentMemory) {
    return fmt::format("{:+.1f} MiB of resident memory", static_cast<double>(growth) / (1 << 20));
  }
  return fmt::format("{:+} {}", growth, ResourceName(r));
}

// Fits the samples after the warm-up cut into v (slope, interval, intercept, points).
SlopeEstimate Fit(const LeakInput& in, std::span<const Sample> samples, LeakVerdict& v,
                  std::size_t& after_warmup) {
  v.warmup_cycles = WarmupCut(in.warmup, samples);
  std::vector<Point> pts;
  pts.reserve(samples.size());
  for (const Sample& s : samples) {
    if (s.cycles >= v.warmup_cycles) {
      pts.push_back({static_cast<double>(s.cycles), static_cast<double>(s.count)});
    }
  }
  after_warmup = pts.size();
  const SlopeEstimate est = TheilSen(pts, in.slope);
  v.confidence = est.confidence;
  if (!est.valid) return est;
  v.slope_per_cycle = est.slope;
  v.slope_per_1000_cycles = est.slope * 1000;
  v.lower_per_cycle = est.lower;
  v.upper_per_cycle = est.upper;
  v.intercept = est.intercept;
  v.points_used = est.points_used;
  return est;
}

std::string SlopeText(const SlopeEstimate& est) {
  return fmt::format("slope {:.4g}/cycle ({:.0f}% interval {:.4g} to {:.4g})", est.slope,
                     est.confidence * 100, est.lower, est.upper);
}

// Exhausted: the count reached its limit, or an error said the process ran out. The slope
// is fitted on the samples up to the first one at the limit.
LeakVerdict JudgeExhausted(const LeakInput& in, LeakVerdict v) {
  v.verdict = Verdict::Exhausted;
  std::span<const Sample> rising = in.samples;
  std::optional<std::int64_t> reached_at;
  if (in.limit) {
    const auto first = std::find_if(in.samples.begin(), in.samples.end(), [&](const Sample& s) {
      return AtLimit(s.count, *in.limit);
    });
    if (first != in.samples.end()) {
      rising = in.samples.first(static_cast<std::size_t>(first - in.samples.begin()) + 1);
      reached_at = first->cycles;
    }
  }
  std::size_t after_warmup = 0;
  const SlopeEstimate est = Fit(in, rising, v, after_warmup);
  const bool bounded = est.valid && !std::isinf(est.lower);
  std::string reason;
  if (in.limit && AtLimit(v.peak, *in.limit)) {
    reason = fmt::format("exhausted: {} of {} {}{}", v.peak, *in.limit, UnitOf(in.resource),
                         in.limit_name.empty() ? "" : fmt::format(" ({})", in.limit_name));
    if (reached_at) reason += fmt::format(", first reached after {} cycles", *reached_at);
    if (in.out_of_resource) {
      reason += fmt::format("; after {} cycles: {}", in.out_of_resource->cycles,
                            in.out_of_resource->error);
    }
  } else {
    reason = fmt::format("exhausted: out of {} after {} cycles: {} (largest count {}{})",
                         UnitOf(in.resource), in.out_of_resource->cycles,
                         in.out_of_resource->error, v.peak,
                         in.limit ? fmt::format(", limit {}", *in.limit) : "");
  }
  reason += fmt::format("; baseline {}, end {}", in.baseline, in.end);
  if (bounded) {
    reason += fmt::format("; {} {}", reached_at ? "up to the limit," : "fitted:", SlopeText(est));
  }
  v.reason = std::move(reason);
  if (in.limit) {
    Projection p;
    p.limit = *in.limit;
    if (in.cycles_per_second && *in.cycles_per_second > 0) {
      p.seconds_to_limit = 0;
      p.earliest_seconds_to_limit = 0;
    }
    v.projection = p;  // reached: no cycles left
  }
  return v;
}

}  // namespace

LeakVerdict JudgeLeak(const LeakInput& in) {
  LeakVerdict v;
  v.resource = in.resource;
  v.baseline = in.baseline;
  v.end = in.end;
  v.growth = in.end - in.baseline;
  v.threshold_per_cycle = ThresholdOf(in.thresholds, in.resource);
  v.peak = std::max({in.baseline, in.end, in.peak.value_or(in.end)});
  for (const Sample& s : in.samples) v.peak = std::max(v.peak, s.count);

  const bool reached = in.limit && v.peak > in.baseline && AtLimit(v.peak, *in.limit);
  if (reached || in.out_of_resource) return JudgeExhausted(in, std::move(v));

  std::size_t after_warmup = 0;
  const SlopeEstimate est = Fit(in, in.samples, v, after_warmup);
  const std::int64_t tolerance = ReturnToleranceOf(in.thresholds, in.resource);
  const bool returned = in.end <= in.baseline + tolerance;
  // The start of an inconclusive verdict's reason: what grew and stayed.
  auto not_returned = [&] {
    return fmt::format("inconclusive: {} not returned after the settle ({} -> {})",
                       GrowthText(in.resource, v.growth), in.baseline, in.end);
  };
  if (!est.valid || std::isinf(est.lower)) {
    const std::string few =
        !est.valid
            ? fmt::format("{} samples after the warm-up of {} cycles, over fewer than 2 cycle "
                          "counts or fewer than 3 samples: no slope",
                          after_warmup, v.warmup_cycles)
            : fmt::format("{} samples after the warm-up are too few to bound the slope at {}%",
                          after_warmup, est.confidence * 100);
    if (returned) {
      v.reason = few;
      return v;  // InsufficientData
    }
    v.verdict = Verdict::Inconclusive;
    v.reason = fmt::format("{}; too few samples to bound the slope ({})", not_returned(), few);
    return v;
  }

  v.spans = SteadyRises(in.samples, v.warmup_cycles);
  const bool steady = v.spans.rises >= kRisesForALeak;
  const bool rising = est.lower > v.threshold_per_cycle;
  const std::string slope_text = SlopeText(est);
  // A step and steady growth are told apart by the quarters' medians; with a quarter that
  // has no sample (a run of milliseconds, sampled a few times) they cannot be, and a count
  // that grew and stayed is not called ok on that.
  if (rising && !steady && !returned && v.spans.medians.size() < static_cast<std::size_t>(kSpans)) {
    v.verdict = Verdict::Inconclusive;
    v.reason = fmt::format(
        "{}, {}, but only {} of the run's {} quarters were sampled: too few samples to tell "
        "steady growth from a step (run longer, or sample more often with --sample-interval)",
        not_returned(), slope_text, v.spans.medians.size(), kSpans);
    return v;
  }
  if (rising && !steady) {
    v.verdict = Verdict::Ok;
    v.reason = fmt::format(
        "{} {}, but it grew in a step, not steadily: the median count rose in {} of the "
        "run's {} steps between quarters ({}), so a pool or cache filled once (end {}, "
        "baseline {})",
        ResourceName(in.resource), slope_text, v.spans.rises,
        v.spans.medians.empty() ? 0 : v.spans.medians.size() - 1,
        fmt::join(v.spans.medians, " -> "), in.end, in.baseline);
    return v;
  }
  if (rising && !returned) {
    v.verdict = Verdict::Leak;
    v.reason = fmt::format(
        "{} {}: lower bound above {:.4g}/cycle, and the end count {} did not "
        "return to the baseline {} (+{})",
        ResourceName(in.resource), slope_text, v.threshold_per_cycle, in.end, in.baseline,
        v.growth);
    if (in.limit) {
      v.projection = Project(*in.limit, in.end, est.slope, est.upper, in.cycles_per_second);
    }
  } else {
    v.verdict = Verdict::Ok;
    v.reason = rising ? fmt::format("{} {}, but the end count {} returned to the baseline {}{}",
                                    ResourceName(in.resource), slope_text, in.end, in.baseline,
                                    tolerance > 0 ? fmt::format(" (within {})", tolerance) : "")
                      : fmt::format(
                            "{} {}: lower bound not above {:.4g}/cycle (end {}, "
                            "baseline {})",
                            ResourceName(in.resource), slope_text, v.threshold_per_cycle, in.end,
                            in.baseline);
  }
  return v;
}

}  // namespace dialsoak::analysis
