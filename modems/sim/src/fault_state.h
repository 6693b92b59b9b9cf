// PortFaults: what fault injection keeps per dialing port (see dialsoak/sim/fault.h and
// bank_faults.cc): its generator, the faults drawn for the call in progress, and the
// timed effects under way (a dribble, a RING flood, a carrier loss, a vanish, a reset).
// Plain data of the bank's thread.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "fault_plan.h"
#include "modem.h"

namespace dialsoak::sim {

struct PortFaults {
  static constexpr TimePoint kNever = TimePoint::max();

  explicit PortFaults(std::uint64_t port_seed) : rng(FaultRng(port_seed)) {}

  std::mt19937_64 rng;

  // The call in progress: faults drawn at its dial and not yet used, and those that took
  // effect (for its CallRecord).
  FaultPick call;
  std::vector<FaultKind> injected;

  // The dial's result, sitting in the modem's output from byte `from` on, to be edited by
  // these faults on its way to the tty (any of them may be null).
  struct Result {
    std::size_t from = 0;
    const Fault* noise = nullptr;
    const Fault* truncate = nullptr;
    const Fault* dribble = nullptr;
  };
  std::optional<Result> result;

  std::string slow;  // dribble: bytes still to go, one every gap
  std::chrono::nanoseconds slow_gap{0};
  TimePoint slow_next = kNever;

  int rings_left = 0;  // ring_flood: RINGs still to come, one every ring_interval
  std::chrono::nanoseconds ring_interval{0};
  TimePoint ring_next = kNever;

  TimePoint carrier_at = kNever;  // carrier_loss: when the connected call drops

  const Fault* vanish = nullptr;  // the vanish under way (its down time)
  TimePoint vanish_at = kNever;   // when the port goes
  TimePoint replug_at = kNever;   // when it comes back
  bool gone = false;

  TimePoint reset_until = kNever;  // reset: bytes are ignored until its timer ends it

  CallRestrictions restrictions;  // blacklist: the modem's record of failed calls

  bool resetting() const { return reset_until != kNever; }
  TimePoint next() const {
    return std::min({slow_next, ring_next, carrier_at, vanish_at, replug_at, reset_until});
  }
  // The call ended: its remaining effects stop (a dribble's bytes still go out).
  void EndCall() {
    call.Reset();
    rings_left = 0;
    ring_next = kNever;
    carrier_at = kNever;
  }
};

}  // namespace dialsoak::sim
