// Counting this process's open descriptors: the entries of /proc/self/fd, the Linux
// counterpart of the handle count in KB Q197517.
#pragma once

#include <filesystem>

namespace dialsoak::testutil {

inline int OpenFdCount() {
  int n = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator("/proc/self/fd")) ++n;
  return n - 1;  // the iterator's own descriptor
}

}  // namespace dialsoak::testutil
