// SharedBank: one simulated modem bank (sim::ModemBank on ptys) shared by every thread of
// the dial-cycle benchmark, started on first use so that runs filtered to other suites do
// not pay for it. Rendezvous: a reusable barrier for the benchmark's own phases.
// Thread safety: Get() and ArriveAndWait() may be called from any thread.
// Errors: Get() returns nullptr when the bank cannot start; error() then says why.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "dialsoak/sim/bank.h"

namespace dialsoak::gbench {

class SharedBank {
 public:
  explicit SharedBank(int ports);
  ~SharedBank();

  // The bank, started by the first caller (the others wait for it).
  sim::ModemBank* Get();
  const std::string& error() const { return error_; }
  int ports() const { return ports_; }

 private:
  const int ports_;
  std::once_flag once_;
  std::unique_ptr<sim::ModemBank> bank_;
  std::string error_;
};

// Blocks each caller until `parties` callers have arrived, then lets them all go; usable
// again for the next round. Every caller of one round passes the same parties.
class Rendezvous {
 public:
  void ArriveAndWait(int parties) {
    std::unique_lock lock(mu_);
    const std::uint64_t round = round_;
    if (++arrived_ == parties) {
      arrived_ = 0;
      ++round_;
      cv_.notify_all();
      return;
    }
    cv_.wait(lock, [&] { return round_ != round; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int arrived_ = 0;
  std::uint64_t round_ = 0;
};

}  // namespace dialsoak::gbench
