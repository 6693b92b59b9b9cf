// Finding a process by name under /proc (Linux): the newest live process whose comm or
// argv[0] base name is the name. Used by the name probe only when it has no live match.
// Not thread-safe (uses the caller's ProcReader); never throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "proc_reader_linux.h"

namespace dialsoak::probes::detail {

// A process as /proc names it over time: a pid and its start time (a reused pid has a
// different start time).
struct ProcIdentity {
  int pid = 0;
  std::uint64_t start_time = 0;
};

// True when comm (as the kernel keeps it, at most 15 bytes) or argv0_base equals name.
bool NameMatches(std::string_view name, std::string_view comm, std::string_view argv0_base);

// Every matching process, oldest first (by start time, then pid), with the same rules.
std::vector<ProcIdentity> FindAllByName(ProcReader& reader, std::string_view name);

// The matching process with the highest start time (then the highest pid), ignoring
// zombies and kernel threads; nullopt if none, or if /proc cannot be listed.
std::optional<ProcIdentity> FindNewestByName(ProcReader& reader, std::string_view name);

}  // namespace dialsoak::probes::detail
