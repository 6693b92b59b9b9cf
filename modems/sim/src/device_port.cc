#include "device_port.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>

namespace dialsoak::sim {
namespace {

class IoctlLines final : public ModemLines {
 public:
  explicit IoctlLines(int fd) : fd_(fd) {}
  io::Result<int> Get() override {
    int bits = 0;
    if (::ioctl(fd_, TIOCMGET, &bits) != 0) return io::Fail(io::ErrnoError("TIOCMGET"));
    return bits;
  }
  io::Result<void> Set(int bits, bool up) override {
    if (::ioctl(fd_, up ? TIOCMBIS : TIOCMBIC, &bits) != 0) {
      return io::Fail(io::ErrnoError(up ? "TIOCMBIS" : "TIOCMBIC"));
    }
    return {};
  }

 private:
  int fd_;
};

}  // namespace

std::unique_ptr<ModemLines> TtyModemLines(int fd) { return std::make_unique<IoctlLines>(fd); }

io::Result<DevicePort> DevicePort::Open(const DeviceConfig& config) {
  auto fd = serial::OpenTty(config.path, config.tty);
  if (!fd) return io::Fail(fd.error());
  DevicePort port(std::move(*fd), config.path);
  auto lines = config.lines ? config.lines(port.fd()) : TtyModemLines(port.fd());
  if (auto bits = lines->Get(); !bits) {
    // A pty slave (ENOTTY) or a driver without modem-control lines (EINVAL).
    port.no_lines_ = config.path + ": " + bits.error().message;
    return port;
  }
  port.lines_ = std::move(lines);
  // The kernel raised both at open; DTR waits for a call (&C1) or the bank's &C0.
  (void)port.lines_->Set(TIOCM_RTS, true);
  (void)port.lines_->Set(TIOCM_DTR, false);
  return port;
}

DevicePort& DevicePort::operator=(DevicePort&& o) noexcept {
  if (this != &o) {
    Close();
    fd_ = std::move(o.fd_);
    path_ = std::move(o.path_);
    lines_ = std::move(o.lines_);
    no_lines_ = std::move(o.no_lines_);
    dtr_ = o.dtr_;
  }
  return *this;
}

io::Result<TtyPacket> DevicePort::Read(std::span<char> buf) const {
  return ReadTty(fd_.get(), buf, false, path_);
}

io::Result<std::size_t> DevicePort::Write(std::string_view bytes) const {
  return WriteTty(fd_.get(), bytes, path_);
}

io::Result<bool> DevicePort::PeerDtr() const {
  auto bits = lines_->Get();
  if (!bits) return io::Fail(io::Error{bits.error().code, path_ + ": " + bits.error().message});
  return (*bits & (TIOCM_DSR | TIOCM_CAR)) != 0;
}

void DevicePort::SetDtr(bool up) {
  if (!lines_ || up == dtr_) return;
  if (lines_->Set(TIOCM_DTR, up)) dtr_ = up;
}

void DevicePort::Close() {
  if (!fd_) return;
  if (lines_) (void)lines_->Set(TIOCM_DTR | TIOCM_RTS, false);
  lines_.reset();
  serial::ReleaseTty(fd_.get());
  fd_.reset();
}

}  // namespace dialsoak::sim
