// The platform's probes behind the factories of process_probe.h, which check the
// arguments first (src/process_probe.cc). Implemented by process_probe_<os>.cc.
#pragma once

#include <memory>
#include <string>

#include "dialsoak/probes/process_probe.h"

namespace dialsoak::probes::detail {

#ifdef _WIN32
inline constexpr char kPathSeparators[] = "\\";
inline constexpr char kExampleName[] = "rasdial";
#else
inline constexpr char kPathSeparators[] = "/";
inline constexpr char kExampleName[] = "pppd";
#endif

std::unique_ptr<ProcessProbe> NewSelfProbe();
std::unique_ptr<ProcessProbe> NewPidProbe(int pid);            // pid > 0
std::unique_ptr<ProcessProbe> NewNameProbe(std::string name);  // non-empty, no separator

}  // namespace dialsoak::probes::detail
