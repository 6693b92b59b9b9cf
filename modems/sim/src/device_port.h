// DevicePort: the tty device a dialing modem of the bank sits on (see dialsoak/sim/device.h):
// opened raw, non-blocking and exclusive (serial::OpenTty), read and written plainly (no
// packet mode), with its modem-control lines when it has them.
// Move-only; not thread-safe. Errors are returned (io::Result), naming the device.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "dialsoak/io/error.h"
#include "dialsoak/io/unique_fd.h"
#include "dialsoak/sim/device.h"
#include "tty_io.h"

namespace dialsoak::sim {

class DevicePort {
 public:
  // Opens config.path; probes its lines once (TIOCMGET): with them RTS goes up and DTR
  // down (the bank raises DTR per &C), without them has_lines() is false and no_lines()
  // says why. Fails when the device is missing, forbidden, in use or not a tty.
  static io::Result<DevicePort> Open(const DeviceConfig& config);

  DevicePort(DevicePort&& o) noexcept = default;
  DevicePort& operator=(DevicePort&& o) noexcept;
  ~DevicePort() { Close(); }

  // Data, Empty (EAGAIN) or Hangup (EOF or EIO: the device went away).
  io::Result<TtyPacket> Read(std::span<char> buf) const;
  // Writes what fits without blocking; returns the count (0 when full).
  io::Result<std::size_t> Write(std::string_view bytes) const;

  bool has_lines() const { return lines_ != nullptr; }
  const std::string& no_lines() const { return no_lines_; }
  // The dialer's DTR as the cable brings it: our DSR or DCD up. Needs has_lines().
  io::Result<bool> PeerDtr() const;
  // Our DTR, the dialer's DCD (and DSR): set when it differs from the last level set.
  void SetDtr(bool up);
  bool dtr() const { return dtr_; }

  // Drops DTR and RTS, gives up the exclusivity and closes; fd() is -1 afterwards.
  void Close();
  int fd() const { return fd_.get(); }
  bool open() const { return fd_.valid(); }
  const std::string& path() const { return path_; }

 private:
  DevicePort(io::UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

  io::UniqueFd fd_;
  std::string path_;
  std::unique_ptr<ModemLines> lines_;  // null: no modem-control lines
  std::string no_lines_;
  bool dtr_ = false;
};

}  // namespace dialsoak::sim
