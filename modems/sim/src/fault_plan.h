// The pure half of fault injection (see dialsoak/sim/fault.h): which faults fire at a dial,
// and what the output faults do to a result's bytes. No I/O, no clock; the caller passes
// the port's fault generator, so a seeded run draws the same faults.
// Not thread-safe (the generator); the bank's thread alone uses it.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>

#include "dialsoak/at/result_code.h"
#include "dialsoak/sim/fault.h"

namespace dialsoak::sim {

// A port's fault generator: its own stream, apart from the port's call draws (seed + port),
// so that faults do not change the calls' outcomes.
std::mt19937_64 FaultRng(std::uint64_t port_seed);

// The faults that fired at one dial: at most one of each kind (the first in config order).
class FaultPick {
 public:
  const Fault* operator[](FaultKind kind) const { return of_[static_cast<std::size_t>(kind)]; }
  void Set(const Fault& f) { of_[static_cast<std::size_t>(f.kind)] = &f; }
  void Clear(FaultKind kind) { of_[static_cast<std::size_t>(kind)] = nullptr; }
  void Reset() { of_ = {}; }
  bool any() const;

 private:
  std::array<const Fault*, kFaultKindCount> of_{};
};

// Draws one uniform number per fault that targets `port`, in config order (always, also
// for probability 1 or 0), and keeps the first fault of each kind whose draw is below its
// probability. The pick points into `config`, which must outlive it.
FaultPick DrawFaults(const FaultConfig& config, int port, std::mt19937_64& rng);

// n random bytes (n >= 2) with at least one NUL and one byte >= 0x80 among them.
std::string MakeNoise(std::size_t n, std::mt19937_64& rng);

// Puts noise into `result` (the bytes of one result code, "\r\nCONNECT ...\r\n"): before
// it, or at a random place strictly inside it (before, when it is one byte).
void InsertNoise(std::string& result, std::string_view noise, NoisePlace place,
                 std::mt19937_64& rng);

// Cuts `result` after its leading line-end bytes (s3, s4) and `keep` bytes of its text,
// and always before its final line end: "\r\nCONNECT 33600\r\n", keep 4 -> "\r\nCONN".
void TruncateResult(std::string& result, std::size_t keep, char s3, char s4);

// The TBR21-style call-attempt restrictions of one dialing modem (the blacklist fault):
// per number, the failed calls of the current period and the retry delay after the last.
// Deterministic: it follows the calls' outcomes and the times passed in, nothing else.
class CallRestrictions {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  static constexpr std::size_t kSweepAbove = 1024;  // numbers kept before old ones are swept

  // The refusal a dial to `number` gets now, if any: BLACKLISTED once rule.attempts failed
  // calls fell within the period (to its end), else DELAYED while the retry delay after
  // the last failed call runs.
  std::optional<at::ResultCode> Check(const Fault& rule, const std::string& number,
                                      TimePoint now);
  // A call to `number` failed (BUSY, NO ANSWER, NO CARRIER) at `now`.
  void Failed(const Fault& rule, const std::string& number, TimePoint now);
  // A call to `number` connected: its record is cleared.
  void Connected(const std::string& number) { numbers_.erase(number); }
  std::size_t size() const { return numbers_.size(); }

 private:
  struct Record {
    TimePoint period_end;
    int failures = 0;
    TimePoint retry_at;
  };
  std::map<std::string, Record> numbers_;
};

}  // namespace dialsoak::sim
