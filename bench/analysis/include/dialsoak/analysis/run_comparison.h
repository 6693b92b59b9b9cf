// Is NEW worse than BASE, and is that real or noise? The statistics of `dialsoak compare`:
// each measure of two runs, the difference with an interval, and a verdict.
//
// Run-to-run variation inside each run. A soak's cycles are not independent draws: a
// machine that is busy for a minute slows a minute's cycles together. So the standard
// errors come from the run's stretches, not from its sample size alone: a run's ticks
// (about a second each, from its journal) are grouped into consecutive batches of equal
// length (TickBatches: between kMaxBatches / 2 and kMaxBatches), and
//   - throughput: the batches' rates, batch means;
//   - an outcome's share: the ratio estimator's variance over the batches, never below the
//     binomial one (a rare outcome is absent from most batches);
//   - a latency percentile: the batches resampled with replacement (a block bootstrap,
//     kResamples times, seeded so the same runs always give the same answer), and the
//     difference's interval is the quantiles of NEW's draw minus BASE's (a tail
//     percentile's draws are skewed: a busy minute in one batch moves p99 far, or not at
//     all, so +- z standard errors would be too narrow on one side).
// A run with fewer than kMinBatches batches (ticks) compares its counts but not its
// latencies or throughput; a percentile with fewer than kMinTail samples beyond it in
// either run is not compared either.
//
// Leaks: each process's and resource's slope per 1,000 cycles, with the interval the leak
// verdict already has (its half-width turned back into a standard error); the verdict is
// the leak verdict's change: ok -> leak is worse, leak -> ok better.
// Capacity sweeps: blocking at each load both sweeps measured (from the steps' intervals,
// which already count the batches) and the load at the target blocking where the measured
// blocking crosses it (its interval where the steps' bounds cross it).
//
// Verdicts. Every compared row's interval is difference +- z x standard error (latency:
// the bootstrap quantiles), with z for 1 - (1 - confidence) / m two-sided, m the rows
// compared (Bonferroni), so all the rows' intervals hold together at the confidence. A row is worse (better) when its interval
// lies wholly on the worse (better) side of 0 and the difference is at least the noise
// floor (ComparisonOptions): the variation between two runs of the same build on the
// same machine that no single run shows.
//
// Pure (no I/O), thread-compatible. Errors: std::invalid_argument for options out of range.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/observer/records.h"
#include "dialsoak/report/comparison.h"

namespace dialsoak::analysis {

inline constexpr int kMaxBatches = 32;
inline constexpr int kMinBatches = 8;
inline constexpr int kResamples = 2000;
// A tail percentile rests on the samples beyond it: with a handful, a few stalls of the
// host (a millisecond each, a few a minute on a shared machine) decide it, and differ
// from run to run more than any resampling inside a run can tell. Null pairs of 20 s runs
// (about 8 beyond p99.9) called the hang-up p99.9 worse 2 times in 15 with 5 here.
inline constexpr std::int64_t kMinTail = 50;

// Constant-size batches of a run's ticks, in order: each tick is merged into the last
// batch; when kMaxBatches are full, neighbours are merged pairwise and each batch takes
// twice as many ticks from then on. So a run of any length keeps at most kMaxBatches
// tallies, each covering the same number of ticks (but the last, which may be shorter).
class TickBatches {
 public:
  void Add(const CycleTally& tick);
  const std::vector<CycleTally>& batches() const { return batches_; }
  std::int64_t ticks() const { return ticks_; }

 private:
  std::vector<CycleTally> batches_;
  std::int64_t ticks_per_batch_ = 1;
  std::int64_t in_last_ = 0;
  std::int64_t ticks_ = 0;
};

// One run as the comparison reads it: from its journal (bench/cli/compare_command.cc) or
// its report.json.
struct ComparedRun {
  std::string kind;  // "run" or "capacity"
  std::string path;
  std::string run_id;
  nlohmann::json config;  // the settings, as the report's "config" has them
  bool open_loop = false;
  double elapsed_seconds = 0;
  CycleTally total;                 // the whole run
  std::vector<CycleTally> batches;  // TickBatches' (empty: no journal, counts only)
  std::vector<LeakCheck> leaks;
  // Capacity sweeps.
  std::vector<CapacityStep> steps;
  CapacityAnswers answers;
  double capacity_confidence = 0.95;
};

// The latency percentiles compared, and the default floors of their differences.
inline constexpr std::array<double, 4> kLatencyLevels = {50, 90, 99, 99.9};
// A host's timing noise between two runs, in seconds, for p50, p90, p99 and p99.9. A
// whole run can fall in a worse state of a shared host (ms stalls of its wake-ups,
// throughout): null pairs of 20 s simulator runs on this project's 2-core VM differed by up
// to 0.15 ms at p50, 2 ms at p90, 8 ms at p99 and 14 ms at p99.9, in either direction,
// with intervals from inside each run that did not cover it. Latencies of real modems
// (seconds) are governed by the relative floor instead.
inline constexpr std::array<double, 4> kLatencyFloorSeconds = {1e-4, 2.5e-3, 1e-2, 2e-2};

struct ComparisonOptions {
  double confidence = 0.99;  // in (0.5, 1)
  // Differences smaller than these are no change whatever the interval says: relative, of
  // throughput, latency and capacity loads; absolute, of a share; absolute, of each
  // latency percentile (kLatencyLevels), the larger of it and the relative one applying.
  double noise_floor_relative = 0.02;
  double noise_floor_share = 0.001;
  std::array<double, 4> latency_floor_seconds = kLatencyFloorSeconds;
};

// The settings that differ between the runs and change what is measured (backend, lines,
// answer delay, hold, rate, ...): "lines: 8 in BASE, 16 in NEW".
std::vector<std::string> SettingsThatDiffer(const nlohmann::json& base, const nlohmann::json& next);

// Compares; both runs of the same kind (the caller refuses others). Fills the record's
// rows, new failures, confidence and simultaneous; not paths, warnings or gates.
report::Comparison CompareRuns(const ComparedRun& base, const ComparedRun& next,
                               const ComparisonOptions& options = {});

}  // namespace dialsoak::analysis
