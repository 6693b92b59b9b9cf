// LeakWatch: the observer that turns a run's probe samples into leak verdicts, live and at
// the end (the KB Q197517 question, per watched process and resource).
//
// Live: every live_interval it fits the samples of the last `window` (Theil-Sen, see
// theil_sen.h) per process and resource, and hands a LeakEstimate (slope per cycle,
// suspected or not) to the sinks given to Forward(), which export it
// (dialsoak_leak_handles_per_cycle, dialsoak_leak_suspected). Suspected means, as for the
// end verdict but over the window: the lower confidence bound is above the resource's
// threshold, the count rose steadily (SteadyRises), and the latest count is above the
// baseline; or the resource is exhausted: a count in the window reached its limit (AtLimit,
// leak_verdict.h), or, for this process's handles, an error said it is out of descriptors.
// The cycle of the first suspicion is kept for the final record.
//
// At the end: Checks() judges every process and resource with JudgeLeak (leak_verdict.h)
// on the whole run's samples, the baseline sample (before the first dial) and the end
// sample (after the last hang-up and the engine's settle period), adds the soft
// RLIMIT_NOFILE projection for handles, and, for handles, what grew in the fd table
// between the baseline and the end (fd_attribution.h): snapshots are taken when the
// Baseline and End samples arrive. The limits (RLIMIT_NOFILE for handles, ThreadsLimit
// for threads, proc_limits.h) are read with them, and each series' largest count is kept
// for the exhaustion check. "Too many open files" (EMFILE) in any error this process saw
// (a probe's sample or fd table, a cycle's detail, the run's end message) means this
// process ("self") ran out of descriptors: its handles are judged exhausted.
//
// Restarts: a watched process back under a new pid (Incarnations, incarnations.h) is a new
// incarnation with its own baseline, series, limits and check; the old one is judged on
// what it had, up to its last sample. A process never found alive gets the verdict
// not_seen ("no process named X was seen"), a failed check of its own, not a shortage of
// samples.
//
// Memory is bounded: each series keeps at most max_points samples, halving itself (every
// other sample kept, then every 2nd, 4th, ... incoming one) when full; the live window
// keeps at most about window_points samples.
//
// Thread safety: none; like every RunObserver it is fed from the engine's collector thread,
// and forwards on that thread. Call Checks() and Series() after the run. Never throws
// (except std::bad_alloc); a process whose /proc entries cannot be read gets a check with
// verdict insufficient_data and the reason.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "dialsoak/analysis/fd_attribution.h"
#include "dialsoak/analysis/leak_verdict.h"
#include "dialsoak/observer/incarnations.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::analysis {

struct LeakWatchOptions {
  Warmup warmup;
  LeakThresholds thresholds;
  SlopeOptions slope;
  std::chrono::nanoseconds window = std::chrono::minutes(5);  // the live estimate's span
  std::chrono::nanoseconds live_interval = std::chrono::seconds(1);
  std::size_t window_points = 300;  // at most this many samples in the live window
  std::size_t max_points = 8192;    // per series, for the end verdict and the chart
  // Attribution: read /proc/<pid>/fd (and the soft RLIMIT_NOFILE) at the baseline and end
  // samples, and forward each table to the sinks (OnFdTable). Off when replaying a
  // journal: the tables then come in through OnFdTable.
  bool snapshot_fds = true;
  // Fit the live window every live_interval. Off when replaying a journal: the first
  // suspicion of each process and resource then comes in through OnLeakEstimate.
  bool live = true;
  // Whether this process's ("self") resident memory means anything. Not under
  // AddressSanitizer: its quarantine holds freed memory, so the heap grows with every
  // cycle whatever the code does. Unjudged, the check says so (insufficient_data).
  bool judge_self_memory = true;
};

// A bounded series: keeps every stride-th sample given, doubling the stride when full.
class ThinnedSeries {
 public:
  explicit ThinnedSeries(std::size_t max_points) : max_(max_points < 2 ? 2 : max_points) {}
  void Add(Sample s);
  const std::vector<Sample>& samples() const { return kept_; }
  std::int64_t seen() const { return seen_; }

