// Helpers for tests of a running ModemBank: a call recorder and waits with deadlines.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "dialsoak/sim/bank.h"
#include "tty.h"

namespace dialsoak::sim::testing {

// Collects the bank's CallRecords (called on the bank's thread).
class Recorder {
 public:
  ModemBank::CallObserver Observer() {
    return [this](const CallRecord& r) {
      std::lock_guard lock(mu_);
      records_.push_back(r);
      cv_.notify_all();
    };
  }
  // Waits until at least n records arrived; returns a copy of them.
  std::vector<CallRecord> WaitFor(std::size_t n, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return records_.size() >= n; });
    return records_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<CallRecord> records_;
};

inline std::unique_ptr<ModemBank> StartBank(BankConfig config, Recorder* recorder = nullptr) {
  auto bank = ModemBank::Start(std::move(config),
                               recorder ? recorder->Observer() : ModemBank::CallObserver{});
  if (!bank) throw std::runtime_error(bank.error().message);
  return std::move(*bank);
}

// Polls until pred() holds or the timeout passes.
inline bool Eventually(const std::function<bool()>& pred, std::chrono::milliseconds timeout = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

// Reads until a final result of a dial arrives, through its line end; returns its words
// ("CONNECT", "BUSY", ...), or "" on timeout.
inline std::string AwaitDialResult(Tty& tty, std::chrono::milliseconds timeout = 5s) {
  std::string result = tty.WaitForAny(
      {"CONNECT", "BUSY", "NO ANSWER", "NO DIALTONE", "NO CARRIER", "ERROR"}, timeout);
  if (!result.empty() && !tty.WaitFor("\r\n", timeout)) return "";
  return result;
}

// Hangs up by DTR: speed B0 until NO CARRIER, then back up.
inline bool DropDtr(Tty& tty) {
  tty.SetDtr(false);
  const bool ok = tty.WaitFor("NO CARRIER\r\n");
  tty.SetDtr(true);
  return ok;
}

}  // namespace dialsoak::sim::testing
