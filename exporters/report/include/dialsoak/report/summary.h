// RunSummary: the observer that aggregates a whole run into a Summary — counts per outcome
// (and, for an open-loop run, of calls dropped at origin), dial and hang-up latency
// percentiles (by outcome: connected dials apart from the others, confirmed hang-ups apart
// from failed ones), hang-up failures and methods, the first distinct failure details, and
// per watched process its resource counts at the baseline, at the end and at their
// extremes. summary_table.h renders it for a terminal, json_report.h as JSON.
//
// Memory is constant, whatever the number of cycles: the cycles are counted into a
// CycleTally (cycle_tally.h), whose latency histograms keep percentiles within 0.1 % of
// the exact nearest-rank value (count, min, max and mean exact).
//
// Thread safety: none. Like every RunObserver it is fed from the engine's one collector
// thread; call summary() from that thread or after the run has ended. Never throws
// (except std::bad_alloc).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dialsoak/line/line.h"
#include "dialsoak/observer/cycle_tally.h"
#include "dialsoak/observer/incarnations.h"
#include "dialsoak/observer/records.h"
#include "dialsoak/observer/run_observer.h"
#include "dialsoak/report/percentiles.h"

namespace dialsoak::report {

// At most this many distinct failure details are kept, each at most kMaxDetailLength bytes.
inline constexpr std::size_t kMaxFailureDetails = 5;
using dialsoak::FailureDetail;
using dialsoak::kMaxDetailLength;

struct ResourceCounts {
  std::int64_t handles = 0;
  std::int64_t threads = 0;
  std::int64_t resident_bytes = 0;
};

// One watched process ("self" or another). Only good samples (alive, no error) count
// towards baseline, end, min and max.
struct ProcessSummary {
  std::string process;
  int pid = 0;  // of the latest sample that named one
  // The first good Baseline sample; if there was none, the first good sample of any kind
  // (baseline_was_sampled tells which).
  std::optional<ResourceCounts> baseline;
  bool baseline_was_sampled = false;
  // The last good End sample; if there was none, the last good sample of any kind.
  std::optional<ResourceCounts> end;
  bool end_was_sampled = false;
  std::optional<ResourceCounts> min;  // field by field over good samples
  std::optional<ResourceCounts> max;
  bool alive_at_end = false;        // the latest sample found the process
  bool vanished = false;            // seen alive, later not found (even if back again)
  // A restarted process (Summary::restarts) has one entry per life, in order: incarnation
  // 0, 1, ... (at most kMaxLivesKept: the latest life replaces the one before it after
  // that); restarted is set on every life but the last.
  int incarnation = 0;
  bool restarted = false;
  std::int64_t samples = 0;         // every sample, good or not
  std::int64_t failed_samples = 0;  // alive but the probe failed (error set)
  std::string last_error;
};

struct Summary {
  RunInfo run;
  bool ended = false;  // OnRunEnd was seen
  StopReason stop_reason = StopReason::Completed;
  std::string stop_message;
  int stop_signal = 0;  // interrupted: the signal that asked for the stop, if known
  // The run's length: from RunEnd; before it, the span between the first and the latest
  // time point seen (cycles, probes, ticks).
  std::chrono::nanoseconds elapsed{};
  std::int64_t cycles = 0;                                // cycle records seen
  double cycles_per_second = 0;                           // cycles / elapsed; 0 when elapsed is 0
  std::array<std::int64_t, kCallResultCount> outcomes{};  // indexed by CallResult
  std::int64_t hangups = 0;                               // cycles that needed a hang-up
  std::int64_t hangup_failures = 0;
  std::array<std::int64_t, kHangupMethodCount> hangup_methods{};  // indexed by HangupMethod
  // Latency by outcome, so that a deadline's or a silent modem's dials do not sit in the
  // connected calls' tail: `dial` is the call setup time of the dials that CONNECTed (what
  // dial_p99 means), dial_all every dial, dial_by_result each result's own.
  LatencyStats dial;
  LatencyStats dial_all;
  std::array<LatencyStats, kCallResultCount> dial_by_result{};  // indexed by CallResult
  LatencyStats hangup;         // hang-ups of connected calls the modem confirmed
  LatencyStats hangup_failed;  // hang-ups it did not (their time is the wait until giving up)
  // Confirmed hang-ups after a dial that did not connect (a silent modem's: the wait for
  // its NO CARRIER), apart so they do not sit in the connected calls' hang-up tail.
  LatencyStats hangup_after_failed_dial;
  LatencyStats hangup_all;     // all three
  LatencyStats start_lag;      // every dial: due -> the dial began (engine lateness)
  std::vector<FailureDetail> failures;  // first kMaxFailureDetails distinct, in order
  std::int64_t other_failures = 0;      // failures with a detail not kept
  // Open loop: calls that were never dialled because every line was busy at their arrival
  // time (OnDropped). Not cycles, not counted in outcomes; arrivals = cycles + this.
  std::int64_t dropped_at_origin = 0;
  // Connected calls that ended by themselves during the hold (NO CARRIER from the far
  // end, a device lost), and dials for which a lost device was opened again.
  std::int64_t dropped_during_hold = 0;
  std::int64_t reopens = 0;
  // Dials that heard line noise (bytes that were no response), and how many bytes.
  std::int64_t noisy_dials = 0;
  std::int64_t noise_bytes = 0;
  // Connected calls by the connect rate their modem said (bit/s, ascending; at most
  // kMaxConnectRates distinct, the rest in connect_rate_other), those whose modem said no
  // rate, and connected calls by modulation (indexed as kModulationLabels).
  std::map<std::uint32_t, std::int64_t> connect_rates;
  std::int64_t connect_rate_other = 0;
  std::int64_t connect_rate_unknown = 0;
  std::array<std::int64_t, kModulationLabelCount> modulations{};
  std::vector<ProcessSummary> processes;  // in order of first sample (each life apart)
  // Watched processes back under a new pid: the first kMaxRestartsListed, in order, and
  // how many there were in all.
  std::vector<ProcessRestart> restarts;
  std::int64_t restart_count = 0;
  // Computed after the run by bench/analysis and set by the program, not by RunSummary.
  std::vector<LeakCheck> leaks;            // per watched process and resource
  std::vector<ThresholdCheck> thresholds;  // per --threshold, in the order given
  // Set by the program: lines said before the exit code (where the journal is, what
  // happened to it, what a rebuilt report found damaged).
  std::vector<std::string> notes;

