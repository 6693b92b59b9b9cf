// The records a run produces, as the engine hands them to its observers (sinks): the run's
// start and end, one record per dial/hang-up cycle, and probe samples of watched processes.
// Plain values; copyable; no behaviour.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialsoak/line/line.h"

namespace dialsoak {

struct RunInfo {
  std::string run_id;        // unique per run, e.g. "20261128T064512-4f2a"
  std::string version;       // dialsoak's version
  std::string backend;       // "sim", "serial"
  int lines = 0;
  std::optional<std::int64_t> cycles_per_line;      // stop after this many, if set
  std::optional<std::chrono::nanoseconds> duration;  // or after this long, if set
  std::chrono::system_clock::time_point started;
  // On the run's monotonic clock: open loop, the origin the arrival schedule's offsets
  // count from (a call due at offset t arrives at start + t); closed loop, just before the
  // baseline sample, the first cycles are due right after it.
  Clock::time_point start{};
};

// One dial/hang-up cycle of one line. Latencies count from the moment the cycle was due,
// so a late worker shows up as latency instead of hiding it.
struct CycleRecord {
  int line = 0;
  std::int64_t cycle = 0;                 // 0-based, per line
  Clock::time_point due;                  // when the cycle should have started
  CallResult result = CallResult::Error;
  std::chrono::nanoseconds dial_latency{};    // due -> dial result
  // due -> the dial actually began: how late the engine was (a busy machine, a late
  // worker). Part of dial_latency, never hidden from it.
  std::chrono::nanoseconds start_lag{};
  std::chrono::nanoseconds held{};            // connected: dial result -> hang-up start
  // The hold the schedule drew for the call (its hold distribution's draw): held is how
  // long it lasted, a little longer (the hold ends at a wake-up) or shorter (dropped).
  std::chrono::nanoseconds hold{};
  // The call ended by itself while held (the far end dropped it: NO CARRIER; the device
  // was lost), before the hold was over; drop_detail says how. Then no hang-up was needed.
  bool dropped = false;
  std::string drop_detail;
  bool reopened = false;  // the line's device had been lost and was opened again to dial
  std::int64_t noise_bytes = 0;  // line noise heard around the dial's result
  // Connected: the rate (bit/s) and protocol the modem said (DialOutcome's).
  std::optional<std::uint32_t> connect_rate;
  std::string modulation;
  std::string error_control;
  std::string compression;
  std::string detail;                         // the modem's text, or the error
  bool hung_up = false;                       // a hang-up was needed (the call was up)
  bool hangup_ok = true;
  std::chrono::nanoseconds hangup_latency{};  // hang-up start -> confirmed
  HangupMethod hangup_method = HangupMethod::None;
  std::string hangup_detail;
};

// An open-loop call that found no idle line at its arrival time: dropped at origin (like
// k6's dropped_iterations), never dialed; not a BUSY, which is the far end's answer.
struct DroppedCall {
  std::int64_t arrival = 0;  // 0-based index in the run's arrival schedule
  Clock::time_point due;     // when it arrived
};

// The load an open-loop schedule offers now, from the engine every collector tick.
struct OfferedLoad {
  double rate = 0;     // calls per second the schedule offers at this moment
  double erlangs = 0;  // rate x the mean hold time: the offered traffic in Erlangs
};

// One step of a capacity sweep (`dialsoak capacity`, measured by bench/analysis/
// capacity_sweep.h): a load offered for a warm-up and then a measurement window, the calls
// that arrived in the window and what became of them, against Erlang B for the far end's
// ports. Handed to the sinks while the step runs (complete false: the window so far) and
// once more when it is over (complete true).
struct CapacityStep {
  int index = 0;        // 0-based, in sweep order (ascending load)
  int steps = 0;        // in the sweep
  bool complete = false;
  int ports = 0;        // C, the far end's answering ports
  // The plan: rate x mean hold = planned_erlangs; the window after the warm-up.
  double planned_erlangs = 0;
  double rate = 0;      // calls/s offered
  double mean_hold_seconds = 0;
  double warmup_seconds = 0;
  double window_seconds = 0;    // planned length of the measurement window
  double measured_seconds = 0;  // of the window so far (= window_seconds once complete)
  // Calls that arrived in the window: dialed ones by result, and those dropped at origin.
  std::int64_t dialed = 0;
  std::int64_t blocked = 0;     // BUSY: the far end had no free port
  std::int64_t connected = 0;
  std::int64_t failed = 0;      // dialed, neither CONNECT nor BUSY
  std::int64_t dropped_at_origin = 0;
  // A far-end port's time per call that held one: as the far end reported it (the
  // simulator: from the dial's arrival to the port's release), or else as the dialer sees
  // a connected call, dial start to the hang-up's confirmation (an upper bound).
  double mean_occupancy_seconds = 0;
  bool occupancy_from_far_end = false;
  // Offered: the step's arrival rate (the schedule's, less the share dropped at origin)
  // x the mean port time (the hold distribution's mean plus the set-up and clearing
  // measured per call), the traffic the far end was offered; realized: dialed per second
  // x the calls' own mean port time, which scatters with the window's Poisson count and
  // drawn holds, and with its blocking; carried: the port time of the connected calls per
  // second of window.
  double offered_erlangs = 0;
  double realized_erlangs = 0;
  double carried_erlangs = 0;
  // blocked / dialed, with its interval at `confidence` from batch means over `batches`
  // consecutive parts of the window (blocked calls come in bursts; see
  // bench/analysis/.../capacity_interval.h): design_effect is the variance over the
  // binomial one it used (at least 1); wilson_* is the binomial (independent calls)
  // interval, for comparison.
  double blocking = 0, blocking_lower = 0, blocking_upper = 1;
  double confidence = 0.95;
  int batches = 0;
  double design_effect = 1;
  double wilson_lower = 0, wilson_upper = 1;
  double erlang_b = 0;          // B(offered_erlangs, ports)
  bool agrees = false;          // erlang_b within [blocking_lower, blocking_upper]
  // Call setup time: the dial latency of the window's connected calls (nearest rank; a
  // BUSY comes back at once and would hide it); unset without a connected call.
  std::optional<double> dial_p50_seconds, dial_p99_seconds;
  // How late the dials began (p99 of the window's start lags), and whether the schedule
  // was kept: that p99 within the mean hold, and at most 1% of the window's calls dropped
  // at origin (no idle line: the dialing side stalled). A machine too loaded to keep it
  // clumps the calls it meant to spread, and clumped calls block more than Erlang B's
  // Poisson ones.
  std::optional<double> start_lag_p99_seconds;
  bool schedule_kept = true;
};

// What a capacity sweep answers (bench/analysis/capacity_answers.h), for C ports and a
// target blocking ratio (the grade of service, e.g. 1%).
struct CapacityAnswers {
  int ports = 0;
  double target_blocking = 0.01;
  double load_at_target = 0;  // Erlang B: the load C ports carry at the target
  // Measured: where the steps' blocking crosses the target, linearly between the two
  // steps around it; unset when no pair of complete steps straddles it.
  std::optional<double> measured_load_at_target;
  std::optional<int> crossing_after_step;  // the step below the crossing (0-based)
  // The ports Erlang B needs for the target at plan_load: --plan-load, else the highest
  // load the sweep measured.
  double plan_load = 0;
  bool plan_load_given = false;
  int ports_for_plan_load = 0;
  int steps_complete = 0;
  int steps_agreeing = 0;  // complete steps whose interval holds Erlang B
  // Each interval misses the truth with probability 1 - confidence, so some steps of a
  // long sweep disagree by chance alone: the chance that at least as many as here would
  // (binomial), and whether that is too unlikely to be chance (below kChanceLimit).
  double chance_of_disagreements = 1;
  bool disagrees_beyond_chance = false;
  // The highest call setup rate sustained: the dialed calls per second of the last step
  // before the first whose setup p99 exceeded the limit (with a limit only).
  std::optional<double> p99_limit_seconds;
  std::optional<double> max_sustained_rate;
  std::optional<int> max_sustained_step;
  std::optional<int> first_breach_step;
};

enum class SampleKind { Baseline, Periodic, BeforeCycle, AfterCycle, End };
std::string_view ToString(SampleKind k);

// Resource counts of one process at one moment, with the run's progress then.
struct ProbeSample {
  std::string process;                    // "self", or the watched name / pid
  int pid = 0;
  SampleKind kind = SampleKind::Periodic;
  Clock::time_point at;
  std::int64_t cycles_done = 0;           // cycles completed by all lines so far
  bool alive = true;                      // false: the process was not there
  std::int64_t handles = 0;               // open descriptors (handles on Windows)
  std::int64_t threads = 0;
  std::int64_t resident_bytes = 0;
  std::string error;                      // why the sample failed, if it did
};

// A watched process that came back under a new pid (a --watch-name daemon restarted):
// the old incarnation's last good sample and the new one's first. The process was gone for
// at most seen_again - last_seen (the samples' spacing bounds how well that is known).
struct ProcessRestart {
  std::string process;
  int old_pid = 0;
  int new_pid = 0;
  int incarnation = 0;  // the new one's: 1 for the first restart
  Clock::time_point last_seen;
  Clock::time_point seen_again;
  std::int64_t last_seen_cycles = 0;
  std::int64_t seen_again_cycles = 0;
};

// A watched process's fd table at the baseline or the end sample (taken by the leak watch,
// bench/analysis/leak_watch.h, for its attribution of what grew), so a journal can keep
// it and a rebuilt report say what leaked as the live one did.
struct FdTable {
  std::string process;
  int pid = 0;
  SampleKind kind = SampleKind::Baseline;  // Baseline or End
  std::vector<std::string> targets;       // readlink of each /proc/<pid>/fd entry
  std::string error;                      // why it could not be read; targets then empty
  std::optional<std::int64_t> nofile_limit;  // the soft RLIMIT_NOFILE, when read
  // The most threads the process can have (the smaller of the soft RLIMIT_NPROC and
  // kernel.threads-max), when read. (Initialised here: a brace-initialised table may leave
  // it out.)
  std::optional<std::int64_t> threads_limit = std::nullopt;
};

// What a line is doing now; the collector counts lines per state every tick.
enum class LineState : int { Idle, Dialing, Connected, HangingUp, Failed };
inline constexpr int kLineStateCount = 5;
std::string_view ToString(LineState s);  // "idle", "dialing", "connected", "hanging_up", "failed"
using LineStateCounts = std::array<int, kLineStateCount>;  // indexed by LineState

// The live leak estimate of one watched process and one resource ("handles", "threads",
// "resident_memory"), from a sliding window of its samples (bench/analysis/leak_watch.h):
// what the dialsoak_leak_*_per_cycle slopes (handles, threads, resident memory bytes) and
// dialsoak_leak_suspected show while a run goes.
struct LeakEstimate {
  std::string process;
  std::string resource;
  double per_cycle = 0;    // fitted slope over the window, in the resource's unit per cycle
  bool suspected = false;  // the window's lower bound is above the threshold and the count
                           // is above its baseline
  std::int64_t cycles_done = 0;  // when the estimate was made
};

// One kind of descriptor whose count changed between the baseline and the end.
struct FdKindGrowth {
  std::string kind;  // "anon_inode:[eventfd]", "socket", "pipe", "/dev/pts/*", a path
  std::int64_t baseline = 0;
  std::int64_t end = 0;
  std::int64_t growth = 0;            // end - baseline
  std::vector<std::string> examples;  // a few targets new at the end
};

// A leak check's verdict that fails the run (exit 5): a leak, or a count that reached its
// limit (exhausted). Also for a verdict kept as text (a compared run's row).
inline bool IsLeakingVerdict(std::string_view verdict) {
  return verdict == "leak" || verdict == "exhausted";
}

// The end-of-run leak verdict for one watched process and one resource (computed in
// bench/analysis, see leak_verdict.h there for the method).
struct LeakCheck {
  std::string process;
  int pid = 0;
  int incarnation = 0;  // of a restarted process (ProcessRestart): 0 for the first life
  std::string resource;  // "handles", "threads", "resident_memory"
  // "ok", "leak", "exhausted", "inconclusive", "insufficient_data", "not_seen"
  std::string verdict;
  double slope_per_cycle = 0;
  double slope_per_1000_cycles = 0;
  double lower_per_cycle = 0;  // confidence interval of the slope
  double upper_per_cycle = 0;
  double confidence = 0;
  double intercept = 0;  // fitted line: intercept + slope_per_cycle * cycles
  double threshold_per_cycle = 0;
  std::int64_t baseline = 0;
  std::int64_t end = 0;
  std::int64_t growth = 0;
  std::int64_t warmup_cycles = 0;
  std::size_t points_used = 0;
  // For a leak with a known limit (handles: the soft RLIMIT_NOFILE): more cycles and
  // seconds until the process reaches it, at the slope and at the slope's upper bound.
  std::optional<std::int64_t> limit;
  std::optional<double> cycles_to_limit;
  std::optional<double> earliest_cycles_to_limit;
  std::optional<double> seconds_to_limit;
  std::optional<double> earliest_seconds_to_limit;
  std::string reason;  // one line, with the numbers
  // Handles only: what grew in the fd table, baseline -> end, largest growth first.
  std::string fd_summary;  // "37 more descriptors, all anon_inode:[eventfd]"; empty: no snapshots
  std::vector<FdKindGrowth> fd_growth;
  // When the live window first suspected a leak (cycles done then), if it ever did.
  std::optional<std::int64_t> first_suspected_cycle;
  std::string chart;  // the chart written for it, if any

