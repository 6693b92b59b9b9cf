#include "dialsoak/io/fd_io.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>

namespace dialsoak::io {
namespace {

std::string Name(std::string_view op, std::string_view device) {
  std::string s(op);
  s += ' ';
  s += device;
  return s;
}

Result<bool> WaitFor(int fd, short events, Deadline deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int r = ::poll(&p, 1, deadline.PollTimeoutMs());
    if (r > 0) return true;
    if (r == 0) {
      if (deadline.Expired()) return false;
      continue;  // poll rounds down below a millisecond; wait out the rest
    }
    if (errno != EINTR) return Fail(ErrnoError("poll"));
  }
}

}  // namespace

Result<bool> WaitReadable(int fd, Deadline deadline) { return WaitFor(fd, POLLIN, deadline); }

Result<std::string> ReadSome(int fd, Deadline deadline, std::string_view device,
                             std::size_t max) {
  std::string buf(max, '\0');
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0) {
      buf.resize(static_cast<std::size_t>(n));
      return buf;
    }
    if (n == 0) return Fail(ErrnoError(Name("read", device) + " (hung up)", EIO));
    if (errno == EINTR) continue;
    if (errno != EAGAIN) return Fail(ErrnoError(Name("read", device)));
    auto ready = WaitFor(fd, POLLIN, deadline);
    if (!ready) return Fail(ready.error());
    if (!*ready) return std::string();
  }
}

Result<void> WriteAll(int fd, std::string_view data, Deadline deadline, std::string_view device) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != EAGAIN) return Fail(ErrnoError(Name("write", device)));
    auto ready = WaitFor(fd, POLLOUT, deadline);
    if (!ready) return Fail(ready.error());
    if (!*ready) return Fail(Error{ETIMEDOUT, Name("write", device) + ": timed out"});
  }
  return {};
}

}  // namespace dialsoak::io
