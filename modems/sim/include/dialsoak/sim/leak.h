// Leak injection: the simulator can leak one descriptor of a chosen kind on every
// EVERY-th dial, as RasDial leaked a handle to the process token on every call (KB
// Q197517), so the leak verdict has a known leak to find in the process the bank runs in.
//
// "Leaked" means held open for the bank's life: the descriptors are never closed while
// the bank runs, and are closed when the bank is destroyed, so ASan, valgrind and tests
// see no real leak while the process's descriptor count grows by one per leak.
// Thread safety: plain values and a pure function.
// Errors: ParseLeakConfig returns a message saying what is allowed.
#pragma once

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace dialsoak::sim {

// What one leaked descriptor is, as readlink of /proc/<pid>/fd/N shows it:
// eventfd: anon_inode:[eventfd] (eventfd(0, EFD_CLOEXEC));
// pipe: pipe:[N], the read end of a pipe2 whose write end is closed;
// socket: socket:[N] (AF_UNIX, SOCK_DGRAM);
// file: /dev/null opened read-only.
enum class LeakKind { kEventfd, kPipe, kSocket, kFile };

std::string_view ToString(LeakKind kind);

struct LeakConfig {
  int every = 0;  // leak on every EVERY-th dial, counted across the bank; 0 = off
  LeakKind kind = LeakKind::kEventfd;

  bool enabled() const { return every > 0; }
  // "EVERY:KIND" ("1:eventfd"), or "off".
  std::string ToString() const;
};

// Parses "EVERY[:KIND]" (EVERY >= 1; KIND eventfd (default), pipe, socket or file).
// The error reads "expected EVERY[:KIND] with EVERY >= 1 and KIND one of eventfd, pipe,
// socket, file, got 'x'"; callers put the flag or key in front.
tl::expected<LeakConfig, std::string> ParseLeakConfig(std::string_view text);

}  // namespace dialsoak::sim
