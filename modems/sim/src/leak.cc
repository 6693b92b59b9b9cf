// Leak injection: the option's text form and the descriptors the bank leaks.
#include "leak.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <charconv>
#include <climits>

namespace dialsoak::sim {

std::string_view ToString(LeakKind kind) {
  switch (kind) {
    case LeakKind::kEventfd:
      return "eventfd";
    case LeakKind::kPipe:
      return "pipe";
    case LeakKind::kSocket:
      return "socket";
    case LeakKind::kFile:
      return "file";
  }
  return "eventfd";
}

std::string LeakConfig::ToString() const {
  if (!enabled()) return "off";
  return std::to_string(every) + ":" + std::string(sim::ToString(kind));
}

tl::expected<LeakConfig, std::string> ParseLeakConfig(std::string_view text) {
  auto bad = [&] {
    return tl::unexpected(
        "expected EVERY[:KIND] with EVERY >= 1 and KIND one of eventfd, pipe, socket, file, "
        "got '" + std::string(text) + "'");
  };
  LeakConfig leak;
  const auto colon = text.find(':');
  const std::string_view every = text.substr(0, colon);
  const char* end = every.data() + every.size();
  auto [ptr, ec] = std::from_chars(every.data(), end, leak.every);
  if (every.empty() || ec != std::errc() || ptr != end || leak.every < 1) return bad();
  if (colon == std::string_view::npos) return leak;
  const std::string_view kind = text.substr(colon + 1);
  for (LeakKind k : {LeakKind::kEventfd, LeakKind::kPipe, LeakKind::kSocket, LeakKind::kFile}) {
    if (kind == ToString(k)) {
      leak.kind = k;
      return leak;
    }
  }
  return bad();
}

io::Result<void> Leaker::Leak() {
  int fd = -1;
  switch (kind_) {
    case LeakKind::kEventfd:
      fd = ::eventfd(0, EFD_CLOEXEC);
      if (fd < 0) return io::Fail(io::ErrnoError("leak eventfd"));
      break;
    case LeakKind::kPipe: {
      int ends[2];
      if (::pipe2(ends, O_CLOEXEC) != 0) return io::Fail(io::ErrnoError("leak pipe2"));
      ::close(ends[1]);
      fd = ends[0];
      break;
    }
    case LeakKind::kSocket:
      fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      if (fd < 0) return io::Fail(io::ErrnoError("leak socket"));
      break;
    case LeakKind::kFile:
      fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      if (fd < 0) return io::Fail(io::ErrnoError("leak open /dev/null"));
      break;
  }
  held_.emplace_back(fd);
  return {};
}

}  // namespace dialsoak::sim
