// Latch: std::latch's count_down() and wait(), over a mutex and a condition variable.
// std::latch is not used because mingw-w64's libstdc++ 12 (the Windows cross build) waits
// on atomics without a futex and misses wake-ups: the engine's start latch hung there.
// Thread-safe; not copyable.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

namespace dialsoak::engine {

class Latch {
 public:
  explicit Latch(std::ptrdiff_t count) : count_(count) {}
  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  void count_down() {
    std::lock_guard lock(mu_);
    if (count_ > 0 && --count_ == 0) zero_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    zero_.wait(lock, [this] { return count_ == 0; });
  }

 private:
  std::mutex mu_;
  std::condition_variable zero_;
  std::ptrdiff_t count_;
};

}  // namespace dialsoak::engine
