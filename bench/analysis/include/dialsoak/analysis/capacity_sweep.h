// Capacity sweep (`dialsoak capacity`): the plan of a sweep of offered loads against a far
// end of C ports, and the observer that measures each step from the run's records and sets
// it against Erlang B (erlang_b.h).
//
// The plan. Each step offers one load E in Erlangs as calls at E / mean hold per second,
// first for a warm-up (by default 5 mean holds, at least 100 ms: long enough for the far
// end to settle from the previous step's state) and then for a measurement window long
// enough that the blocking ratio's confidence interval (capacity_interval.h) has the asked
// half-width: the calls CallsForBatchInterval(B(E, C), w, ..., kMaxBatches,
// BlockingDesignEffect(E, C)) with w = precision x B(E, C), floored at min_half_width, at
// least min_calls, the window at least kMaxBatches x kMinBatchHolds mean holds (batches
// long compared with a busy period) and capped at max_window. A fixed number of calls or a
// fixed window per step may be asked instead (its batches: BatchesForWindow). Steps run one
// after the other in one open-loop run (the engine's stages), in ascending load.
//
// The measurement. A call belongs to the step whose window holds its arrival time
// (CycleRecord::due - RunInfo::start, the same for a call dropped at origin); calls arriving
// during a warm-up are not counted. Per step: calls dialed, blocked (BUSY), connected,
// failed (any other result) and dropped at origin; the blocking ratio blocked / dialed
// with its batch-means interval (capacity_interval.h: the window's calls in the plan's
// batches by arrival time) and, for comparison, Wilson's; the time a far-end port is held
// per connected call as the dialer sees it (from the start of the dial to the hang-up's
// confirmation: setup + hold + clearing), or, when the far end reports its own calls (the
// simulator does, through AddFarEndCall), the time each call really held a port. The far
// end's own account is exact where the dialer's is an upper bound, longer by the hang-up's
// confirmation and by any time the dialer's machine was slow to read it (a busy machine
// would otherwise make Erlang B look too high).
//
// The offered load Erlang B is taken at is the step's arrival rate (the plan's, times the
// share of the window's calls not dropped at origin) times the mean port time, estimated
// as the hold distribution's mean plus the mean of (port time - drawn hold) of the calls
// (CycleRecord::hold; when the records carry no drawn hold, the calls' own mean port
// time). Not the window's own count and drawn holds: those scatter (a Poisson count, a
// sample of holds), and a window that happens to get more calls or longer holds also
// blocks more, so Erlang B at the realized load would follow the measured blocking and
// sit inside its interval more often than the confidence says. The realized load is
// reported too. Also: the carried load; dial p50/p99 and the start lag p99, from
// constant-size histograms (within 0.05%) frozen when the step is complete.
//
// Erlang B depends on the holding time only through its mean, so a sweep with short holds
// on the simulator gives the blocking that real holds would give at the same load, in far
// less time.
//
// Thread safety: a RunObserver, fed by the engine's one collector thread; Steps() from that
// thread or once the run is over. Errors: PlanSweep throws std::invalid_argument for bad
// options, with a message naming the option and what is allowed.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "dialsoak/analysis/capacity_interval.h"
#include "dialsoak/histogram/latency_histogram.h"
#include "dialsoak/observer/run_observer.h"

