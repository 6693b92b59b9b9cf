// The limits a leak runs into: the soft "Max open files" (RLIMIT_NOFILE) and "Max
// processes" (RLIMIT_NPROC) of a process, from /proc/<pid>/limits, and the system's
// kernel.threads-max, for the leak verdict's projection ("at this rate, out of
// descriptors in 3 h") and its exhaustion check ("exhausted: 510 of 512 descriptors").
//
// Thread safety: pure functions and a one-shot file read. Errors: the parser returns an
// error for a "Max open files" or "Max processes" line whose soft value is neither a
// number nor "unlimited"; a missing line is not an error (the field is empty). The reader
// returns an error naming the file when it cannot be read (a gone process, EACCES).
// Platform code (the reader) lives in src/proc_limits_linux.cc.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "dialsoak/io/error.h"

namespace dialsoak::analysis {

struct SoftLimit {
  bool unlimited = false;
  std::int64_t value = 0;  // meaningful when !unlimited

  // The value, or none when unlimited: what LeakInput::limit takes.
  std::optional<std::int64_t> AsLimit() const {
    return unlimited ? std::nullopt : std::optional<std::int64_t>(value);
  }
};

struct ProcessLimits {
  std::optional<SoftLimit> max_open_files;  // empty: no such line
  std::optional<SoftLimit> max_processes;
};

// Parses the text of /proc/<pid>/limits (a header line, then one line per limit: name,
// soft, hard, units, in columns).
io::Result<ProcessLimits> ParseProcLimits(std::string_view text);

// Reads and parses /proc/<pid>/limits.
io::Result<ProcessLimits> ReadProcessLimits(int pid);
// Reads and parses /proc/self/limits.
io::Result<ProcessLimits> ReadSelfLimits();

// Reads /proc/sys/kernel/threads-max: the most threads the whole system may have.
io::Result<std::int64_t> ReadThreadsMax();

// The most threads one process can have: the smaller of its soft RLIMIT_NPROC and
// kernel.threads-max; none when neither is known and finite. RLIMIT_NPROC counts every
// process and thread of the process's real user, so a process alone meets it only when
// nothing else of that user runs (its own count reaching it always means the user is out
// of threads), and root (CAP_SYS_RESOURCE) is not held to it; threads-max holds for all.
std::optional<std::int64_t> ThreadsLimit(const ProcessLimits& limits,
                                         std::optional<std::int64_t> threads_max);

}  // namespace dialsoak::analysis
