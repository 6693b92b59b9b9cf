#include "tty_io.h"

#include <unistd.h>

#include <cerrno>

namespace dialsoak::sim {

io::Result<TtyPacket> ReadTty(int fd, std::span<char> buf, bool packet_mode,
                              const std::string& what) {
  for (;;) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n > 0 && packet_mode && buf[0] != 0) return TtyPacket{TtyPacket::Kind::Control, {}};
    if (n > 0) {
      const std::size_t skip = packet_mode ? 1 : 0;
      return TtyPacket{TtyPacket::Kind::Data,
                       std::string_view(buf.data() + skip, static_cast<std::size_t>(n) - skip)};
    }
    if (n == 0 || errno == EIO) return TtyPacket{TtyPacket::Kind::Hangup, {}};
    if (errno == EAGAIN) return TtyPacket{TtyPacket::Kind::Empty, {}};
    if (errno != EINTR) return io::Fail(io::ErrnoError("read " + what));
  }
}

io::Result<std::size_t> WriteTty(int fd, std::string_view bytes, const std::string& what) {
  for (;;) {
    ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno == EAGAIN) return 0;
    if (errno != EINTR) return io::Fail(io::ErrnoError("write " + what));
  }
}

}  // namespace dialsoak::sim