 private:
  std::size_t max_;
  std::int64_t stride_ = 1;
  std::int64_t seen_ = 0;
  std::vector<Sample> kept_;
};

class LeakWatch final : public RunObserver {
 public:
  explicit LeakWatch(LeakWatchOptions options = {});

  // Live estimates also go to this sink (e.g. the Prometheus one).
  void Forward(RunObserver& sink) { sinks_.push_back(&sink); }

  void OnProbe(const ProbeSample& s) override;
  // Only for what its details say: EMFILE seen by this process.
  void OnCycle(const CycleRecord& r) override;
  void OnTick(Clock::time_point now, std::int64_t cycles_done) override;
  void OnRunEnd(const RunEnd& end) override;
  // Replaying a journal (snapshot_fds off): a table read during the run.
  void OnFdTable(const FdTable& table) override;
  // Replaying a journal (live off): an estimate made during the run; a suspected one
  // marks its process and resource's first suspicion.
  void OnLeakEstimate(const LeakEstimate& estimate) override;

  // One check per watched process and resource (handles, threads, resident_memory), in
  // order of the processes' first samples.
  std::vector<LeakCheck> Checks() const;
  // The samples kept for a process's incarnation and resource (for a chart); empty if
  // unknown.
  std::vector<Sample> Series(const std::string& process, Resource resource,
                             int incarnation = 0) const;

 private:
  static constexpr int kResources = 3;
  struct WindowPoint {
    Clock::time_point at;
    Sample sample;
  };
  struct Tracked {
    std::string name;
    int pid = 0;
    int incarnation = 0;
    bool ever_alive = false;
    std::optional<ProbeSample> baseline;  // first good Baseline sample, else first good one
    std::optional<ProbeSample> end;       // last good End sample, else last good one
    bool end_was_sampled = false;
    std::string last_error;
    std::int64_t samples = 0;
    std::optional<FdSnapshot> fds_baseline, fds_end;
    std::string fd_error;
    std::optional<std::int64_t> nofile_limit;
    std::optional<std::int64_t> threads_limit;
    std::vector<std::int64_t> peak;                  // [resource]: the largest count seen
    std::vector<ThinnedSeries> series;               // [resource]
    std::vector<std::deque<WindowPoint>> window;     // [resource]
    std::optional<Clock::time_point> last_windowed;  // when a sample last entered the window
    std::vector<std::optional<std::int64_t>> first_suspected;  // [resource]: cycles
  };

  Tracked& Track(const ProbeSample& s);
  void Snapshot(Tracked& t, const ProbeSample& s, bool at_end);
  void Keep(Tracked& t, const FdTable& table);
  // An error this process saw: EMFILE in it means this process is out of descriptors.
  void NoteError(const std::string& error, std::int64_t cycles_done);
  std::optional<std::int64_t> LimitOf(const Tracked& t, Resource r) const;
  bool Exhausted(const Tracked& t, Resource r, std::int64_t count) const;
  void Estimate(Tracked& t, std::int64_t cycles_done);
  LeakCheck Check(const Tracked& t, Resource r) const;
  bool Judged(const Tracked& t, Resource r) const;

  LeakWatchOptions options_;
  std::vector<RunObserver*> sinks_;
  std::vector<Tracked> tracked_;  // in order of first sample
  std::map<std::string, std::size_t> index_;  // the current incarnation's
  Incarnations incarnations_;
  std::map<std::string, std::vector<FdTable>> pending_fds_;  // replay: tables before samples
  std::optional<Clock::time_point> last_live_;
  std::optional<double> cycles_per_second_;
  std::optional<LeakInput::OutOfResource> out_of_fds_;  // the first EMFILE this process saw
  std::int64_t cycles_done_ = 0;                        // the latest count seen
};

}  // namespace dialsoak::analysis
