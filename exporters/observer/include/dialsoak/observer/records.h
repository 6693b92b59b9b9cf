// The records a run produces, as the engine hands them to its observers (sinks): the run's
// start and end, one record per dial/hang-up cycle, and probe samples of watched processes.
// Plain values; copyable; no behaviour.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
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
};

// One dial/hang-up cycle of one line. Latencies count from the moment the cycle was due,
// so a late worker shows up as latency instead of hiding it.
struct CycleRecord {
  int line = 0;
  std::int64_t cycle = 0;                 // 0-based, per line
  Clock::time_point due;                  // when the cycle should have started
  CallResult result = CallResult::Error;
  std::chrono::nanoseconds dial_latency{};    // due -> dial result
  std::string detail;                         // the modem's text, or the error
  bool hung_up = false;                       // a hang-up was needed (the call was up)
  bool hangup_ok = true;
  std::chrono::nanoseconds hangup_latency{};  // hang-up start -> confirmed
  HangupMethod hangup_method = HangupMethod::None;
  std::string hangup_detail;
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

// What a line is doing now; the collector counts lines per state every tick.
enum class LineState : int { Idle, Dialing, Connected, HangingUp, Failed };
inline constexpr int kLineStateCount = 5;
std::string_view ToString(LineState s);  // "idle", "dialing", "connected", "hanging_up", "failed"
using LineStateCounts = std::array<int, kLineStateCount>;  // indexed by LineState

enum class StopReason { Completed, Duration, Interrupted, Failed };
std::string_view ToString(StopReason r);

struct RunEnd {
  StopReason reason = StopReason::Completed;
  std::chrono::nanoseconds elapsed{};
  std::int64_t cycles_done = 0;
  std::string message;                    // what went wrong, for Failed
};

}  // namespace dialsoak