namespace dialsoak::analysis {

// The blocking ratios whose Erlang B loads make the default sweep (DefaultLoads): from a
// lightly loaded far end to one turning a fifth of its calls away.
inline constexpr double kDefaultSweepBlocking[] = {0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2};

struct SweepOptions {
  int ports = 24;                            // C
  std::vector<double> loads;                 // Erlangs (> 0); empty: DefaultLoads(ports)
  std::chrono::nanoseconds mean_hold{0};     // of the calls' hold time (> 0)
  double confidence = 0.95;                  // of the blocking intervals, in (0, 1)
  double precision = 0.25;                   // half-width / expected blocking (> 0)
  double min_half_width = 0.0025;            // floor of the half-width (a quarter point)
  std::optional<std::int64_t> step_calls;    // instead: this many calls per window
  std::optional<std::chrono::nanoseconds> step_window;  // instead: windows this long
  std::int64_t min_calls = 200;              // per window, with precision
  std::chrono::nanoseconds max_window = std::chrono::minutes(10);  // with precision or calls
  std::optional<std::chrono::nanoseconds> warmup;  // per step; default 5 mean holds
};

struct StepPlan {
  double erlangs = 0;            // offered: rate x mean hold
  double rate = 0;               // calls per second
  double expected_blocking = 0;  // ErlangB(erlangs, ports)
  std::chrono::nanoseconds start{0};   // offset of the step in the run
  std::chrono::nanoseconds warmup{0};
  std::chrono::nanoseconds window{0};  // measured after the warm-up
  std::int64_t planned_calls = 0;      // rate x window
  bool window_capped = false;          // max_window cut it: the interval will be wider
  int batches = kMaxBatches;           // of the window, for the blocking's interval
  double design_effect = 1;            // Erlang's, at erlangs: what the plan assumed

  std::chrono::nanoseconds window_start() const { return start + warmup; }
  std::chrono::nanoseconds end() const { return start + warmup + window; }
};

// Erlang B's loads for C ports at each of kDefaultSweepBlocking.
std::vector<double> DefaultLoads(int ports);

// The steps, ascending in load, back to back from offset 0.
std::vector<StepPlan> PlanSweep(const SweepOptions& options);

class CapacitySweep final : public RunObserver {
 public:
  CapacitySweep(std::vector<StepPlan> plan, int ports, double confidence,
                std::chrono::nanoseconds mean_hold);

  // Also hands every step update (live, then complete) to this observer.
  void Forward(RunObserver& sink) { sinks_.push_back(&sink); }

  void OnRunStart(const RunInfo& info) override;
  void OnCycle(const CycleRecord& c) override;
  void OnDropped(const DroppedCall& d) override;
  // Forwards the running step, and each step once the calls of its window are done
  // (a warm-up's length after its window, or at the run's end).
  void OnTick(Clock::time_point now, std::int64_t cycles_done) override;
  void OnRunEnd(const RunEnd& end) override;

  // A call as the far end saw it: when it arrived there and how long it held a port (0:
  // none, it was blocked). Counted in the step whose window holds its arrival. Call from
  // the collector thread, like the observer's methods.
  void AddFarEndCall(Clock::time_point arrived, std::chrono::nanoseconds port_time);

  // Every planned step as measured: complete once the run went past its window (a stopped
  // run leaves the rest incomplete, measured_seconds saying how much of it ran).
  std::vector<CapacityStep> Steps() const;
  const std::vector<StepPlan>& plan() const { return plan_; }

 private:
  struct Tally {
    std::int64_t dialed = 0, blocked = 0, connected = 0, failed = 0, dropped = 0;
    double occupancy_seconds = 0;  // of the connected calls, as the dialer saw them
    std::int64_t drawn_holds = 0;  // connected calls whose record carries the drawn hold
    double drawn_hold_seconds = 0;
    std::int64_t far_end_held = 0;  // calls the far end reported holding a port
    double far_end_port_seconds = 0;
    std::vector<BlockingBatch> batches;  // the window's calls by arrival time
    histogram::LatencyHistogram dial;    // connected calls' dial latency
    histogram::LatencyHistogram lag;     // every dialed call's start lag
    // The percentiles, kept when the step is complete (its histograms then released).
    bool frozen = false;
    std::optional<double> dial_p50, dial_p99, lag_p99;
    bool forwarded_complete = false;
  };
  std::optional<std::size_t> StepAt(std::chrono::nanoseconds offset) const;
  CapacityStep Build(std::size_t i, std::chrono::nanoseconds now) const;
  void Freeze(Tally& t);
  void Send(const CapacityStep& step);

  std::vector<StepPlan> plan_;
  int ports_;
  double confidence_;
  double mean_hold_seconds_;
  std::vector<Tally> tallies_;
  std::vector<RunObserver*> sinks_;
  Clock::time_point start_{};
  std::chrono::nanoseconds now_{0};  // run time seen so far (ticks, then the run's end)
  bool ended_ = false;
};

}  // namespace dialsoak::analysis
