// PtyPort: the modem side (master) of one emulated serial port. The slave is set raw at
// 115200 with EXTPROC, then closed, so that the program that opens it is its only opener;
// the master is in packet mode, so a termios change on the slave (speed B0: "DTR down")
// arrives as a control packet, and "every opener closed the tty" as a hang-up (EIO).
// Move-only; not thread-safe. Errors are returned (io::Result), naming the device.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "tty_io.h"

namespace dialsoak::sim {

class PtyPort {
 public:
  static io::Result<PtyPort> Open();

  using Packet = TtyPacket;

  // One packet-mode read into buf (which must hold at least 2 bytes).
  io::Result<Packet> Read(std::span<char> buf) const;
  // Writes what fits without blocking; returns the count (0 when full).
  io::Result<std::size_t> Write(std::string_view bytes) const;
  // The opener's DTR as a pty can show it: false while its output speed is B0.
  io::Result<bool> DtrUp() const;
  // Whether some program holds the slave open now (the master reports no POLLHUP).
  bool SlaveOpen() const;

  // Closes the master, as if the device were unplugged: the slave's openers read EOF,
  // fail writes with EIO and poll POLLHUP, and its /dev/pts name goes (ENOENT).
  void Close() { master_.reset(); }

  int fd() const { return master_.get(); }
  const std::string& slave_path() const { return slave_path_; }

 private:
  PtyPort(io::UniqueFd master, std::string slave_path)
      : master_(std::move(master)), slave_path_(std::move(slave_path)) {}

  io::UniqueFd master_;
  std::string slave_path_;
};

}  // namespace dialsoak::sim
