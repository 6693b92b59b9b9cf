#include "name_scan_linux.h"

#include <algorithm>
#include <tuple>

namespace dialsoak::probes::detail {

bool NameMatches(std::string_view name, std::string_view comm, std::string_view argv0_base) {
  return comm == name || argv0_base == name;
}

namespace {

// By comm first: the cmdline is read only when comm does not match.
bool IsNamed(ProcReader& reader, int pid, std::string_view comm, std::string_view name) {
  if (NameMatches(name, comm, {})) return true;
  auto argv0 = reader.ReadArgv0BaseName(pid);
  return argv0 && NameMatches(name, {}, *argv0);
}

}  // namespace

std::vector<ProcIdentity> FindAllByName(ProcReader& reader, std::string_view name) {
  std::vector<ProcIdentity> out;
  reader.ForEachPid([&](int pid) {
    auto stat = reader.ReadStat(pid);
    if (!stat || stat->IsZombie() || stat->IsKernelThread()) return;
    if (IsNamed(reader, pid, stat->comm, name)) out.push_back({pid, stat->start_time});
  });
  std::sort(out.begin(), out.end(), [](const ProcIdentity& a, const ProcIdentity& b) {
    return std::tie(a.start_time, a.pid) < std::tie(b.start_time, b.pid);
  });
  return out;
}

std::optional<ProcIdentity> FindNewestByName(ProcReader& reader, std::string_view name) {
  std::optional<ProcIdentity> newest;
  reader.ForEachPid([&](int pid) {
    auto stat = reader.ReadStat(pid);
    if (!stat || stat->IsZombie() || stat->IsKernelThread()) return;
    const ProcIdentity candidate{pid, stat->start_time};
    if (newest &&
        std::tie(candidate.start_time, candidate.pid) < std::tie(newest->start_time, newest->pid)) {
      return;  // older than the best so far: not worth reading its cmdline
    }
    if (IsNamed(reader, pid, stat->comm, name)) newest = candidate;
  });
  return newest;
}

}  // namespace dialsoak::probes::detail
