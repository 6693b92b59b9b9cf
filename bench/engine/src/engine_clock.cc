#include "dialsoak/engine/engine_clock.h"

namespace dialsoak::engine {

bool SteadyEngineClock::WaitUntil(Clock::time_point t) {
  if (stopped()) return false;
  if (Clock::now() >= t) return true;  // no lock on the hot path of zero think/hold
  std::unique_lock<std::mutex> lock(mu_);
  return !cv_.wait_until(lock, t, [this] { return stopped(); });
}

void SteadyEngineClock::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopped_.store(true, std::memory_order_relaxed);
  }
  cv_.notify_all();
}

}  // namespace dialsoak::engine