  // A leak, or a count that reached its limit (exhausted): both fail the run (exit 5).
  bool leaking() const { return IsLeakingVerdict(verdict); }
  // Not given back, but too few samples to tell whether it grows (exit 8).
  bool inconclusive() const { return verdict == "inconclusive"; }
  // The watched process was never found: nothing was watched (exit 9).
  bool not_seen() const { return verdict == "not_seen"; }
};

// One --threshold of a run, checked at its end.
struct ThresholdCheck {
  std::string expression;  // as given: "dial_p99<=30s"
  std::string metric;      // "dial_p99"
  bool has_value = false;  // false: nothing to measure (no dials), which fails the check
  double observed = 0;     // in the metric's base unit (seconds, ratio, count per 1000 cycles)
  bool passed = false;
  std::string message;  // "dial_p99 = 0.412 s, limit <= 30 s: ok"
};

// Unfinished: a run rebuilt from a journal that has no end record (killed, or crashed).
enum class StopReason { Completed, Duration, Interrupted, Failed, Unfinished };
std::string_view ToString(StopReason r);

struct RunEnd {
  StopReason reason = StopReason::Completed;
  std::chrono::nanoseconds elapsed{};
  std::int64_t cycles_done = 0;
  std::string message;                    // what went wrong, for Failed
  std::int64_t dropped = 0;               // open loop: calls dropped at origin
  // Interrupted: the signal that asked for the stop (SIGINT 2, SIGTERM 15), so that a
  // report rebuilt from the journal exits as the run did; 0 when none is known.
  int signal = 0;
};

}  // namespace dialsoak
