// Reads and writes on non-blocking descriptors, each bounded by a Deadline.
// Thread-compatible: callers serialise use of one descriptor.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "dialsoak/io/error.h"
#include "dialsoak/line/deadline.h"

namespace dialsoak::io {

// Waits until fd is readable (or has hung up). Returns false if the deadline passed first.
Result<bool> WaitReadable(int fd, Deadline deadline);

// Reads what is available, waiting until the deadline for the first byte. Returns the
// bytes (empty on timeout). A hang-up (EIO/POLLHUP, end of file) is an error with code EIO.
Result<std::string> ReadSome(int fd, Deadline deadline, std::string_view device,
                             std::size_t max = 4096);

// Writes all of data, waiting for room until the deadline. Partial writes are retried.
Result<void> WriteAll(int fd, std::string_view data, Deadline deadline, std::string_view device);

}  // namespace dialsoak::io
