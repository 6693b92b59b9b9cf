// The live status line of a run on a terminal, rewritten in place about once a second:
//
//   elapsed 00:01:23/01:00:00  cycles 1234/100000  81.2/s  success 99.10%
//   dial p99 52.125 ms  handles 12 (baseline 11, +1)  leak? self handles   (all on one line)
//
// FormatStatus renders a StatusSnapshot (pure, testable); StatusLine is the observer that
// keeps the snapshot and writes it to a FILE* with '\r' and clear-to-end-of-line (ESC [K),
// and a final newline at the end of the run. Whether there is a status line at all
// (stdout a terminal, no --quiet) is the caller's decision.
//
// Figures: elapsed counts from the earliest time point the line saw (the baseline probe
// or the first tick, within a tick of the start); cycles/s over the last refresh
// interval; success = CONNECT / cycles recorded; dial p99 (nearest rank) over the last
// `p99_window` connected dials (the call setup time, as the report's dial p99), so it is
// live, not exact; handles of the process "self": the latest
// good sample against its first Baseline sample; "leak?" lists the processes and
// resources the live leak estimate suspects now (LeakEstimate::suspected).
//
// Thread safety: none; fed from the engine's one collector thread. Never throws (except
// std::bad_alloc); write errors on the FILE* are ignored (a status line is best effort).
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "dialsoak/observer/run_observer.h"

namespace dialsoak::report {

struct StatusSnapshot {
  std::chrono::nanoseconds elapsed{};
  std::optional<std::chrono::nanoseconds> target_duration;
  std::optional<std::int64_t> target_cycles;  // all lines together
  std::int64_t cycles_done = 0;
  double cycles_per_second = 0;
  std::int64_t cycles_recorded = 0;  // cycle records seen (success % denominator)
  std::int64_t connects = 0;
  std::optional<std::chrono::nanoseconds> dial_p99;
  std::optional<std::int64_t> handles_now;
  std::optional<std::int64_t> handles_baseline;
  std::vector<std::string> leak_suspected;  // "self handles", in order of first estimate
};

// One line, no '\r' or newline. Missing figures show as "-".
std::string FormatStatus(const StatusSnapshot& s);

struct StatusLineOptions {
  std::chrono::nanoseconds refresh = std::chrono::seconds(1);
  std::size_t p99_window = 10'000;
  std::size_t max_width = 0;  // cut the line to the terminal's width; 0: no limit
};

class StatusLine : public RunObserver {
 public:
  // out must outlive the StatusLine; it is not closed.
  explicit StatusLine(std::FILE* out, StatusLineOptions options = {});

  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  void OnProbe(const ProbeSample& s) override;
  void OnRunEnd(const RunEnd& end) override;
  void OnTick(Clock::time_point now, std::int64_t cycles_done) override;
  void OnLeakEstimate(const LeakEstimate& e) override;

  // The figures as they would be shown at `now` (no side effects).
  StatusSnapshot Snapshot(Clock::time_point now, std::int64_t cycles_done) const;
  int refreshes() const { return refreshes_; }

 private:
  void Seen(Clock::time_point t);
  void Write(const StatusSnapshot& s);

  std::FILE* out_;
  StatusLineOptions options_;
  StatusSnapshot base_;               // targets, counts, handles
  std::vector<std::int64_t> window_;  // ring of the last p99_window dial latencies
  std::size_t window_next_ = 0;
  std::optional<Clock::time_point> start_;
  std::optional<Clock::time_point> last_refresh_;
  std::int64_t cycles_at_last_refresh_ = 0;
  double last_rate_ = 0;
  int refreshes_ = 0;
  std::vector<std::pair<std::string, bool>> leaks_;  // "process resource" -> suspected now
};

}  // namespace dialsoak::report
