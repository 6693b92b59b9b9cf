// TtyPacket: one read from a port's tty end, as the bank's loop takes it (a pty master in
// packet mode, or a device the bank opened), and the non-blocking read and write of both.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "dialsoak/io/error.h"

namespace dialsoak::sim {

struct TtyPacket {
  enum class Kind {
    Data,     // bytes the DTE wrote
    Control,  // a pty's termios changed (or it flushed): check PtyPort::DtrUp()
    Empty,    // nothing to read now (EAGAIN)
    Hangup,   // no opener holds a pty's slave, or the device went away (EIO, EOF)
  };
  Kind kind;
  std::string_view data;  // Data: a view into the caller's buffer
};

// One read of fd into buf. In packet mode (a pty master with TIOCPKT) the first byte is the
// status: 0 for data, else a control packet. `what` names the descriptor in errors.
io::Result<TtyPacket> ReadTty(int fd, std::span<char> buf, bool packet_mode,
                              const std::string& what);
// Writes what fits without blocking; returns the count (0 when full).
io::Result<std::size_t> WriteTty(int fd, std::string_view bytes, const std::string& what);

}  // namespace dialsoak::sim
