// Process limits on Windows: no soft limit for handles or processes to read (the kernel's
// per-process handle ceiling is not a configurable limit), so every field is empty and the
// leak verdict makes no "out of handles in ..." projection and no exhaustion check. See
// proc_limits.h.
#include "dialsoak/analysis/proc_limits.h"

namespace dialsoak::analysis {

io::Result<ProcessLimits> ReadProcessLimits(int /*pid*/) { return ProcessLimits{}; }

io::Result<ProcessLimits> ReadSelfLimits() { return ProcessLimits{}; }

io::Result<std::int64_t> ReadThreadsMax() {
  return io::Fail({0, "no kernel.threads-max on Windows"});
}

}  // namespace dialsoak::analysis
