// The probe factories: the checks of their arguments (the same on every platform), then
// the platform's probe (process_probe_linux.cc, process_probe_windows.cc).
#include "dialsoak/probes/process_probe.h"

#include <stdexcept>

#include "process_probe_platform.h"

namespace dialsoak::probes {

std::unique_ptr<ProcessProbe> MakeSelfProbe() { return detail::NewSelfProbe(); }

std::unique_ptr<ProcessProbe> MakePidProbe(int pid) {
  if (pid <= 0) {
    throw std::invalid_argument("watch pid " + std::to_string(pid) +
                                ": must be a process id (a positive number)");
  }
  return detail::NewPidProbe(pid);
}

std::unique_ptr<ProcessProbe> MakeNameProbe(std::string name) {
  if (name.empty() || name.find(detail::kPathSeparators) != std::string::npos) {
    throw std::invalid_argument("watch name '" + name + "': must be a program name without '" +
                                std::string(detail::kPathSeparators) + "' (e.g. " +
                                detail::kExampleName + ")");
  }
  return detail::NewNameProbe(std::move(name));
}

}  // namespace dialsoak::probes
