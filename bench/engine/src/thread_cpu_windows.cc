#include <chrono>

#include "thread_cpu.h"

namespace dialsoak::engine::detail {

// GetThreadTimes counts in 15.6 ms ticks: the monotonic clock instead (see thread_cpu.h).
std::chrono::nanoseconds ThreadCpuTime() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
      std::chrono::steady_clock::now().time_since_epoch());
}

}  // namespace dialsoak::engine::detail
