#include <time.h>

#include "thread_cpu.h"

namespace dialsoak::engine::detail {

std::chrono::nanoseconds ThreadCpuTime() {
  timespec ts{};
  if (::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0) return std::chrono::nanoseconds{0};
  return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

}  // namespace dialsoak::engine::detail
