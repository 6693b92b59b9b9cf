// EngineClock: the engine's view of time, injected so that logic tests run in virtual
// time. Now() is monotonic; WaitUntil sleeps until a time point or until Stop() is
// called, whichever comes first. Thread-safe: many workers wait on one clock.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>

#include "dialsoak/line/deadline.h"

namespace dialsoak::engine {

class EngineClock {
 public:
  virtual ~EngineClock() = default;
  virtual Clock::time_point Now() const = 0;
  // Returns false if woken by Stop() before t.
  virtual bool WaitUntil(Clock::time_point t) = 0;
  virtual void Stop() = 0;
  virtual bool stopped() const = 0;
};

// Real monotonic time (std::chrono::steady_clock).
class SteadyEngineClock final : public EngineClock {
 public:
  Clock::time_point Now() const override { return Clock::now(); }
  bool WaitUntil(Clock::time_point t) override;
  void Stop() override;
  bool stopped() const override { return stopped_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> stopped_{false};
  std::mutex mu_;
  std::condition_variable cv_;
};

}  // namespace dialsoak::engine
