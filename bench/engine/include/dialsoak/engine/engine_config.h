// What the soak engine runs: how many lines, for how long, with what timing, and the
// deadlines of every step. Plain value; validated by the program that builds it.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace dialsoak::engine {

// What one line dials and how long each step may take.
struct LinePlan {
  std::string number = "5551234";
  std::chrono::nanoseconds dial_timeout = std::chrono::seconds(60);
  std::chrono::nanoseconds hangup_timeout = std::chrono::seconds(10);
};

struct EngineConfig {
  int lines = 1;
  std::vector<LinePlan> plans;                 // per line; the last one repeats if short
  std::optional<std::int64_t> cycles;          // per line; stop after this many
  std::optional<std::chrono::nanoseconds> duration;  // or after this long (first wins)
  std::chrono::nanoseconds hold{0};            // connected time before the hang-up
  std::chrono::nanoseconds think{0};           // pause after the hang-up
  std::chrono::nanoseconds stop_timeout = std::chrono::seconds(10);  // hang-ups at a stop
  std::chrono::nanoseconds sample_interval = std::chrono::seconds(1);
  // After the last hang-up, wait this long before the end sample, so that a process
  // (the modem server, a dialer's helper) has finished releasing what the calls used:
  // the end count is compared with the baseline. A stop request cuts it short.
  std::chrono::nanoseconds settle{0};
  // Sample this process around every cycle (the KB's own check); meaningful with 1 line.
  bool per_cycle_probes = false;
};

}  // namespace dialsoak::engine
