// The fd table on Windows: there is none to list (handles have no /proc/<pid>/fd), so a
// snapshot is an error saying so, and the leak verdict names no kind of handle that grew.
// See fd_attribution.h.
#include <cerrno>

#include "dialsoak/analysis/fd_attribution.h"

namespace dialsoak::analysis {
namespace {

io::Error NotHere() {
  return io::Error{ENOSYS, "listing a process's handles by kind is not available on Windows"};
}

}  // namespace

io::Result<FdSnapshot> SnapshotFds(int /*pid*/) { return io::Fail(NotHere()); }

io::Result<FdSnapshot> SnapshotSelfFds() { return io::Fail(NotHere()); }

}  // namespace dialsoak::analysis
