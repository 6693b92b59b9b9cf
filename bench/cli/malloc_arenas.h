// Keeps glibc's malloc from giving each of a run's threads a heap of its own.
//
// glibc hands threads up to 8 x cores malloc arenas; with a thread per line (64, 4,000),
// each arena's heap fragments on its own and the process's resident memory creeps up for
// the whole run (measured with bench/endurance.sh at 64 lines: about 0.9 bytes a cycle
// with glibc's default and still with two arenas, which a soak tool judging its own
// memory must not do). One arena keeps it flat (0.013 bytes a cycle in the same run); each
// thread's tcache still serves the small allocations without taking the arena's lock.
// Call once at start-up, before any thread is started. No effect on other C libraries.
#pragma once

namespace dialsoak::cli {

void LimitMallocArenas();

}  // namespace dialsoak::cli
