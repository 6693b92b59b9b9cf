// Private to bench/engine: the CPU time the calling thread has used, for the sampling
// budget (sample_pacer.h), which is about a share of a core: a sample stretched by a busy
// machine's scheduler costs no more CPU than an unhurried one. Platform code in
// thread_cpu_posix.cc (CLOCK_THREAD_CPUTIME_ID) and thread_cpu_windows.cc (where the
// thread times tick every 15.6 ms, too coarse for a sample of microseconds: the monotonic
// clock stands in). Thread-safe; never fails (0 if the clock cannot be read).
#pragma once

#include <chrono>

namespace dialsoak::engine::detail {

std::chrono::nanoseconds ThreadCpuTime();

}  // namespace dialsoak::engine::detail
