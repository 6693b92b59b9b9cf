// Opening a tty (a real port /dev/ttyS*, /dev/ttyUSB*, or a pty) for a modem: non-blocking,
// raw, at a chosen speed and framing, exclusively (TIOCEXCL plus an flock, since root
// ignores TIOCEXCL), with stale input flushed.
// Errors name the device and say what to do (ENOENT, EACCES, EBUSY, EIO, not a tty).
// Thread-compatible.
#pragma once

#include <termios.h>

#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"

namespace dialsoak::serial {

enum class Parity { None, Even, Odd };

struct TtyOptions {
  int speed = 115200;      // bits per second; must be a standard termios rate
  int data_bits = 8;       // 5..8
  Parity parity = Parity::None;
  int stop_bits = 1;       // 1 or 2
  bool rtscts = false;     // hardware flow control
};

// Parses "8N1", "7E1", "8O2".
tl::expected<TtyOptions, std::string> ParseFraming(std::string_view text, TtyOptions base = {});

// Makes t raw with o's speed and framing (EXTPROC is kept). False if the speed is not a
// termios rate. Note that a pty ignores data bits and parity (it is always 8N1).
bool ApplyOptions(termios& t, const TtyOptions& o);

// Opens and configures path. On success the descriptor is non-blocking, exclusive,
// raw, and its input and output queues are flushed.
io::Result<io::UniqueFd> OpenTty(const std::string& path, const TtyOptions& options);

// Releases the exclusivity taken by OpenTty (before close, so the next opener may open).
void ReleaseTty(int fd);

// True where the device can signal a DTR drop to the modem: a real port with modem-control
// lines (TIOCMGET works), or a pty whose master asked to be told of termios changes
// (EXTPROC set, as dialsoak's simulator does).
bool CanDropDtr(int fd);

// Sets the line speed to B0 (drop DTR) or back to the configured speed (raise DTR).
io::Result<void> SetDtr(int fd, bool up, const TtyOptions& options, std::string_view device);

}  // namespace dialsoak::serial
