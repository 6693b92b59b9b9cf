// The leak verdict for one watched process and one resource (open handles, threads,
// resident memory): the KB Q197517 question, "does the count grow with every dial/hang-up
// cycle and fail to come back?", answered from the samples of a run.
//
// Method. Samples taken before the warm-up cut are dropped; the rest are fitted with
// Theil-Sen (theil_sen.h) against completed cycles. The verdict is Leak only when all of
//   1. the slope's lower confidence bound is above the resource's threshold (handles and
//      threads: > 0 per cycle; resident memory: > 64 bytes per cycle by default, so that
//      allocator noise is not a leak),
//   2. the growth is steady, not one step: the cycles after the warm-up are cut into four
//      equal spans, and the median count rises from each span to the next (SteadyRises;
//      so a slow leak needs about four leaked handles after the warm-up to be called
//      one), and
//   3. the end count (re-sampled after the last hang-up and a settle period) did not return
//      to the baseline taken before the first dial: end > baseline + return_tolerance.
// A one-time step (a pool warming up, a log file opened) is not a trend. Theil-Sen alone
// gives it slope 0 only when the count is otherwise flat: with bursts of descriptors
// coming and going around it, the pairs straddling the step pull the median slope up,
// which is why rule 2 is there (found by bench/leak_detector.sh). It is Ok even when the
// end count stays above the baseline (growth says by how much).
// When the slope cannot be bounded (fewer than 3 samples remain, they share one cycle
// count, or they are too few for the asked confidence: 5 or fewer at 95%), the verdict is
// never Ok: Inconclusive when the end count did not return to the baseline (rule 3 fails:
// something was not given back, and the run cannot say whether it grows with the cycles),
// else InsufficientData.
// Exhausted, whatever the slope, when a limit is given (handles: the soft RLIMIT_NOFILE;
// threads: the smaller of the soft RLIMIT_NPROC and kernel.threads-max, see proc_limits.h)
// and the largest count seen (LeakInput::peak, the samples, the end) rose above the
// baseline to within ExhaustionMargin of it; or when an error says the process ran out
// (out_of_resource: EMFILE, "Too many open files"). A count stuck at its limit is flat, and
// that flat part would pull the slope to 0: the slope is fitted on the samples up to the
// first one at the limit (the plateau is cut off).
// When leaking and a limit is given, the projection says in how many more cycles (and
// seconds, given a cycle rate) the process reaches it: at the fitted slope, and at the
// upper bound (the earliest plausible); when exhausted, 0.
//
// Thread safety: pure functions. Errors: none at run time; bad options (confidence
// outside (0, 1), negative warm-up) throw std::invalid_argument.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/analysis/theil_sen.h"

