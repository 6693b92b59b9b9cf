// Incarnations: a watched process's lives, told apart by pid. A daemon followed by name
// (--watch-name) that exits and is started again comes back under a new pid; counting the
// new process against the old one's baseline would hide a crash and mix two series, so
// every consumer of probe samples (the summary, the leak watch, the metrics) starts a new
// incarnation there, with its own baseline, and lists the restart.
//
// A restart is a good sample (alive, no error) whose pid differs from the last good
// sample's of the same process label, whether or not a sample fell into the gap. A
// process seen for the first time is incarnation 0, not a restart. --watch-pid and "self"
// never change pid (a pid probe reports its process gone, never a successor).
//
// Bounded: a process started anew for every call (pppd run by a dial command) restarts
// with every cycle, so the consumers keep the first kMaxLivesKept - 1 lives and the latest
// one (a later life takes the place of the one before it) and list the first
// kMaxRestartsListed restarts, counting the rest.
//
// Thread safety: none (one per observer, fed from the collector thread). Never throws
// (except std::bad_alloc).
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>

#include "dialsoak/observer/records.h"

namespace dialsoak {

inline constexpr int kMaxLivesKept = 10;
inline constexpr std::size_t kMaxRestartsListed = 100;

class Incarnations {
 public:
  struct Seen {
    int incarnation = 0;                    // of the sample's process: 0, 1, ...
    std::optional<ProcessRestart> restart;  // set on the sample that starts a new one
  };

  // Every sample of every process, in order. A sample that is not good belongs to the
  // current incarnation (the process gone, or not found yet).
  Seen Note(const ProbeSample& s);

 private:
  struct State {
    int pid = 0;  // of the last good sample; 0 before the first
    int incarnation = 0;
    Clock::time_point last_good;
    std::int64_t last_good_cycles = 0;
  };
  std::map<std::string, State> processes_;
};

}  // namespace dialsoak
