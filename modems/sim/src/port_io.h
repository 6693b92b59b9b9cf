// PortIo: the tty end the bank reads and writes for one port: the master of a pty it made
// (PtyPort), or a tty device it opened (DevicePort). Move-only; not thread-safe.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "device_port.h"
#include "pty_port.h"
#include "tty_io.h"

namespace dialsoak::sim {

class PortIo {
 public:
  explicit PortIo(PtyPort pty) : end_(std::move(pty)) {}
  explicit PortIo(DevicePort device) : end_(std::move(device)) {}

  io::Result<TtyPacket> Read(std::span<char> buf) const {
    return std::visit([&](const auto& end) { return end.Read(buf); }, end_);
  }
  io::Result<std::size_t> Write(std::string_view bytes) const {
    return std::visit([&](const auto& end) { return end.Write(bytes); }, end_);
  }
  int fd() const {
    return std::visit([](const auto& end) { return end.fd(); }, end_);
  }
  // The pty's slave path, or the device's path.
  const std::string& path() const {
    if (const auto* pty = std::get_if<PtyPort>(&end_)) return pty->slave_path();
    return std::get<DevicePort>(end_).path();
  }
  void Close() {
    std::visit([](auto& end) { end.Close(); }, end_);
  }

  PtyPort* pty() { return std::get_if<PtyPort>(&end_); }
  const PtyPort* pty() const { return std::get_if<PtyPort>(&end_); }
  DevicePort* device() { return std::get_if<DevicePort>(&end_); }

 private:
  std::variant<PtyPort, DevicePort> end_;
};

}  // namespace dialsoak::sim