namespace dialsoak::analysis {

enum class Resource { Handles, Threads, ResidentMemory };

// "handles", "threads", "resident_memory": the resource label value.
std::string_view ResourceName(Resource r);

// NotSeen: the watched process was never found (leak_watch.h), nothing to judge and a
// failed check of its own.
enum class Verdict { Ok, Leak, InsufficientData, Inconclusive, Exhausted, NotSeen };

// "ok", "leak", "insufficient_data", "inconclusive", "exhausted", "not_seen".
std::string_view VerdictName(Verdict v);

// How close to its limit a count may come and count as having reached it: max(2, 1% of
// the limit). A process's count reads a little below its real use at the limit (this
// process's own probe keeps two descriptors it leaves out; a pipe opened around the
// sample), and a leak that got this close fails at the next burst anyway.
std::int64_t ExhaustionMargin(std::int64_t limit);
// count >= limit - ExhaustionMargin(limit), for a limit > 0.
bool AtLimit(std::int64_t count, std::int64_t limit);
// Whether an error text says the process is out of descriptors: strerror(EMFILE), "Too
// many open files", but not ENFILE's "Too many open files in system" (the whole system's
// table, not this process's limit).
bool SaysOutOfDescriptors(std::string_view text);

struct Sample {
  std::int64_t cycles = 0;  // completed cycles when the count was taken
  std::int64_t count = 0;   // handles, threads, or resident bytes
};

struct Warmup {
  // Samples with cycles < max(skip_cycles, skip_fraction * largest cycles) are dropped.
  std::int64_t skip_cycles = 0;
  double skip_fraction = 0.1;
};

struct LeakThresholds {
  // The slope's lower bound must exceed this (count per cycle) for a leak.
  double handles_per_cycle = 0;
  double threads_per_cycle = 0;
  double memory_bytes_per_cycle = 64;
  // The end count is back at the baseline when end <= baseline + return_tolerance
  // (handles, threads), or + memory_return_tolerance_bytes (resident memory: it moves by
  // pages and allocator arenas, and a young process's heap grows for a while whatever it
  // does, so a memory leak must outgrow this before it is called one).
  std::int64_t return_tolerance = 0;
  std::int64_t memory_return_tolerance_bytes = 8 << 20;
};

// The threshold (count per cycle) of a resource.
double ThresholdOf(const LeakThresholds& t, Resource r);
// How far above the baseline the end count may be and still count as returned.
std::int64_t ReturnToleranceOf(const LeakThresholds& t, Resource r);
// The warm-up cut for a series whose last sample is at last_cycles: samples before it are
// dropped. Throws std::invalid_argument for a negative skip_cycles or a fraction outside [0, 1).
std::int64_t WarmupCut(const Warmup& w, std::int64_t last_cycles);

// Rule 2 of the verdict: the medians of the counts in four equal spans of cycles from
// `cut` to the last sample, and how many of the three steps between them rise. Spans
// without a sample are left out (then fewer steps are compared).
struct SpanMedians {
  std::vector<double> medians;  // per span that has samples, in order
  int rises = 0;                // steps to a strictly higher median
};
SpanMedians SteadyRises(std::span<const Sample> samples, std::int64_t cut);
inline constexpr int kSpans = 4;
// Every step must rise: a single step that falls inside a span, with bursts around it,
// gives that span a median between the two levels, so it rises twice.
inline constexpr int kRisesForALeak = kSpans - 1;

struct LeakInput {
  Resource resource = Resource::Handles;
  std::span<const Sample> samples;  // in the order taken
  std::int64_t baseline = 0;        // before the first dial
  std::int64_t end = 0;             // after the last hang-up and the settle period
  Warmup warmup;
  LeakThresholds thresholds;
  SlopeOptions slope;
  std::optional<std::int64_t> limit;        // e.g. the soft RLIMIT_NOFILE; none: no projection
  std::string limit_name;                   // where the limit comes from, for the reason
  std::optional<double> cycles_per_second;  // for the projection in time
  // The largest count seen in the run, when the samples given may have been thinned.
  std::optional<std::int64_t> peak;
  // An error that says the process ran out of this resource (EMFILE), and the cycles done
  // when it was seen: exhausted, whatever the counts say.
  struct OutOfResource {
    std::string error;
    std::int64_t cycles = 0;
  };
  std::optional<OutOfResource> out_of_resource;
};

struct Projection {
  std::int64_t limit = 0;
  // More cycles from the end count until the limit; 0 when already there.
  double cycles_to_limit = 0;              // at the slope
  double earliest_cycles_to_limit = 0;     // at the slope's upper bound
  std::optional<double> seconds_to_limit;  // given cycles_per_second
  std::optional<double> earliest_seconds_to_limit;
};

struct LeakVerdict {
  Verdict verdict = Verdict::InsufficientData;
  Resource resource = Resource::Handles;
  double slope_per_cycle = 0;
  double slope_per_1000_cycles = 0;
  double lower_per_cycle = 0;  // confidence interval of the slope (-inf/+inf: unbounded)
  double upper_per_cycle = 0;
  double confidence = 0;
  double intercept = 0;  // fitted line: intercept + slope_per_cycle * cycles
  double threshold_per_cycle = 0;
  std::int64_t baseline = 0;
  std::int64_t end = 0;
  std::int64_t growth = 0;               // end - baseline
  std::int64_t peak = 0;                 // the largest count seen (samples, peak, end)
  std::int64_t warmup_cycles = 0;        // the cut: samples before this many cycles were dropped
  std::size_t points_used = 0;           // samples fitted (after warm-up and thinning)
  SpanMedians spans;                     // rule 2: the medians of the four spans
  std::optional<Projection> projection;  // only for a leak (or exhaustion) with a limit
  std::string reason;                    // one line: why this verdict, with the numbers
};

LeakVerdict JudgeLeak(const LeakInput& input);

}  // namespace dialsoak::analysis
