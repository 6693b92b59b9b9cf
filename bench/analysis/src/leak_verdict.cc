#include "dialsoak/analysis/leak_verdict.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
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
  }
  return "unknown";
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

LeakVerdict JudgeLeak(const LeakInput& in) {
  LeakVerdict v;
  v.resource = in.resource;
  v.baseline = in.baseline;
  v.end = in.end;
  v.growth = in.end - in.baseline;
  v.threshold_per_cycle = ThresholdOf(in.thresholds, in.resource);
  v.warmup_cycles = WarmupCut(in.warmup, in.samples);

  std::vector<Point> pts;
  pts.reserve(in.samples.size());
  for (const Sample& s : in.samples) {
    if (s.cycles >= v.warmup_cycles) {
      pts.push_back({static_cast<double>(s.cycles), static_cast<double>(s.count)});
    }
  }
  const SlopeEstimate est = TheilSen(pts, in.slope);
  v.confidence = est.confidence;
  if (!est.valid) {
    v.reason = fmt::format(
        "{} samples after the warm-up of {} cycles, over fewer than 2 cycle "
        "counts or fewer than 3 samples: no slope",
        pts.size(), v.warmup_cycles);
    return v;
  }
  v.slope_per_cycle = est.slope;
  v.slope_per_1000_cycles = est.slope * 1000;
  v.lower_per_cycle = est.lower;
  v.upper_per_cycle = est.upper;
  v.intercept = est.intercept;
  v.points_used = est.points_used;
  if (std::isinf(est.lower)) {
    v.reason = fmt::format("{} samples after the warm-up are too few to bound the slope at {}%",
                           pts.size(), est.confidence * 100);
    return v;
  }

  v.spans = SteadyRises(in.samples, v.warmup_cycles);
  const bool steady = v.spans.rises >= kRisesForALeak;
  const bool rising = est.lower > v.threshold_per_cycle;
  const std::int64_t tolerance = ReturnToleranceOf(in.thresholds, in.resource);
  const bool returned = in.end <= in.baseline + tolerance;
  const std::string slope_text =
      fmt::format("slope {:.4g}/cycle ({:.0f}% interval {:.4g} to {:.4g})", est.slope,
                  est.confidence * 100, est.lower, est.upper);
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