  std::int64_t Count(CallResult r) const { return outcomes[static_cast<std::size_t>(r)]; }
  // The calls a run was asked to make: the cycles (dialed), plus, in open loop, the
  // arrivals dropped at origin (never dialed: every line was busy).
  std::int64_t Calls() const { return cycles + dropped_at_origin; }
  // Failed calls as --max-failures counts them: dials that did not CONNECT, calls dropped
  // during the hold, hang-ups the modem did not confirm, and arrivals dropped at origin;
  // and that as a percent of Calls() (0 without any).
  std::int64_t FailedCalls() const {
    return cycles - Count(CallResult::Connect) + dropped_during_hold + hangup_failures +
           dropped_at_origin;
  }
  double FailedPercent() const {
    const std::int64_t calls = Calls();
    return calls ? 100.0 * static_cast<double>(FailedCalls()) / static_cast<double>(calls) : 0;
  }
  // Nearest-rank percentile of the connect rates told apart (q in [0, 1]: 0.5 is the
  // median); nullopt when no connected call said a rate.
  std::optional<std::uint32_t> ConnectRate(double q) const { return RatePercentile(connect_rates, q); }
  std::int64_t Count(HangupMethod m) const { return hangup_methods[static_cast<std::size_t>(m)]; }
  // The process of that name (its first life, if it restarted), or nullptr.
  const ProcessSummary* FindProcess(std::string_view name) const;
};

class RunSummary : public RunObserver {
 public:
  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  void OnCycles(const CycleTally& t) override;
  void OnDropped(const DroppedCall& d) override;
  void OnProbe(const ProbeSample& s) override;
  void OnRunEnd(const RunEnd& end) override;
  void OnTick(Clock::time_point now, std::int64_t cycles_done) override;

  // The run so far (or the whole run, after OnRunEnd). Cost: a walk over the histograms.
  Summary summary() const;
  // Every cycle counted so far, with its latency histograms (for the percentile spectrum).
  const CycleTally& tally() const { return tally_; }

 private:
  // A time point of the run; a probe sample's only opens the span (see summary()).
  void Seen(Clock::time_point t, bool probe = false);

  Summary s_;  // the run, its end and its processes; the cycles' part comes from tally_
  CycleTally tally_;
  std::unordered_map<std::string, std::size_t> process_index_;  // the current life's entry
  Incarnations incarnations_;
  std::optional<Clock::time_point> first_seen_;
  Clock::time_point last_seen_{};   // of ticks and drops
  Clock::time_point last_probe_{};  // of probe samples
};

}  // namespace dialsoak::report
