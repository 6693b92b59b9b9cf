#include "pty_port.h"

#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include <array>
#include <cerrno>

namespace dialsoak::sim {

io::Result<PtyPort> PtyPort::Open() {
  io::UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!master) return io::Fail(io::ErrnoError("posix_openpt /dev/ptmx"));
  if (::grantpt(master.get()) != 0) return io::Fail(io::ErrnoError("grantpt"));
  if (::unlockpt(master.get()) != 0) return io::Fail(io::ErrnoError("unlockpt"));
  std::array<char, 128> name{};
  if (int e = ::ptsname_r(master.get(), name.data(), name.size()); e != 0) {
    return io::Fail(io::ErrnoError("ptsname", e));
  }
  std::string path(name.data());

  // Configure the slave once, then close it: EXTPROC and the speed persist, and only the
  // program that opens it later holds it, so its close is seen.
  io::UniqueFd slave(::open(path.c_str(), O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC));
  if (!slave) return io::Fail(io::ErrnoError("open " + path));
  // This user's alone (grantpt leaves the tty group write access: wall, write).
  if (::fchmod(slave.get(), 0600) != 0) return io::Fail(io::ErrnoError("chmod 0600 " + path));
  termios t{};
  if (::tcgetattr(slave.get(), &t) != 0) return io::Fail(io::ErrnoError("tcgetattr " + path));
  ::cfmakeraw(&t);
  ::cfsetispeed(&t, B115200);
  ::cfsetospeed(&t, B115200);
  t.c_lflag |= EXTPROC;
  if (::tcsetattr(slave.get(), TCSANOW, &t) != 0) {
    return io::Fail(io::ErrnoError("tcsetattr " + path));
  }
  int one = 1;
  if (::ioctl(master.get(), TIOCPKT, &one) != 0) {
    return io::Fail(io::ErrnoError("TIOCPKT on the master of " + path));
  }
  slave.reset();
  return PtyPort(std::move(master), std::move(path));
}

io::Result<PtyPort::Packet> PtyPort::Read(std::span<char> buf) const {
  return ReadTty(master_.get(), buf, true, "master of " + slave_path_);
}

io::Result<std::size_t> PtyPort::Write(std::string_view bytes) const {
  return WriteTty(master_.get(), bytes, "master of " + slave_path_);
}

io::Result<bool> PtyPort::DtrUp() const {
  termios t{};
  if (::tcgetattr(master_.get(), &t) != 0) {
    return io::Fail(io::ErrnoError("tcgetattr master of " + slave_path_));
  }
  return ::cfgetospeed(&t) != B0;
}

bool PtyPort::SlaveOpen() const {
  pollfd p{master_.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) >= 0 && (p.revents & POLLHUP) == 0;
}

}  // namespace dialsoak::sim
