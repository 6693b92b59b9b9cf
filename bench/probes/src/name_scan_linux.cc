#include "name_scan_linux.h"

#include <tuple>

namespace dialsoak::probes::detail {

bool NameMatches(std::string_view name, std::string_view comm, std::string_view argv0_base) {
  return comm == name || argv0_base == name;
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
    bool match = NameMatches(name, stat->comm, {});
    if (!match) {
      auto argv0 = reader.ReadArgv0BaseName(pid);
      match = argv0 && NameMatches(name, {}, *argv0);
    }
    if (match) newest = candidate;
  });
  return newest;
}

}  // namespace dialsoak::probes::detail
