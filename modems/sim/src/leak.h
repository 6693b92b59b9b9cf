// Leaker: opens and holds the descriptors a bank leaks (see dialsoak/sim/leak.h). They
// stay open until the Leaker is destroyed with its bank. Not thread-safe: the bank's
// thread alone calls Leak.
#pragma once

#include <vector>

#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/sim/leak.h"

namespace dialsoak::sim {

class Leaker {
 public:
  explicit Leaker(LeakKind kind) : kind_(kind) {}

  // Opens one descriptor of the kind and keeps it; the error names the call that failed
  // (EMFILE once the process is out of descriptors).
  io::Result<void> Leak();
  std::size_t held() const { return held_.size(); }

 private:
  LeakKind kind_;
  std::vector<io::UniqueFd> held_;
};

}  // namespace dialsoak::sim
