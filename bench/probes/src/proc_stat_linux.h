// Parsing the text of /proc/<pid>/stat, statm and cmdline (Linux). Pure functions
// over bytes already read; no I/O, no allocation. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace dialsoak::probes::detail {

// The fields of /proc/<pid>/stat a probe needs (numbers as in proc_pid_stat(5)).
struct ProcStat {
  std::string_view comm;         // field 2, without its parentheses (may hold ' ' and ')')
  char state = '?';              // field 3: R, S, D, Z, X, ...
  std::uint64_t flags = 0;       // field 9: PF_* flags
  std::int64_t threads = 0;      // field 20: num_threads
  std::uint64_t start_time = 0;  // field 22: clock ticks after boot
  // Field 24 (rss) is not read: the kernel prints an approximate per-CPU counter there
  // (off by up to CPUs x batch pages for good, 44 pages on a settled sleep here, hundreds
  // of MB on a big machine), while statm sums it exactly on current kernels.

  bool IsZombie() const { return state == 'Z' || state == 'X' || state == 'x'; }
  bool IsKernelThread() const { return (flags & kKernelThreadFlag) != 0; }

  static constexpr std::uint64_t kKernelThreadFlag = 0x00200000;  // PF_KTHREAD
};

// Parses one stat line. comm is found between the first '(' and the last ')', since the
// name itself may hold both. Fields past 22 may be missing (a short read); nullopt if any
// needed field is missing or not a number.
std::optional<ProcStat> ParseProcStat(std::string_view text);

// The resident set size in pages: field 2 of /proc/<pid>/statm ("size resident shared
// ..."). nullopt if it is missing or not a number.
std::optional<std::int64_t> ParseStatmResident(std::string_view text);

// The base name of argv[0] in the NUL-separated text of /proc/<pid>/cmdline: "sleep" for
// "/bin/sleep\0" "30\0". Empty for a kernel thread (empty cmdline).
std::string_view Argv0BaseName(std::string_view cmdline);

}  // namespace dialsoak::probes::detail
